/**
 * Structural sharing between two versions of an object from a watch: the new version keeps the
 * old version's subtrees wherever they are equal, so what did not change (a Deployment's pod
 * template, a Widget's spec, the managedFields entries of the managers that did not write)
 * stays one long-lived copy and the freshly decoded duplicate dies young. Under status churn
 * (an operator writing the status of ten thousand objects every few seconds) this is most of
 * what the informer would otherwise promote to the old generation and collect there; it also
 * makes "did anything but status change" a comparison of references (tracked-change.ts).
 */

type Json = unknown;
type JsonRecord = Record<string, Json>;

function isRecord(v: Json): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Returns `old` when `now` equals it as JSON (key order aside), else `now` with its equal
 * subtrees replaced, in place, by `old`'s. `now` must be freshly decoded: nothing else may hold
 * it or its parts yet. Neither is otherwise changed; `old`'s subtrees must not be mutated later
 * (a store's objects are read-only).
 */
export function shareUnchanged(old: Json, now: Json): Json {
  if (old === now) return old;
  if (typeof old !== 'object' || typeof now !== 'object' || old === null || now === null) return now;
  if (Array.isArray(now)) {
    if (!Array.isArray(old)) return now;
    let same = old.length === now.length;
    for (let i = 0; i < now.length; i++) {
      if (i >= old.length) break;
      const v = shareUnchanged(old[i], now[i]);
      if (v !== old[i]) same = false;
      now[i] = v;
    }
    return same ? old : now;
  }
  if (!isRecord(old)) return now;
  const was = old;
  const is = now as JsonRecord;
  let same = true;
  let keys = 0;
  for (const k in is) {
    keys++;
    if (!Object.hasOwn(was, k)) {
      same = false;
      continue;
    }
    const v = shareUnchanged(was[k], is[k]);
    if (v !== was[k]) same = false;
    is[k] = v;
  }
  if (same) for (const _ in was) keys--;
  return same && keys === 0 ? old : now;
}
