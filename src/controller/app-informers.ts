/**
 * The controller's Application informers (one per watched namespace, or one for all) and the
 * lookups over them. Their first list is what a start finds, not a change: its events go to the
 * periodic lane; later events are urgent.
 */
import { APP_API_VERSION, APP_GROUP, APP_KIND, type Application } from '../api/application.js';
import { type KubeObject, refKey } from '../api/object.js';
import type { ClusterClient } from '../kube/types.js';
import type { Clock } from '../runtime/clock.js';
import { Informer, type InformerEvent, withoutManagedFields } from '../runtime/informer.js';
import type { Lane } from '../runtime/queue.js';
import type { Logger } from './deps.js';

export interface AppInformersOptions {
  client: ClusterClient;
  /** Namespaces watched; empty: all. */
  namespaces: readonly string[];
  clock: Clock;
  random: () => number;
  log: Logger;
  onEvent: (type: InformerEvent, obj: KubeObject, old: KubeObject | undefined, lane: Lane) => void;
}

export function createAppInformers(o: AppInformersOptions): Informer[] {
  return (o.namespaces.length ? o.namespaces : ['']).map((ns) => {
    const informer: Informer = new Informer({
      client: o.client,
      apiVersion: APP_API_VERSION,
      kind: APP_KIND,
      ...(ns ? { namespace: ns } : {}),
      clock: o.clock,
      random: o.random,
      log: o.log,
      // Nothing reads an Application's managedFields, and they are most of its size (the
      // status writer's entry lists every status field): ~40 % of the store at 10,000 apps.
      transform: withoutManagedFields,
      onEvent: (type, obj, old) => o.onEvent(type, obj, old, informer.synced ? 'urgent' : 'periodic'),
    });
    return informer;
  });
}

/** Every Application the informers hold. */
export function appsIn(informers: readonly Informer[]): Application[] {
  return informers.flatMap((i) => [...i.store.values()]) as unknown as Application[];
}

/** The Application `namespace/name`, when an informer holds it. */
export function findAppIn(informers: readonly Informer[], key: string): KubeObject | undefined {
  const [ns = '', name = ''] = key.split('/');
  const k = refKey({ group: APP_GROUP, kind: APP_KIND, namespace: ns, name });
  for (const inf of informers) {
    const found = inf.store.get(k);
    if (found) return found;
  }
  return undefined;
}
