/**
 * Normalisation: the parts of an object that say what it is, without the noise the server adds
 * (managedFields, resourceVersion, generation, uid, timestamps, status, kubectl's
 * last-applied annotation). Two objects are in sync when their normal forms are equal.
 */
import type { JsonObject, JsonValue, KubeObject } from '../api/object.js';

const NOISE_METADATA = [
  'managedFields',
  'resourceVersion',
  'generation',
  'uid',
  'creationTimestamp',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
] as const;

const NOISE_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'] as const;

export function cloneJson<T extends JsonValue | KubeObject>(value: T): T {
  return structuredClone(value);
}

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A deep copy without metadata noise and without `status`. Never mutates its input. The noise is
 * left out before the copy, not deleted after it: a live object's managedFields and status are
 * often most of it, and every drift test and diff normalises both sides of every object.
 * Key order is the input's.
 */
export function normalize(obj: KubeObject): JsonObject {
  const top: JsonObject = {};
  for (const [key, value] of Object.entries(obj as unknown as JsonObject)) {
    if (key === 'status') continue;
    top[key] = key === 'metadata' && isPlainObject(value) ? withoutNoise(value) : value;
  }
  return cloneJson(top);
}

/** A shallow copy of metadata without the noise fields, annotations and empty labels. */
function withoutNoise(meta: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(meta)) {
    if ((NOISE_METADATA as readonly string[]).includes(key)) continue;
    if (key === 'annotations' && isPlainObject(value)) {
      const kept: JsonObject = {};
      for (const [k, v] of Object.entries(value))
        if (!(NOISE_ANNOTATIONS as readonly string[]).includes(k)) kept[k] = v;
      if (Object.keys(kept).length > 0) out.annotations = kept;
      continue;
    }
    if (key === 'labels' && isPlainObject(value) && Object.keys(value).length === 0) continue;
    out[key] = value;
  }
  return out;
}

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (typeof a === 'object') {
    if (typeof b !== 'object' || Array.isArray(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** JSON with object keys sorted: a stable text for hashing. */
export function canonicalJson(value: JsonValue | KubeObject): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (isPlainObject(v)) {
      const sorted: JsonObject = {};
      for (const k of Object.keys(v).sort()) sorted[k] = v[k] as JsonValue;
      return sorted;
    }
    return v;
  });
}
