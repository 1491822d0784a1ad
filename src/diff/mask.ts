/**
 * Secret values never appear in diffs: each value under `data`/`stringData` of a Secret is
 * replaced by a mask; a key whose value changed gets a different mask on each side, so the
 * diff still shows *that* it changed, never *what* it is.
 */
import type { JsonObject, KubeObject } from '../api/object.js';

export const MASK_SAME = '++++++++';
export const MASK_BEFORE = '++++++++ (before)';
export const MASK_AFTER = '++++++++ (after)';

function isSecret(o: JsonObject | KubeObject | undefined): boolean {
  return o !== undefined && o.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined);
}

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Masked copies of a (before, after) pair; objects that are not Secrets pass unchanged. */
export function maskSecretPair<T extends JsonObject>(
  before: T | undefined,
  after: T | undefined,
): [T | undefined, T | undefined] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const b = before && structuredClone(before);
  const a = after && structuredClone(after);
  for (const field of ['data', 'stringData']) {
    const bd = b && isPlainObject(b[field]) ? (b[field] as JsonObject) : undefined;
    const ad = a && isPlainObject(a[field]) ? (a[field] as JsonObject) : undefined;
    const keys = new Set([...Object.keys(bd ?? {}), ...Object.keys(ad ?? {})]);
    for (const k of keys) {
      const same = bd?.[k] !== undefined && ad?.[k] !== undefined && bd[k] === ad[k];
      if (bd && k in bd) bd[k] = same ? MASK_SAME : MASK_BEFORE;
      if (ad && k in ad) ad[k] = same ? MASK_SAME : MASK_AFTER;
    }
  }
  // kubectl's last-applied annotation would carry the values too.
  for (const o of [b, a]) {
    const meta = o && isPlainObject(o.metadata) ? o.metadata : undefined;
    if (meta && isPlainObject(meta.annotations)) {
      delete meta.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    }
  }
  return [b, a];
}
