/** Which changes of a managed object send its app to the queue. */
import type { KubeObject } from '../api/object.js';
import type { HealthPort } from './ports.js';

/** The object without what a status write moves: `status`, resourceVersion, managedFields. */
function withoutStatus(obj: KubeObject): string {
  const { status: _status, metadata, ...rest } = obj;
  const {
    resourceVersion: _rv,
    managedFields: _mf,
    ...meta
  } = metadata as KubeObject['metadata'] & {
    managedFields?: unknown;
  };
  return JSON.stringify({ ...rest, metadata: meta });
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
  if (withoutStatus(old) !== withoutStatus(obj)) return true;
  const before = health.assess(old);
  const after = health.assess(obj);
  return before.status !== after.status || (before.message ?? '') !== (after.message ?? '');
}
