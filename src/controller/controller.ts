/**
 * The controller: informers for Applications and for every kind the apps manage, one work
 * queue, the reconciler. A change to a managed object queues its app at once through the
 * tracking annotation (self-heal without polling); a change to a child Application queues its
 * parent (app-of-apps health roll-up); the queue's jittered requeue polls Git.
 */

import { DEFAULT_PROJECT } from '../api/app-project.js';
import {
  Annotation,
  APP_API_VERSION,
  APP_GROUP,
  APP_KIND,
  type Application,
  type ApplicationStatus,
} from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import { groupOf, type KubeObject, refKey, versionOf } from '../api/object.js';
import { sourcesOf } from '../api/sources.js';
import { appKeyOfTrackingId, parseTrackingId } from '../api/tracking.js';
import type { ControllerConfig } from '../config/config.js';
import type { ClusterClient, ObjectAddress } from '../kube/types.js';
import { type Clock, systemClock } from '../runtime/clock.js';
import { Informer, type InformerEvent, objectKey } from '../runtime/informer.js';
import { WorkQueue } from '../runtime/queue.js';
import { isHookObject } from '../sync/annotations.js';
import { cachedClient } from './adapters/cached-client.js';
import { secretDecryptionKeys } from './adapters/decryption-keys.js';
import { healthPort } from './adapters/health.js';
import { EngineSyncPort } from './adapters/sync.js';
import { KubeAppWriter } from './adapters/writer.js';
import type { NotifyPort } from './deps.js';
import type { AppWriter, HealthPort, ObjectId, RenderPort, SourcePort, SyncPort } from './ports.js';
import { ProjectCache } from './projects.js';
import { type Logger, type PassInfo, Reconciler, silentLogger } from './reconciler.js';
import { RenderCache } from './render-cache.js';
import { trackedChangeMatters } from './tracked-change.js';

/** The subset of src/metrics the controller feeds. */
export interface ControllerMetrics {
  setApp(app: {
    namespace: string;
    name: string;
    project?: string;
    repoURL: string;
    destServer?: string;
    destNamespace?: string;
    syncStatus: string;
    healthStatus: string;
    autoSync: boolean;
  }): void;
  deleteApp(namespace: string, name: string): void;
  recordSync(namespace: string, name: string, phase: 'Running' | 'Succeeded' | 'Failed' | 'Error'): void;
  observeReconcile(seconds: number, result: 'success' | 'error'): void;
  recordDriftCorrection(namespace: string, name: string, objects?: number): void;
  readonly queue: {
    setDepth(queue: string, depth: number): void;
    added(queue: string): void;
    retried(queue: string): void;
    observeWait(queue: string, seconds: number): void;
    observeWork(queue: string, seconds: number): void;
  };
}

export interface ControllerOptions {
  client: ClusterClient;
  config: Pick<ControllerConfig, 'concurrency' | 'requeueInterval' | 'namespaces'> &
    Partial<Pick<ControllerConfig, 'limits' | 'denyPlainSecrets'>>;
  source: SourcePort;
  render: RenderPort;
  /** Defaults: the sync engine, src/health, and a writer over `client`. */
  sync?: SyncPort;
  health?: HealthPort;
  writer?: AppWriter;
  clock?: Clock;
  random?: () => number;
  log?: Logger;
  metrics?: ControllerMetrics;
  /** Re-check interval while resources progress (default 10 s). */
  progressInterval?: number;
  /** How long a sync waits for a wave to become healthy (default 5 min). */
  healthTimeoutMs?: number;
  /** The controller's namespace, where AppProjects are read; unset: only `default` (no limits). */
  projectNamespace?: string;
  /** Notifications (src/notify): told of syncs and passes; forgets deleted apps. */
  notify?: NotifyPort & { forget?(appKey: string): void };
}

const QUEUE = 'applications';

const noCapabilities = () => Promise.reject(new Error('the cluster client has no discovery of capabilities'));

function appKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

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

export class Controller {
  readonly queue: WorkQueue;
  readonly reconciler: Reconciler;
  readonly appInformers: Informer[] = [];
  readonly managed = new Map<string, Informer>();
  /** appKey → tracked objects (refKey → ref), from the managed informers. */
  private readonly tracked = new Map<string, Map<string, ObjectId>>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly syncPort: SyncPort;
  private readonly renderCache: RenderCache;
  private started = false;
  private readonly client: ClusterClient;
  private readonly projects: ProjectCache | undefined;
  private readonly health: HealthPort;

  constructor(private readonly o: ControllerOptions) {
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? Math.random;
    this.log = o.log ?? silentLogger;
    this.client = o.client;
    this.health = o.health ?? healthPort;
    this.renderCache = new RenderCache(o.config.limits?.renderCacheEntries ?? 256);
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
        live: (ref) =>
          this.lookup({
            apiVersion: ref.group ? `${ref.group}/${ref.version}` : ref.version,
            kind: ref.kind,
            namespace: ref.namespace,
            name: ref.name,
          }),
        ...(o.healthTimeoutMs ? { healthTimeoutMs: o.healthTimeoutMs } : {}),
      });
    const metrics = o.metrics;
    this.projects = o.projectNamespace
      ? new ProjectCache(o.projectNamespace, {
          client: o.client,
          clock: this.clock,
          random: this.random,
          log: this.log,
          onChange: (project) => this.requeueProject(project),
        })
      : undefined;
    this.reconciler = new Reconciler({
      ...(this.projects ? { projects: this.projects } : {}),
      source: o.source,
      render: o.render,
      sync: this.syncPort,
      health: this.health,
      writer: o.writer ?? new KubeAppWriter(o.client),
      clock: this.clock,
      renderCache: this.renderCache,
      decryption: secretDecryptionKeys((namespace, name) =>
        o.client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name }),
      ),
      requeueInterval: o.config.requeueInterval,
      denyPlainSecrets: o.config.denyPlainSecrets === true,
      ...(o.progressInterval ? { progressInterval: o.progressInterval } : {}),
      trackedObjects: (ns, name) => [...(this.tracked.get(`${ns}/${name}`)?.values() ?? [])],
      appsWithObjectsIn: (namespace) =>
        [...this.tracked].flatMap(([key, objects]) =>
          [...objects.values()].some((o) => o.namespace === namespace) ? [key] : [],
        ),
      watchKinds: (kinds) => this.watchKinds(kinds),
      ...(o.client.capabilities
        ? { capabilities: () => this.client.capabilities?.() ?? noCapabilities() }
        : {}),
      log: this.log,
      observe: (app, status, info) => this.observe(app, status, info),
      ...(o.notify ? { notify: o.notify } : {}),
    });
    this.queue = new WorkQueue({
      worker: (key) => this.work(key),
      clock: this.clock,
      random: this.random,
      concurrency: o.config.concurrency,
      resyncInterval: o.config.requeueInterval,
      observer: metrics
        ? {
            started: (_k, wait) => metrics.queue.observeWait(QUEUE, wait / 1000),
            finished: (_k, work, err) => {
              metrics.queue.observeWork(QUEUE, work / 1000);
              metrics.observeReconcile(work / 1000, err === undefined ? 'success' : 'error');
              if (err !== undefined) metrics.queue.retried(QUEUE);
            },
            depth: (d) => metrics.queue.setDepth(QUEUE, d),
          }
        : {},
    });
    const namespaces = o.config.namespaces.length ? o.config.namespaces : [''];
    for (const ns of namespaces) {
      this.appInformers.push(
        new Informer({
          client: o.client,
          apiVersion: APP_API_VERSION,
          kind: APP_KIND,
          ...(ns ? { namespace: ns } : {}),
          clock: this.clock,
          random: this.random,
          log: this.log,
          onEvent: (type, obj, old) => this.onAppEvent(type, obj, old),
        }),
      );
    }
  }

  /** Starts the informers; resolves once Applications are listed and the queue runs. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const informers = [...this.appInformers, ...(this.projects ? [this.projects.informer] : [])];
    for (const inf of informers) inf.start();
    // Projects are known before the first pass, so no app is refused for a project not yet listed.
    await Promise.all(informers.map((i) => i.whenSynced()));
    this.queue.start();
    this.log.info({ apps: this.appCount() }, 'controller started');
  }

  /** Stops taking work, waits for running reconciles, stops every watch. */
  async stop(): Promise<void> {
    await this.queue.stop();
    const projects = this.projects ? [this.projects.informer] : [];
    await Promise.all([...this.appInformers, ...projects, ...this.managed.values()].map((i) => i.stop()));
  }

  get cachesSynced(): boolean {
    return this.appInformers.every((i) => i.synced);
  }

  appCount(): number {
    return this.appInformers.reduce((n, i) => n + i.store.size, 0);
  }

  apps(): Application[] {
    return this.appInformers.flatMap((i) => [...i.store.values()]) as unknown as Application[];
  }

  /** Queues every app of a project that changed. */
  private requeueProject(project: string): void {
    for (const app of this.apps()) {
      if ((app.spec.project || DEFAULT_PROJECT) === project)
        this.queue.add(`${app.metadata.namespace}/${app.metadata.name}`);
    }
  }

  /** Queues every app on `repoURL` (and `branch`, when given) with a fresh Git query. */
  refreshRepo(match: (app: Application) => boolean): string[] {
    const keys: string[] = [];
    const repos = new Set<string>();
    for (const app of this.apps()) {
      if (!match(app)) continue;
      const key = `${app.metadata.namespace}/${app.metadata.name}`;
      for (const s of sourcesOf(app.spec)) repos.add(s.repoURL);
      keys.push(key);
    }
    for (const repo of repos) this.o.source.invalidate?.(repo);
    for (const key of keys) {
      this.reconciler.expire(key);
      this.queue.add(key);
    }
    return keys;
  }

  private findApp(key: string): KubeObject | undefined {
    const [ns = '', name = ''] = key.split('/');
    const k = refKey({ group: APP_GROUP, kind: APP_KIND, namespace: ns, name });
    for (const inf of this.appInformers) {
      const found = inf.store.get(k);
      if (found) return found;
    }
    return undefined;
  }

  private async work(key: string) {
    const app = this.findApp(key);
    if (!app) {
      this.reconciler.forget(key);
      (this.syncPort as { forget?: (k: string) => void }).forget?.(key);
      return { requeueAfter: null };
    }
    try {
      return await this.reconciler.reconcile(app as unknown as Application);
    } catch (err) {
      this.log.warn(
        { app: key, err: errorMessage(err), failures: this.queue.failureCount(key) + 1 },
        'reconcile failed',
      );
      throw err;
    }
  }

  private onAppEvent(type: InformerEvent, obj: KubeObject, old: KubeObject | undefined): void {
    const key = appKey(obj);
    // A child Application (app-of-apps): its parent's health depends on it (every change counts).
    this.onTrackedEvent(type, obj, undefined);
    if (type === 'DELETED') {
      this.queue.forget(key);
      this.reconciler.forget(key);
      this.o.notify?.forget?.(key);
      this.o.metrics?.deleteApp(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
      return;
    }
    this.log.debug({ app: key, event: type }, 'application event');
    if (wantsReconcile(old, obj)) {
      this.o.metrics?.queue.added(QUEUE);
      this.queue.add(key);
    }
  }

  private onTrackedEvent(type: InformerEvent, obj: KubeObject, old: KubeObject | undefined): void {
    const id = obj.metadata.annotations?.[Annotation.TrackingId];
    const owner = appKeyOfTrackingId(id);
    if (!owner) return;
    // A hook is not desired state: it never enters the app's inventory (only its delete policy removes it).
    if (isHookObject(obj)) return;
    const ref: ObjectId = {
      group: groupOf(obj.apiVersion),
      version: versionOf(obj.apiVersion),
      kind: obj.kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name ?? '',
    };
    // Only objects whose id names them (a copied annotation does not make an object ours).
    const parsed = parseTrackingId(id);
    if (parsed && (parsed.ref.name !== ref.name || parsed.ref.kind !== ref.kind)) return;
    let set = this.tracked.get(owner);
    if (type === 'DELETED') set?.delete(refKey(ref));
    else {
      if (!set) {
        set = new Map();
        this.tracked.set(owner, set);
      }
      set.set(refKey(ref), ref);
    }
    this.log.debug(
      { app: owner, event: type, object: `${obj.kind} ${ref.namespace}/${ref.name}` },
      'managed object event',
    );
    if (type === 'MODIFIED' && !trackedChangeMatters(old, obj, this.health)) return;
    this.queue.add(owner);
  }

  /**
   * Watches the kinds (once per apiVersion/kind) and resolves when their caches have listed.
   * A kind the server does not serve (yet: its CRD comes in the same sync) is not waited for.
   */
  async watchKinds(kinds: readonly { apiVersion: string; kind: string }[]): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const k of kinds) {
      const inf = this.watchKind(k.apiVersion, k.kind);
      // A kind that fails to list (not served yet: its CRD comes in this very sync) is not waited for.
      if (inf && !inf.synced && !inf.failing) waits.push(Promise.race([inf.whenSynced(), inf.whenFailing()]));
    }
    if (waits.length === 0) return;
    let timer: { cancel(): void } | undefined;
    const timeout = new Promise<void>((r) => {
      timer = this.clock.setTimer(10_000, r);
    });
    await Promise.race([Promise.all(waits), timeout]);
    timer?.cancel();
  }

  /** Starts watching a kind the apps manage (once per apiVersion/kind). */
  watchKind(apiVersion: string, kind: string): Informer | undefined {
    if (groupOf(apiVersion) === APP_GROUP && kind === APP_KIND) return undefined;
    const k = `${apiVersion}|${kind}`;
    const existing = this.managed.get(k);
    if (existing) return existing;
    const inf = new Informer({
      client: this.client,
      apiVersion,
      kind,
      clock: this.clock,
      random: this.random,
      log: this.log,
      // Objects being deleted (foreground prune waits for the garbage collector) are gone for us.
      keep: (o) =>
        o.metadata.annotations?.[Annotation.TrackingId] !== undefined && !o.metadata.deletionTimestamp,
      onEvent: (type, obj, old) => this.onTrackedEvent(type, obj, old),
    });
    this.managed.set(k, inf);
    if (this.started) inf.start();
    return inf;
  }

  /** The in-memory caches' sizes (render cache entries; the engine's verdicts, when it is the sync port). */
  cacheSizes(): { render: number; verdictApps?: number; verdicts?: number } {
    const port = this.syncPort;
    const v = port instanceof EngineSyncPort ? port.verdictCacheSize() : undefined;
    return { render: this.renderCache.size, ...(v ? { verdictApps: v.apps, verdicts: v.verdicts } : {}) };
  }

  /** The cached live object for an address, when its kind's informer has listed. */
  lookup(a: ObjectAddress): KubeObject | undefined {
    if (groupOf(a.apiVersion) === APP_GROUP && a.kind === APP_KIND) {
      return this.findApp(`${a.namespace ?? ''}/${a.name}`);
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

  private observe(app: Application, status: ApplicationStatus, info: PassInfo): void {
    const m = this.o.metrics;
    if (!m) return;
    const { namespace, name } = app.metadata;
    try {
      m.setApp({
        namespace,
        name,
        ...(app.spec.project ? { project: app.spec.project } : {}),
        repoURL: sourcesOf(app.spec)[0]?.repoURL ?? '',
        destServer: app.spec.destination?.server ?? '',
        destNamespace: app.spec.destination?.namespace ?? '',
        syncStatus: status.sync?.status ?? 'Unknown',
        healthStatus: status.health?.status ?? 'Unknown',
        autoSync: app.spec.syncPolicy?.automated !== undefined,
      });
      if (info.syncPhase) m.recordSync(namespace, name, info.syncPhase);
      if (info.driftCorrected) m.recordDriftCorrection(namespace, name, info.driftCorrected);
    } catch (err) {
      this.log.warn({ app: `${namespace}/${name}`, err: errorMessage(err) }, 'metrics not updated');
    }
  }
}
