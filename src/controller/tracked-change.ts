/** Which changes of a managed object send its app to the queue. */
import type { KubeObject } from '../api/object.js';
import type { HealthPort } from './ports.js';

/**
 * What a status write moves: `status`, and in metadata resourceVersion and managedFields
 * (metadata's other fields are compared on their own).
 */
const STATUS_WRITE_TOP = new Set(['status', 'metadata']);
const STATUS_WRITE_META = new Set(['resourceVersion', 'managedFields']);

/**
 * JSON equality (key order aside). Allocation-free on purpose: it runs on every watch event of
 * every managed object, a thousand a second under status churn, where stringifying both
 * versions (as this once did) was most of the controller's CPU and garbage.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  return sameFields(a as Record<string, unknown>, b as Record<string, unknown>);
}

/** The objects' fields are equal, those named in `skip` aside. */
function sameFields(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  skip?: ReadonlySet<string>,
): boolean {
  let count = 0;
  for (const k in a) {
    if (skip?.has(k)) continue;
    // A JSON field that is absent and one that is undefined stringify alike.
    if (a[k] === undefined) continue;
    count++;
    if (!sameJson(a[k], b[k])) return false;
  }
  for (const k in b) {
    if (skip?.has(k) || b[k] === undefined) continue;
    count--;
  }
  return count === 0;
}

/** Equal but for what a status write moves (spec, data, labels, annotations, finalizers, owners…). */
export function sameButStatus(a: KubeObject, b: KubeObject): boolean {
  return (
    sameFields(
      a as unknown as Record<string, unknown>,
      b as unknown as Record<string, unknown>,
      STATUS_WRITE_TOP,
    ) &&
    sameFields(
      a.metadata as Record<string, unknown>,
      b.metadata as Record<string, unknown>,
      STATUS_WRITE_META,
    )
  );
}

/**
 * Whether a managed object's change can matter to its app. A status-only change (what HPAs, KEDA
 * or External Secrets write every few seconds) cannot drift the object (status is never
 * compared) and matters only when it changes the object's health; re-planning the app for
 * each one would burn CPU for nothing at ten thousand objects.
 */
export function trackedChangeMatters(
  old: KubeObject | undefined,
  obj: KubeObject,
  health: HealthPort,
): boolean {
  if (!old) return true;
  if (!sameButStatus(old, obj)) return true;
  const before = health.assess(old);
  const after = health.assess(obj);
  return before.status !== after.status || (before.message ?? '') !== (after.message ?? '');
}
