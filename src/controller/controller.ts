/**
 * The controller: informers for Applications and for every kind the apps manage, one work
 * queue, the reconciler. A change to a managed object queues its app at once through the
 * tracking annotation (self-heal without polling); a change to a child Application queues its
 * parent (app-of-apps health roll-up); the queue's jittered requeue polls Git.
 *
 * Lanes (src/runtime/queue.ts): whatever reports something that happened (a watch event on an
 * Application or a managed object, a refresh, a webhook, a project or cluster change) queues the
 * app `urgent`, served before the apps only due for their Git poll. An informer's first list is
 * not news (it is what a start finds): its keys go `periodic`, so an edit made during a restart
 * does not wait behind every app.
 */

import { DEFAULT_PROJECT } from '../api/app-project.js';
import type { Application, ApplicationStatus } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { sourcesOf } from '../api/sources.js';
import type { ControllerConfig } from '../config/config.js';
import type { ClusterClient, ObjectAddress } from '../kube/types.js';
import { type Clock, systemClock } from '../runtime/clock.js';
import type { Informer } from '../runtime/informer.js';
import { type Lane, WorkQueue } from '../runtime/queue.js';
import { secretDecryptionKeys } from './adapters/decryption-keys.js';
import { healthPort } from './adapters/health.js';
import { EngineSyncPort } from './adapters/sync.js';
import { KubeAppWriter } from './adapters/writer.js';
import { type AppEventTargets, appKey, onAppEvent } from './app-events.js';
import { appsIn, createAppInformers, findAppIn } from './app-informers.js';
import { holdForCluster } from './cluster-hold.js';
import { type ClusterIdentity, ClusterRuntime, type SharedDeps } from './cluster-runtime.js';
import { type ControllerMetrics, observePass, queueObserver } from './controller-metrics.js';
import type { NotifyPort } from './deps.js';
import type { AppWriter, HealthPort, RenderPort, SourcePort, SyncPort } from './ports.js';
import { LOCAL_CLUSTER } from './project-step.js';
import { ProjectCache } from './projects.js';
import type { Logger, PassInfo, Reconciler } from './reconciler.js';
import { silentLogger } from './reconciler.js';
import { type ClusterSecretsOptions, RemoteClusters } from './remote-clusters.js';
import { RenderCache } from './render-cache.js';
import { type ResolvedRef, RevisionFollowers, RevisionIndex } from './revision-followers.js';
import { routeApp } from './route.js';
import { wantsReconcile } from './wants-reconcile.js';

export type { ControllerMetrics };
export { wantsReconcile };

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
  /** Remote destination clusters from cluster Secrets; unset: only the controller's own cluster. */
  clusters?: ClusterSecretsOptions;
  /**
   * Told once per new commit of a Git ref that apps follow, as soon as one app's pass finds it
   * (the other apps on that ref are queued already): ApplicationSets' git generators on it.
   */
  onNewRevision?: (ref: ResolvedRef) => void;
}

export class Controller {
  readonly queue: WorkQueue;
  readonly appInformers: Informer[];
  /** The controller's own cluster: its informers, caches, sync engine and reconciler. */
  readonly local: ClusterRuntime;
  /** Remote destination clusters (cluster Secrets); undefined without `clusters`. */
  readonly remotes: RemoteClusters | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly writer: AppWriter;
  private readonly renderCache: RenderCache;
  private started = false;
  private readonly projects: ProjectCache | undefined;
  private readonly appEvents: AppEventTargets;
  /** Apps on the same repository and ref learn of a new commit together. */
  private readonly followers: RevisionFollowers;

  constructor(private readonly o: ControllerOptions) {
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? Math.random;
    this.log = o.log ?? silentLogger;
    this.writer = o.writer ?? new KubeAppWriter(o.client);
    this.renderCache = new RenderCache(o.config.limits?.renderCacheEntries ?? 256);
    this.followers = new RevisionFollowers({
      index: new RevisionIndex(),
      // Periodic: Git news as a poll is; the urgent lane is for drift and edits someone waits on.
      requeue: (keys) => this.resolveAgain(keys, 'periodic'),
      ...(o.onNewRevision ? { onNewRevision: o.onNewRevision } : {}),
    });
    this.projects = o.projectNamespace
      ? new ProjectCache(o.projectNamespace, {
          client: o.client,
          clock: this.clock,
          random: this.random,
          log: this.log,
          // The first list (the projects a start finds) is no change: periodic, as the apps' own.
          // Urgent once listed: a narrowed project must stop what it no longer permits now (and a
          // widened one unblock apps), not at each app's next poll; projects change rarely.
          onChange: (project) =>
            this.requeueWhere(
              (app) => (app.spec.project || DEFAULT_PROJECT) === project,
              this.projects?.informer.synced ? 'urgent' : 'periodic',
            ),
        })
      : undefined;
    // What every cluster's reconciler shares: Applications, Git, renders, projects live here.
    const shared: SharedDeps = {
      ...(this.projects ? { projects: this.projects } : {}),
      source: o.source,
      render: o.render,
      health: o.health ?? healthPort,
      writer: this.writer,
      clock: this.clock,
      renderCache: this.renderCache,
      decryption: secretDecryptionKeys((namespace, name) =>
        o.client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name }),
      ),
      requeueInterval: o.config.requeueInterval,
      denyPlainSecrets: o.config.denyPlainSecrets === true,
      ...(o.progressInterval ? { progressInterval: o.progressInterval } : {}),
      log: this.log,
      ...(o.notify ? { notify: o.notify } : {}),
      revisionResolved: (key, refs) => this.followers.resolved(key, refs),
    };
    const runtime = (client: ClusterClient, cluster: ClusterIdentity, local: boolean) =>
      new ClusterRuntime({
        client,
        cluster,
        shared,
        clock: this.clock,
        random: this.random,
        log: this.log,
        onOwnerEvent: (owner, lane) => {
          // Another shard's app (or one gone): a pass here would find no app to reconcile.
          if (this.findApp(owner)) this.queue.add(owner, lane);
        },
        observe: (app, status, info, c) => this.observe(app, status, info, c.server),
        ...(local && o.sync ? { sync: o.sync } : {}),
        ...(o.healthTimeoutMs ? { healthTimeoutMs: o.healthTimeoutMs } : {}),
        ...(local ? { findApp: (key: string) => this.findApp(key) } : {}),
      });
    this.local = runtime(o.client, LOCAL_CLUSTER, true);
    this.remotes = o.clusters
      ? new RemoteClusters({
          ...o.clusters,
          client: o.client,
          clock: this.clock,
          random: this.random,
          log: this.log,
          newRuntime: (entry, client) => runtime(client, { server: entry.server, name: entry.name }, false),
          // The first list (the Secrets a start finds) is no change: periodic, as the apps' own.
          // Urgent once listed: a new Secret (or token) is what held apps wait for, and a removed
          // one must hold its apps now. Every app that names a cluster is checked again.
          onChange: () =>
            this.requeueWhere(
              (app) => Boolean(app.spec.destination?.server || app.spec.destination?.name),
              this.remotes?.informer.synced ? 'urgent' : 'periodic',
            ),
          onReachabilityChange: (apps) => {
            // Urgent: the status must say the cluster is down (or back) now, not at the next poll.
            for (const key of apps) this.queue.add(key, 'urgent');
          },
        })
      : undefined;
    this.queue = new WorkQueue({
      worker: (key) => this.work(key),
      clock: this.clock,
      random: this.random,
      concurrency: o.config.concurrency,
      resyncInterval: o.config.requeueInterval,
      observer: o.metrics ? queueObserver(o.metrics) : {},
    });
    this.appEvents = {
      queue: this.queue,
      local: this.local,
      remotes: this.remotes,
      notify: o.notify,
      metrics: o.metrics,
      followers: this.followers,
      log: this.log,
    };
    this.appInformers = createAppInformers({
      client: o.client,
      namespaces: o.config.namespaces,
      clock: this.clock,
      random: this.random,
      log: this.log,
      onEvent: (type, obj, old, lane) => onAppEvent(this.appEvents, type, obj, old, lane),
    });
  }

  /** The controller's own cluster's reconciler. */
  get reconciler(): Reconciler {
    return this.local.reconciler;
  }

  /** The informers of the kinds the apps manage on the controller's own cluster (liveness). */
  get managed(): ReadonlyMap<string, Informer> {
    return this.local.managed;
  }

  /** Starts the informers; resolves once Applications are listed and the queue runs. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const informers = [...this.appInformers, ...(this.projects ? [this.projects.informer] : [])];
    for (const inf of informers) inf.start();
    this.remotes?.informer.start();
    this.local.start();
    // Projects and cluster Secrets are known before the first pass, so no app is refused for one
    // not yet listed; Secrets that cannot be listed (RBAC) leave remote apps held, not the controller.
    const secrets = this.remotes?.informer;
    await Promise.all([
      ...informers.map((i) => i.whenSynced()),
      ...(secrets ? [Promise.race([secrets.whenSynced(), secrets.whenFailing()])] : []),
    ]);
    this.queue.start();
    this.log.info({ apps: this.appCount() }, 'controller started');
  }

  /** Stops taking work, waits for running reconciles, stops every watch. */
  async stop(): Promise<void> {
    await this.queue.stop();
    const projects = this.projects ? [this.projects.informer] : [];
    await Promise.all([
      ...[...this.appInformers, ...projects].map((i) => i.stop()),
      this.local.stop(),
      this.remotes?.stop(),
    ]);
  }

  get cachesSynced(): boolean {
    return this.appInformers.every((i) => i.synced);
  }

  appCount(): number {
    return this.appInformers.reduce((n, i) => n + i.store.size, 0);
  }

  apps(): Application[] {
    return appsIn(this.appInformers);
  }

  /** Queues, in `lane`, every app `concerned` says a change concerns. */
  private requeueWhere(concerned: (app: Application) => boolean, lane: Lane): void {
    for (const app of this.apps())
      if (concerned(app)) this.queue.add(appKey(app as unknown as KubeObject), lane);
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
    // Urgent: a webhook or a push says a new commit is there; the poll would find it minutes later.
    this.resolveAgain(keys, 'urgent');
    return keys;
  }

  /** Queues the apps in `lane` for a pass that resolves their revision again (not from recall). */
  private resolveAgain(keys: readonly string[], lane: Lane): void {
    for (const key of keys) {
      this.local.reconciler.expire(key);
      this.remotes?.expire(key);
      this.queue.add(key, lane);
    }
  }

  private findApp(key: string): KubeObject | undefined {
    return findAppIn(this.appInformers, key);
  }

  private async work(key: string) {
    const found = this.findApp(key);
    if (!found) {
      this.local.forget(key);
      await this.remotes?.release(key);
      return { requeueAfter: null };
    }
    const app = found as unknown as Application;
    const route = await routeApp(app, this.local, this.remotes);
    if ('hold' in route) {
      // The reconcilers' memory of the status they last wrote is stale now.
      this.local.forget(key);
      this.remotes?.forgetStatus(key);
      const held = await holdForCluster(
        { writer: this.writer, clock: this.clock, log: this.log },
        app,
        route.hold,
      );
      this.observe(app, held.status, {}, route.server);
      return held.result;
    }
    try {
      return await route.runtime.reconciler.reconcile(app);
    } catch (err) {
      // A remote cluster that failed mid-pass is asked again before the next pass.
      route.remote?.reach.expire();
      this.log.warn(
        { app: key, err: errorMessage(err), failures: this.queue.failureCount(key) + 1 },
        'reconcile failed',
      );
      throw err;
    }
  }

  /** Watches kinds on the controller's own cluster (see ClusterRuntime.watchKinds). */
  watchKinds(kinds: readonly { apiVersion: string; kind: string }[]): Promise<void> {
    return this.local.watchKinds(kinds);
  }

  watchKind(apiVersion: string, kind: string): Informer | undefined {
    return this.local.watchKind(apiVersion, kind);
  }

  /** The in-memory caches' sizes (render cache entries; the local engine's verdicts, when it is the sync port). */
  cacheSizes(): { render: number; verdictApps?: number; verdicts?: number } {
    const port = this.local.syncPort;
    const v = port instanceof EngineSyncPort ? port.verdictCacheSize() : undefined;
    return { render: this.renderCache.size, ...(v ? { verdictApps: v.apps, verdicts: v.verdicts } : {}) };
  }

  /** The cached live object on the controller's own cluster, when its kind's informer has listed. */
  lookup(a: ObjectAddress): KubeObject | undefined {
    return this.local.lookup(a);
  }

  private observe(app: Application, status: ApplicationStatus, info: PassInfo, destServer: string): void {
    if (this.o.metrics) observePass(this.o.metrics, this.log, app, status, info, destServer);
  }
}
