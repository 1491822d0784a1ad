/**
 * Whether an update of an Application (or an ApplicationSet) asks for work: a status-only change,
 * such as the controller's own status write coming back through the watch, does not.
 */
import type { KubeObject } from '../api/object.js';

function json(v: unknown): string {
  return JSON.stringify(v ?? null);
}

/** Whether an Application update asks for work (status-only changes, e.g. our own writes, do not). */
export function wantsReconcile(old: KubeObject | undefined, obj: KubeObject): boolean {
  if (!old) return true;
  const m = obj.metadata;
  const o = old.metadata;
  return (
    m.generation !== o.generation ||
    json(m.annotations) !== json(o.annotations) ||
    json(m.finalizers) !== json(o.finalizers) ||
    m.deletionTimestamp !== o.deletionTimestamp ||
    json(obj.operation) !== json(old.operation) ||
    json(obj.spec) !== json(old.spec)
  );
}
