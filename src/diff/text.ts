/**
 * Human diff text, per object, like `kubectl diff`: a unified diff of the YAML of the live object
 * and of the object after apply (both normalised, ignored fields removed, Secrets masked).
 */
import { createTwoFilesPatch } from 'diff';
import yaml from 'js-yaml';
import type { JsonObject, ObjectRef } from '../api/object.js';
import { maskSecretPair } from './mask.js';

export interface ObjectDiff {
  ref: ObjectRef;
  /** Undefined when the object would be created. */
  before?: JsonObject | undefined;
  /** Undefined when the object would be deleted (pruned). */
  after?: JsonObject | undefined;
}

function toYaml(o: JsonObject | undefined): string {
  return o === undefined ? '' : yaml.dump(o, { sortKeys: true, lineWidth: -1, noRefs: true });
}

function fileName(ref: ObjectRef): string {
  const gv = ref.group ? `${ref.group}.` : '';
  return `${gv}${ref.kind}.${ref.namespace ? `${ref.namespace}.` : ''}${ref.name}`;
}

/** One object's unified diff; empty string when both sides are the same. */
export function objectDiffText(d: ObjectDiff): string {
  const before = toYaml(d.before);
  const after = toYaml(d.after);
  if (before === after) return '';
  const name = fileName(d.ref);
  const text = createTwoFilesPatch(`live/${name}`, `merged/${name}`, before, after, undefined, undefined, {
    context: 3,
  });
  // Drop the leading "====" line createTwoFilesPatch adds; start at the `---` header like diff -u.
  return text.replace(/^=+\n/, '').replace(/^Index: .*\n/, '');
}

export function diffText(diffs: readonly ObjectDiff[]): string {
  return diffs.map(objectDiffText).filter(Boolean).join('');
}

/** An ObjectDiff with Secret values masked on both sides. */
export function maskedObjectDiff(ref: ObjectRef, before?: JsonObject, after?: JsonObject): ObjectDiff {
  const [b, a] = maskSecretPair(before, after);
  const d: ObjectDiff = { ref };
  if (b) d.before = b;
  if (a) d.after = a;
  return d;
}
