/**
 * The Applications the UI shows, from a watch (the runtime's informer): every list request and
 * every server-sent event is answered from memory, never from an API call. In the controller it
 * runs on every replica (standbys and all shards serve the UI too), over the watched namespaces.
 */
import { APP_API_VERSION, APP_GROUP, APP_KIND, type Application } from '../api/application.js';
import { refKey } from '../api/object.js';
import type { Logger } from '../controller/reconciler.js';
import type { ClusterClient } from '../kube/types.js';
import type { Clock } from '../runtime/clock.js';
import { Informer, type InformerEvent } from '../runtime/informer.js';

export type AppListener = (type: InformerEvent, app: Application) => void;

/** The read-only view the UI's API needs. */
export interface AppStore {
  list(): Iterable<Application>;
  get(namespace: string, name: string): Application | undefined;
  /** Called on every change; returns how to stop listening. */
  subscribe(listener: AppListener): () => void;
  readonly synced: boolean;
}

export class InformerAppStore implements AppStore {
  private readonly informers: Informer[];
  private readonly listeners = new Set<AppListener>();

  constructor(o: { client: ClusterClient; namespaces: readonly string[]; clock: Clock; log?: Logger }) {
    const namespaces = o.namespaces.length ? o.namespaces : [''];
    this.informers = namespaces.map(
      (ns) =>
        new Informer({
          client: o.client,
          apiVersion: APP_API_VERSION,
          kind: APP_KIND,
          ...(ns ? { namespace: ns } : {}),
          clock: o.clock,
          random: Math.random,
          ...(o.log ? { log: o.log } : {}),
          onEvent: (type, obj) => {
            for (const l of this.listeners) l(type, obj as unknown as Application);
          },
        }),
    );
  }

  async start(): Promise<void> {
    for (const i of this.informers) i.start();
    await Promise.all(this.informers.map((i) => i.whenSynced()));
  }

  stop(): Promise<void> {
    return Promise.all(this.informers.map((i) => i.stop())).then(() => {});
  }

  get synced(): boolean {
    return this.informers.every((i) => i.synced);
  }

  *list(): Iterable<Application> {
    for (const i of this.informers) yield* i.store.values() as Iterable<unknown> as Iterable<Application>;
  }

  get(namespace: string, name: string): Application | undefined {
    const key = refKey({ group: APP_GROUP, kind: APP_KIND, namespace, name });
    for (const i of this.informers) {
      const found = i.store.get(key);
      if (found) return found as unknown as Application;
    }
    return undefined;
  }

  subscribe(listener: AppListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
