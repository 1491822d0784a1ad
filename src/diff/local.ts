/**
 * A local in-sync test that needs no API call, used before paying for a dry-run when no cached
 * verdict exists (e.g. right after a restart). It answers "in sync" only when a server-side
 * apply of `desired` would be a no-op:
 *
 * - every value `desired` sets is already in `live` (objects as subsets, arrays element by
 *   element with the same length, scalars equal), and
 * - the fields our field manager owns in `live` (its Apply entry in managedFields) are exactly
 *   the fields `desired` sets: nothing to take over, nothing we used to own to remove.
 *
 * Any doubt (server-normalised values, reordered lists, atomic structures, several API
 * versions) answers "unknown", and the caller falls back to the dry-run.
 */
import type { JsonObject, JsonValue, KubeObject } from '../api/object.js';
import { fieldsV1ToPointers } from './ignore.js';
import { jsonEqual } from './normalize.js';
import { formatPointer, getAt, parsePointer } from './pointer.js';

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const IDENTITY = new Set(['/apiVersion', '/kind', '/metadata/name', '/metadata/namespace']);

/** Leaf pointers of a JSON document (empty objects and arrays are leaves; scalar array elements too). */
export function leafPointers(doc: JsonValue, prefix: string[] = []): string[] {
  if (isPlainObject(doc)) {
    const keys = Object.keys(doc);
    if (keys.length === 0) return [formatPointer(prefix)];
    return keys.flatMap((k) => leafPointers(doc[k] as JsonValue, [...prefix, k]));
  }
  if (Array.isArray(doc)) {
    if (doc.length === 0) return [formatPointer(prefix)];
    return doc.flatMap((v, i) => leafPointers(v, [...prefix, String(i)]));
  }
  return [formatPointer(prefix)];
}

/** `want` is contained in `have`: object keys a subset, arrays the same length element-wise, scalars equal. */
export function containedIn(want: JsonValue | undefined, have: JsonValue | undefined): boolean {
  if (isPlainObject(want)) {
    if (!isPlainObject(have)) return false;
    return Object.keys(want).every((k) => containedIn(want[k], have[k]));
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) return false;
    return want.every((w, i) => containedIn(w, have[i]));
  }
  return jsonEqual(want, have);
}

function under(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

export function appliedAsDesired(
  desired: KubeObject,
  live: KubeObject,
  manager: string,
  ignored: readonly string[],
): boolean {
  const entries = Array.isArray(live.metadata.managedFields) ? live.metadata.managedFields : [];
  const mine = entries.filter(
    (e): e is JsonObject =>
      isPlainObject(e) && e.manager === manager && e.operation === 'Apply' && e.subresource === undefined,
  );
  if (mine.length !== 1) return false;
  const entry = mine[0] as JsonObject;
  if (entry.apiVersion !== desired.apiVersion || !isPlainObject(entry.fieldsV1)) return false;

  const d = desired as unknown as JsonObject;
  const l = live as unknown as JsonObject;
  const isIgnored = (p: string) => ignored.some((i) => under(p, i));
  const wanted = leafPointers(d).filter((p) => !IDENTITY.has(p) && !isIgnored(p));
  // Values: every wanted leaf's value is live's (containment checked per top-level field).
  for (const p of wanted) {
    const tokens = parsePointer(p);
    if (!containedIn(getAt(d, tokens), getAt(l, tokens))) return false;
  }
  for (const key of Object.keys(d)) {
    if (key === 'status') continue;
    const sub = d[key] as JsonValue;
    if ((isPlainObject(sub) || Array.isArray(sub)) && !isIgnored(`/${key}`)) {
      if (!containedIn(stripIgnored(sub, `/${key}`, ignored), l[key])) return false;
    }
  }
  // Ownership: what we own is exactly what we want.
  const owned = fieldsV1ToPointers(entry.fieldsV1, l).filter((p) => !isIgnored(p));
  if (owned.some((p) => getAt(d, parsePointer(p)) === undefined)) return false;
  return wanted.every((p) => owned.some((o) => under(p, o)));
}

/** Copy of `v` (found at `at`) without ignored subtrees, for the containment check. */
function stripIgnored(v: JsonValue, at: string, ignored: readonly string[]): JsonValue {
  if (!ignored.some((i) => i.startsWith(`${at}/`))) return v;
  if (isPlainObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const p = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (ignored.includes(p)) continue;
      out[k] = stripIgnored(x as JsonValue, p, ignored);
    }
    return out;
  }
  if (Array.isArray(v)) return v.map((x, i) => stripIgnored(x, `${at}/${i}`, ignored));
  return v;
}
