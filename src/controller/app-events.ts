/**
 * What an Application watch event does in the controller: a deletion drops everything kept for
 * the app; any other event records the Git refs the app follows (revision followers), tells the
 * reconciler which version the informer holds (so the copy of its own last status write can go)
 * and queues the app when the change asks for work.
 */
import type { KubeObject } from '../api/object.js';
import type { InformerEvent } from '../runtime/informer.js';
import type { Lane, WorkQueue } from '../runtime/queue.js';
import type { ClusterRuntime } from './cluster-runtime.js';
import type { ControllerMetrics } from './controller-metrics.js';
import type { Logger } from './deps.js';
import type { RemoteClusters } from './remote-clusters.js';
import { followedRefs, type RevisionFollowers } from './revision-followers.js';
import { wantsReconcile } from './wants-reconcile.js';

/** The queue's name in metrics. */
export const APP_QUEUE = 'applications';

/** What an app event reaches. */
export interface AppEventTargets {
  queue: Pick<WorkQueue, 'add' | 'forget'>;
  local: Pick<ClusterRuntime, 'onTrackedEvent' | 'forget' | 'reconciler'>;
  remotes: Pick<RemoteClusters, 'release'> | undefined;
  notify?: { forget?(appKey: string): void } | undefined;
  metrics?: ControllerMetrics | undefined;
  /** Which apps follow which Git ref (revision-followers.ts). */
  followers: Pick<RevisionFollowers, 'track' | 'untrack'>;
  log: Logger;
}

export function appKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/** `lane`: urgent for a change seen by the watch, periodic for the informer's first list. */
export function onAppEvent(
  t: AppEventTargets,
  type: InformerEvent,
  obj: KubeObject,
  old: KubeObject | undefined,
  lane: Lane,
): void {
  const key = appKey(obj);
  // A child Application (app-of-apps): its parent's health depends on it (every change counts).
  t.local.onTrackedEvent(type, obj, undefined, lane);
  const refs = followedRefs(obj.spec as Parameters<typeof followedRefs>[0]);
  if (type === 'DELETED') {
    t.followers.untrack(key, refs);
    t.queue.forget(key);
    t.local.forget(key);
    void t.remotes?.release(key);
    t.notify?.forget?.(key);
    t.metrics?.deleteApp(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    return;
  }
  t.log.debug({ app: key, event: type }, 'application event');
  t.followers.track(key, refs);
  // Our own status write has reached the informer: the reconciler's copy of it can go.
  const rv = obj.metadata.resourceVersion;
  t.local.reconciler.seen(key, typeof rv === 'string' ? rv : undefined);
  // A new app or a new spec: no Git answer asked before this moment may serve it.
  if (!old || old.metadata.generation !== obj.metadata.generation) t.local.reconciler.learned(key);
  if (wantsReconcile(old, obj)) {
    t.metrics?.queue.added(APP_QUEUE);
    // A new app, a spec edit, a refresh annotation, an operation, a deletion: someone waits on it.
    t.queue.add(key, lane);
  }
}
