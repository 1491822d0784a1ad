/**
 * The drift test: the server-side dry-run of the desired object (what the live object would
 * become) against the live object, both normalised and without ignored fields. Defaulting and
 * admission mutation are in both, so they never show as drift.
 */
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { JsonObject, KubeObject } from '../api/object.js';
import { withoutIgnored } from './ignore.js';
import { maskSecretPair } from './mask.js';
import { normalize } from './normalize.js';

export interface Comparison {
  drifted: boolean;
  /** Live (normalised, ignored fields removed, Secrets masked). */
  before: JsonObject;
  /** Predicted by the dry-run, same treatment. */
  after: JsonObject;
  /** JSON patch turning `before` into `after` (Secret values masked). */
  patch: Operation[];
}

/** Normal form for comparison: noise and ignored fields removed. */
export function comparable(obj: KubeObject, ignored: readonly string[]): JsonObject {
  return withoutIgnored(normalize(obj), ignored);
}

/**
 * `ignored` applies to both sides; `ignoredPredicted`, when given, replaces it for the predicted
 * side (jqPathExpressions are evaluated on each side and can point at different list indices).
 */
export function compare(
  predicted: KubeObject,
  live: KubeObject,
  ignored: readonly string[],
  ignoredPredicted: readonly string[] = ignored,
): Comparison {
  const rawBefore = comparable(live, ignored);
  const rawAfter = comparable(predicted, ignoredPredicted);
  const patchUnmasked = fastJsonPatch.compare(rawBefore, rawAfter);
  const [before, after] = maskSecretPair(rawBefore, rawAfter);
  const patch = patchUnmasked.length === 0 ? [] : fastJsonPatch.compare(before ?? {}, after ?? {});
  return { drifted: patchUnmasked.length > 0, before: before ?? {}, after: after ?? {}, patch };
}
