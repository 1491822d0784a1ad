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

/** A deep copy without metadata noise and without `status`. Never mutates its input. */
export function normalize(obj: KubeObject): JsonObject {
  const out = cloneJson(obj) as unknown as JsonObject;
  delete out.status;
  const meta = out.metadata;
  if (isPlainObject(meta)) {
    for (const key of NOISE_METADATA) delete meta[key];
    const annotations = meta.annotations;
    if (isPlainObject(annotations)) {
      for (const key of NOISE_ANNOTATIONS) delete annotations[key];
      if (Object.keys(annotations).length === 0) delete meta.annotations;
    }
    if (isPlainObject(meta.labels) && Object.keys(meta.labels).length === 0) delete meta.labels;
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
