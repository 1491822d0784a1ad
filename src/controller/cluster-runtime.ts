/**
 * Everything the controller keeps per destination cluster: its client (and impersonated clients),
 * an informer per kind its apps manage (self-heal, cached live reads), the tracked objects per
 * app, the sync engine over them, and a reconciler bound to them. The controller's own cluster
 * has one for its whole life; a remote cluster gets one on first use (src/controller/remote-clusters.ts).
 */
import {
  Annotation,
  APP_GROUP,
  APP_KIND,
  type Application,
  type ApplicationStatus,
} from '../api/application.js';
import { groupOf, type KubeObject, refKey, versionOf } from '../api/object.js';
import { parseTrackingId } from '../api/tracking.js';
import type { ClusterClient, ObjectAddress } from '../kube/types.js';
import type { Clock } from '../runtime/clock.js';
import { Informer, type InformerEvent, objectKey } from '../runtime/informer.js';
import type { Lane } from '../runtime/queue.js';
import { isHookObject } from '../sync/annotations.js';
import { cachedClient } from './adapters/cached-client.js';
import { EngineSyncPort } from './adapters/sync.js';
import type { Logger, PassInfo, ReconcilerDeps } from './deps.js';
import type { ObjectId, SyncPort } from './ports.js';
import { Reconciler } from './reconciler.js';
import { trackedChangeMatters } from './tracked-change.js';

/** The destination a runtime serves, as projects and metrics name it. */
export interface ClusterIdentity {
  server: string;
  name: string;
}

/** The reconciler's dependencies shared by every cluster (source, render, writer, projects…). */
export type SharedDeps = Omit<
  ReconcilerDeps,
  'sync' | 'trackedObjects' | 'appsWithObjectsIn' | 'watchKinds' | 'capabilities' | 'cluster' | 'observe'
>;

export interface ClusterRuntimeOptions {
  client: ClusterClient;
  cluster: ClusterIdentity;
  shared: SharedDeps;
  clock: Clock;
  random: () => number;
  log: Logger;
  /** A tracked object of `appKey` changed: queue it in `lane`. */
  onOwnerEvent: (appKey: string, lane: Lane) => void;
  observe?: (app: Application, status: ApplicationStatus, info: PassInfo, cluster: ClusterIdentity) => void;
  /** Overrides the sync engine (tests). */
  sync?: SyncPort;
  healthTimeoutMs?: number;
  /** Applications live in the controller's own cluster: looked up there, never watched as a kind. */
  findApp?: (key: string) => KubeObject | undefined;
}

const noCapabilities = () => Promise.reject(new Error('the cluster client has no discovery of capabilities'));

export class ClusterRuntime {
  readonly managed = new Map<string, Informer>();
  readonly syncPort: SyncPort;
  readonly reconciler: Reconciler;
  /** appKey → tracked objects (refKey → ref), from the managed informers. */
  private readonly tracked = new Map<string, Map<string, ObjectId>>();
  private started = false;

  constructor(private readonly o: ClusterRuntimeOptions) {
    const cached = cachedClient(o.client, (a) => this.lookup(a));
    // Apps that sync as a ServiceAccount: writes as it, reads still from our informers.
    const asUser = new Map<string, ClusterClient>();
    const impersonate = o.client.impersonate?.bind(o.client);
    const clientAs = impersonate
      ? (user: string) => {
          const known = asUser.get(user);
          if (known) return known;
          const c = cachedClient(impersonate(user), (a) => this.lookup(a));
          asUser.set(user, c);
          return c;
        }
      : undefined;
    this.syncPort =
      o.sync ??
      new EngineSyncPort({
        client: cached,
        ...(clientAs ? { clientAs } : {}),
        known: (a) => {
          const o = this.known(a);
          return o ? structuredClone(o) : o;
        },
        live: (ref) =>
          this.lookup({
            apiVersion: ref.group ? `${ref.group}/${ref.version}` : ref.version,
            kind: ref.kind,
            namespace: ref.namespace,
            name: ref.name,
          }),
        ...(o.healthTimeoutMs ? { healthTimeoutMs: o.healthTimeoutMs } : {}),
      });
    const client = o.client;
    this.reconciler = new Reconciler({
      ...o.shared,
      cluster: o.cluster,
      sync: this.syncPort,
      trackedObjects: (ns, name) => [...(this.tracked.get(`${ns}/${name}`)?.values() ?? [])],
      appsWithObjectsIn: (namespace) =>
        [...this.tracked].flatMap(([key, objects]) =>
          [...objects.values()].some((x) => x.namespace === namespace) ? [key] : [],
        ),
      watchKinds: (kinds) => this.watchKinds(kinds),
      ...(client.capabilities ? { capabilities: () => client.capabilities?.() ?? noCapabilities() } : {}),
      ...(o.observe ? { observe: (app, status, info) => o.observe?.(app, status, info, o.cluster) } : {}),
    });
  }

  get client(): ClusterClient {
    return this.o.client;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const inf of this.managed.values()) inf.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.managed.values()].map((i) => i.stop()));
  }

  /** Drops what is kept for an app that is gone (or now syncs to another cluster). */
  forget(key: string): void {
    this.reconciler.forget(key);
    (this.syncPort as { forget?: (k: string) => void }).forget?.(key);
  }

  /**
   * An object carrying a tracking id changed: record it for its app and queue the app in `lane`
   * (urgent: a drift to revert, a health to report; periodic for an informer's first list). Runs
   * for every watch event of every managed object (a thousand a second when operators churn their
   * status), so what a status-only change needs is kept cheap.
   */
  onTrackedEvent(type: InformerEvent, obj: KubeObject, old: KubeObject | undefined, lane: Lane): void {
    const parsed = parseTrackingId(obj.metadata.annotations?.[Annotation.TrackingId]);
    if (!parsed) return;
    // A hook is not desired state: it never enters the app's inventory (only its delete policy removes it).
    if (isHookObject(obj)) return;
    const namespace = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    // Only objects whose id names them (a copied annotation does not make an object ours).
    if (parsed.ref.name !== name || parsed.ref.kind !== obj.kind) return;
    const owner = `${parsed.appNamespace}/${parsed.appName}`;
    const group = groupOf(obj.apiVersion);
    const key = refKey({ group, kind: obj.kind, namespace, name });
    let set = this.tracked.get(owner);
    if (type === 'DELETED') set?.delete(key);
    else {
      if (!set) {
        set = new Map();
        this.tracked.set(owner, set);
      }
      const version = versionOf(obj.apiVersion);
      // Kept as it is when unchanged: a new ref per event would only be garbage for the collector.
      if (set.get(key)?.version !== version)
        set.set(key, { group, version, kind: obj.kind, namespace, name });
    }
    // The echo of our own apply (or of a version already found in sync) changes nothing.
    if (type !== 'DELETED' && this.syncPort.knownInSync?.(owner, obj)) return;
    // The watch can deliver that echo before the apply's answer is recorded (the app is still
    // writing): decide once its writes have ended, so the echo does not queue a second pass.
    const writing = type === 'DELETED' ? undefined : this.syncPort.writing?.(owner);
    if (writing) {
      void writing.then(() => {
        if (!this.syncPort.knownInSync?.(owner, obj)) this.changed(type, owner, obj, old, lane);
      });
      return;
    }
    this.changed(type, owner, obj, old, lane);
  }

  /** A managed object's event that is not the echo of the app's own writes. */
  private changed(
    type: InformerEvent,
    owner: string,
    obj: KubeObject,
    old: KubeObject | undefined,
    lane: Lane,
  ): void {
    // A status-only change (a controller's heartbeat, an HPA's counts) matters only through health.
    if (type === 'MODIFIED' && !trackedChangeMatters(old, obj, this.o.shared.health)) return;
    this.o.log.debug(
      {
        app: owner,
        event: type,
        object: `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`,
        server: this.o.cluster.server,
      },
      'managed object event',
    );
    this.o.onOwnerEvent(owner, lane);
  }

  /**
   * Watches the kinds (once per apiVersion/kind) and resolves when their caches have listed.
   * A kind the server does not serve (yet: its CRD comes in the same sync) is not waited for.
   */
  async watchKinds(kinds: readonly { apiVersion: string; kind: string }[]): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const k of kinds) {
      const inf = this.watchKind(k.apiVersion, k.kind);
      if (inf && !inf.synced && !inf.failing) waits.push(Promise.race([inf.whenSynced(), inf.whenFailing()]));
    }
    if (waits.length === 0) return;
    let timer: { cancel(): void } | undefined;
    const timeout = new Promise<void>((r) => {
      timer = this.o.clock.setTimer(10_000, r);
    });
    await Promise.race([Promise.all(waits), timeout]);
    timer?.cancel();
  }

  /** Starts watching a kind the apps manage (once per apiVersion/kind). */
  watchKind(apiVersion: string, kind: string): Informer | undefined {
    if (this.o.findApp && groupOf(apiVersion) === APP_GROUP && kind === APP_KIND) return undefined;
    const k = `${apiVersion}|${kind}`;
    const existing = this.managed.get(k);
    if (existing) return existing;
    const inf: Informer = new Informer({
      client: this.o.client,
      apiVersion,
      kind,
      clock: this.o.clock,
      random: this.o.random,
      log: this.o.log,
      // Objects being deleted (foreground prune waits for the garbage collector) are gone for us.
      keep: (o) =>
        o.metadata.annotations?.[Annotation.TrackingId] !== undefined && !o.metadata.deletionTimestamp,
      // The first list (a kind newly watched, a cluster connected, a restart) finds objects, it
      // does not report a change: periodic. Later events are drift or health: urgent.
      onEvent: (type, obj, old) => this.onTrackedEvent(type, obj, old, inf.synced ? 'urgent' : 'periodic'),
      // The live objects are only read (the sync engine and cached reads get copies).
      shareUnchanged: true,
    });
    this.managed.set(k, inf);
    if (this.started) inf.start();
    return inf;
  }

  /**
   * What the informers know of an address: the object, null when its kind's informer has listed
   * and the server holds no such object, undefined when they cannot tell (kind not watched or
   * not listed yet; an Application).
   */
  known(a: ObjectAddress): KubeObject | null | undefined {
    const hit = this.lookup(a);
    if (hit) return hit;
    if (groupOf(a.apiVersion) === APP_GROUP && a.kind === APP_KIND) return undefined;
    const inf = this.managed.get(`${a.apiVersion}|${a.kind}`);
    if (!inf?.synced || inf.failing) return undefined;
    const key = objectKey({
      apiVersion: a.apiVersion,
      kind: a.kind,
      metadata: { name: a.name, namespace: a.namespace ?? '' },
    });
    return inf.exists(key) ? undefined : null;
  }

  /** The cached live object for an address, when its kind's informer has listed. */
  lookup(a: ObjectAddress): KubeObject | undefined {
    if (this.o.findApp && groupOf(a.apiVersion) === APP_GROUP && a.kind === APP_KIND) {
      return this.o.findApp(`${a.namespace ?? ''}/${a.name}`);
    }
    const inf = this.managed.get(`${a.apiVersion}|${a.kind}`);
    if (!inf?.synced) return undefined;
    return inf.store.get(
      objectKey({
        apiVersion: a.apiVersion,
        kind: a.kind,
        metadata: { name: a.name, namespace: a.namespace ?? '' },
      }),
    );
  }
}
