/** When a bench counts an Application as done: Synced, Healthy and Ready=True. */
import type { KubeObject } from '../../src/api/object.js';

export function isAppReady(o: KubeObject): boolean {
  const s = o.status as
    | {
        sync?: { status?: string };
        health?: { status?: string };
        conditions?: { type: string; status: string }[];
      }
    | undefined;
  return (
    s?.sync?.status === 'Synced' &&
    s.health?.status === 'Healthy' &&
    (s.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}
