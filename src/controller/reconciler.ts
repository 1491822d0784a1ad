/**
 * One Application, one pass, as ordered steps:
 *   deletion (finalizer) → validate → resolve revision → render (cached) → plan →
 *   sync (automated or requested) with prune/allowEmpty/retry → health → status (only if changed)
 * Each step talks to a port (ports.ts), so the logic is tested with tables and no cluster.
 */
import {
  Annotation,
  type Application,
  type ApplicationSpec,
  ApplicationSpecSchema,
  type ApplicationStatus,
  type HealthStatusCode,
  IN_CLUSTER_SERVER,
  type OperationState,
  RESOURCES_FINALIZER,
  RefreshType,
  type ResourceStatus,
  type SyncStatusCode,
} from '../api/application.js';
import { errorMessage, isTrueupError, RetryClass } from '../api/errors.js';
import { describeRef, type KubeObject, refKey } from '../api/object.js';
import type { Clock } from '../runtime/clock.js';
import type { WorkResult } from '../runtime/queue.js';
import type {
  AppWriter,
  HealthPort,
  InventoryRef,
  Plan,
  RenderPort,
  ResourceResult,
  SourcePort,
  SyncOutcome,
  SyncPort,
  SyncTarget,
} from './ports.js';
import type { RenderCache } from './render-cache.js';
import { renderKey } from './render-cache.js';
import {
  appendHistory,
  conditionsOf,
  mergeConditions,
  retryDelay,
  statusChanged,
  type Verdict,
  worstHealth,
} from './status.js';

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

export interface ReconcilerDeps {
  source: SourcePort;
  render: RenderPort;
  sync: SyncPort;
  health: HealthPort;
  writer: AppWriter;
  clock: Clock;
  renderCache: RenderCache;
  /** The Git poll interval: a resolved revision older than this is resolved again. */
  requeueInterval: number;
  /** Re-check interval while resources are progressing. */
  progressInterval?: number;
  /** Live objects whose tracking id names the app (from the informers). */
  trackedObjects?: (appNamespace: string, appName: string) => InventoryRef[];
  /**
   * Told which kinds an app manages, so they are watched; resolves once their caches have
   * listed (so objects applied by an earlier, interrupted sync are known before planning).
   */
  watchKinds?: (kinds: readonly { apiVersion: string; kind: string }[]) => Promise<void>;
  log?: Logger;
  /** Told the outcome of every pass (metrics). */
  observe?: (app: Application, status: ApplicationStatus, info: PassInfo) => void;
}

export interface PassInfo {
  /** Set when this pass ran a sync. */
  syncPhase?: 'Running' | 'Succeeded' | 'Failed';
  /** Objects re-applied because they drifted (self-heal). */
  driftCorrected?: number;
}

interface Memory {
  sourceKey: string;
  revision: string;
  display: string;
  resolvedAt: number;
  /** Consecutive failed syncs of `failedRevision`. */
  failedRevision?: string;
  failures: number;
  /** The status this controller last wrote (the cache may lag behind it). */
  lastStatus?: ApplicationStatus;
  /** Generation of the last requested operation run (a stale cached copy still shows it). */
  opDoneGeneration?: number;
}

/** Outcome of one step that ends the pass early. */
class Stop {
  constructor(
    readonly verdict: Verdict,
    readonly requeueAfter: number | null | undefined,
    readonly error?: unknown,
  ) {}
}

export class Reconciler {
  private readonly memory = new Map<string, Memory>();
  private readonly passInfo = new Map<string, PassInfo>();
  private readonly log: Logger;

  constructor(private readonly d: ReconcilerDeps) {
    this.log = d.log ?? silentLogger;
  }

  /** The next pass of the app resolves its revision again (webhook, refresh). */
  expire(key: string): void {
    const m = this.memory.get(key);
    if (m) m.resolvedAt = Number.NEGATIVE_INFINITY;
  }

  /** Forget an app that no longer exists. */
  forget(key: string): void {
    this.memory.delete(key);
  }

  async reconcile(cached: Application): Promise<WorkResult> {
    const { namespace, name } = cached.metadata;
    const key = `${namespace}/${name}`;
    if (cached.metadata.deletionTimestamp) return this.finalize(cached);

    // The cache may not hold our own last writes yet: start from the status we last wrote, and
    // never run the same requested operation twice.
    const mem = this.memory.get(key);
    let app = cached;
    if (mem?.lastStatus) app = { ...app, status: mem.lastStatus };
    if (
      app.operation &&
      mem?.opDoneGeneration !== undefined &&
      mem.opDoneGeneration === app.metadata.generation
    ) {
      const { operation: _done, ...rest } = app;
      app = rest;
    }
    const refresh = app.metadata.annotations?.[Annotation.Refresh];
    const status: ApplicationStatus = structuredClone(app.status ?? {});
    const now = new Date(this.d.clock.now()).toISOString();
    const generation = app.metadata.generation;
    let stop: Stop;
    try {
      stop = await this.steps(app, status, refresh);
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      stop = err;
    }
    status.conditions = mergeConditions(status.conditions, conditionsOf(stop.verdict), generation, now);
    const thrown = stop.error;
    const result: WorkResult = stop.requeueAfter === undefined ? {} : { requeueAfter: stop.requeueAfter };
    if (generation !== undefined) status.observedGeneration = generation;
    await this.writeStatus(app, status, now);
    const info = this.passInfo.get(key) ?? {};
    this.passInfo.delete(key);
    this.d.observe?.(app, status, info);
    if (app.operation && generation !== undefined) this.remember(key, { opDoneGeneration: generation });
    if (refresh || app.operation) {
      await this.d.writer.patchApp(namespace, name, {
        removeRefresh: refresh !== undefined,
        clearOperation: app.operation !== undefined,
      });
    }
    if (thrown !== undefined) throw thrown;
    this.log.debug({ app: key }, 'reconciled');
    return result;
  }

  private async steps(
    app: Application,
    status: ApplicationStatus,
    refresh: string | undefined,
  ): Promise<Stop> {
    const { namespace, name } = app.metadata;
    const key = `${namespace}/${name}`;
    const spec = this.validate(app);
    const now = () => new Date(this.d.clock.now()).toISOString();
    const generation = app.metadata.generation;

    // Resolve.
    if (refresh === RefreshType.Hard) {
      this.d.source.invalidate?.(spec.source.repoURL);
      this.d.renderCache.clear();
    }
    const opRevision = app.operation?.sync?.revision;
    const { revision, display } = await this.resolve(key, spec, opRevision, refresh !== undefined, app);

    // Render.
    let desired: readonly KubeObject[];
    try {
      desired = await this.d.renderCache.get(
        renderKey(spec.source.repoURL, revision, spec.source.path, spec.source.kustomize),
        async () =>
          this.d.render.render(
            await this.d.source.tree(spec.source.repoURL, revision),
            spec.source.path,
            spec.source.kustomize,
          ),
      );
    } catch (err) {
      const prev = status.sync?.syncedRevision;
      status.sync = { status: 'Unknown', revision, ...(prev ? { syncedRevision: prev } : {}) };
      const transient = isTrueupError(err) && err.retry !== RetryClass.Terminal;
      const message = `render of ${spec.source.path} at ${display}: ${errorMessage(err)}`;
      await this.emit(app, 'Warning', 'RenderFailed', message, status);
      throw new Stop(
        { ready: false, reconciling: transient, stalled: !transient, reason: 'RenderFailed', message },
        undefined,
        transient ? err : undefined,
      );
    }
    const inventoryKinds = (app.status?.resources ?? []).map((r) => ({
      apiVersion: r.group ? `${r.group}/${r.version ?? 'v1'}` : (r.version ?? 'v1'),
      kind: r.kind,
    }));
    await this.d.watchKinds?.(uniqueKinds(desired, inventoryKinds));

    // Plan.
    const target = this.target(app, spec);
    const plan = await this.wrapTransient('SyncError', `plan of ${key}`, () =>
      this.d.sync.plan(target, desired),
    );
    const automated = spec.syncPolicy?.automated;
    const prune = app.operation?.sync?.prune ?? automated?.prune ?? false;
    this.log.debug(
      {
        app: key,
        revision,
        desired: desired.length,
        inventory: target.inventory.length,
        outOfSync: plan.resources.filter((r) => r.status === 'OutOfSync').length,
        requiresPruning: plan.resources.filter((r) => r.requiresPruning).length,
      },
      'planned',
    );
    const outOfSync = plan.resources.some(
      (r) => (r.status === 'OutOfSync' && !r.requiresPruning) || (r.requiresPruning && prune),
    );

    // Decide whether to sync.
    const mem = this.memory.get(key);
    const lastSynced = lastSyncedRevision(status);
    const specChanged = generation !== undefined && generation !== status.observedGeneration;
    let syncReason: string | undefined;
    let blocked: Verdict | undefined;
    if (app.operation?.sync) syncReason = 'requested';
    else if (automated && outOfSync) {
      const exhausted =
        mem?.failedRevision === revision && retryDelay(spec.syncPolicy?.retry, mem.failures) === undefined;
      if (desired.length === 0 && !automated.allowEmpty) {
        blocked = {
          ready: false,
          reconciling: false,
          stalled: true,
          reason: 'EmptyRender',
          message: `${spec.source.path} at ${display} rendered no objects; automated sync refuses to prune everything (allowEmpty is false)`,
        };
      } else if (exhausted && !specChanged && refresh === undefined) {
        blocked = undefined; // keep reporting the failed operation below
      } else if (automated.selfHeal || lastSynced !== revision || specChanged || refresh !== undefined) {
        syncReason = lastSynced === revision ? 'self-heal' : 'automated';
      }
    }

    let outcome: SyncOutcome | undefined;
    let verdict: Verdict | undefined = blocked;
    let requeueAfter: number | null | undefined;
    if (syncReason) {
      const dryRun = app.operation?.sync?.dryRun ?? false;
      const started = now();
      const operation = app.operation ?? { sync: { revision }, initiatedBy: { automated: true } };
      const drifted = plan.resources.filter((r) => r.status === 'OutOfSync').length;
      try {
        outcome = await this.d.sync.apply(target, desired, plan, { prune, dryRun });
      } catch (err) {
        outcome = { resources: [{ ref: anyRef(key), result: 'failed', message: errorMessage(err) }] };
      }
      const failed = outcome.resources.filter((r) => r.result === 'failed');
      const state: OperationState = {
        operation,
        phase: failed.length ? 'Failed' : 'Succeeded',
        startedAt: started,
        finishedAt: now(),
        syncResult: {
          revision,
          resources: outcome.resources.map((r) => ({
            ...(r.ref.group ? { group: r.ref.group } : {}),
            kind: r.ref.kind,
            ...(r.ref.namespace ? { namespace: r.ref.namespace } : {}),
            name: r.ref.name,
            status: r.result,
            ...(r.message ? { message: r.message } : {}),
          })),
        },
      };
      if (failed.length) {
        const failures = (mem?.failedRevision === revision ? mem.failures : 0) + 1;
        this.remember(key, { failedRevision: revision, failures });
        const delay = retryDelay(spec.syncPolicy?.retry, failures);
        const first = failed[0] as ResourceResult;
        const what = `${describeRef(first.ref)}: ${first.message ?? 'failed'}`;
        state.retryCount = failures - 1;
        state.message =
          delay === undefined
            ? `sync of ${display} failed after ${failures} attempt(s): ${what}`
            : `sync of ${display} failed (attempt ${failures}), retrying in ${Math.round(delay / 1000)}s: ${what}`;
        if (delay !== undefined) state.phase = 'Running';
        verdict = {
          ready: false,
          reconciling: delay !== undefined,
          stalled: delay === undefined,
          reason: 'SyncFailed',
          message: state.message,
        };
        requeueAfter = delay;
        await this.emit(app, 'Warning', 'SyncFailed', state.message, status);
      } else {
        this.remember(key, { failures: 0 });
        const count = (k: string) => outcome?.resources.filter((r) => r.result === k).length ?? 0;
        state.message = `synced ${display}: ${count('created')} created, ${count('configured')} configured, ${count('pruned')} pruned`;
        if (!dryRun && lastSynced !== revision) {
          status.history = appendHistory(
            status.history,
            {
              revision,
              deployedAt: now(),
              source: {
                repoURL: spec.source.repoURL,
                targetRevision: spec.source.targetRevision,
                path: spec.source.path,
              },
            },
            spec.revisionHistoryLimit ?? 10,
          );
        }
        const changed = count('created') + count('configured') + count('pruned');
        if (syncReason === 'self-heal' && drifted > 0) {
          await this.emit(
            app,
            'Normal',
            'DriftCorrected',
            `re-applied ${drifted} drifted object(s) at ${display}`,
            status,
          );
        } else if (changed > 0 || syncReason === 'requested') {
          await this.emit(app, 'Normal', 'Synced', state.message, status);
        }
        if (count('pruned') > 0) {
          await this.emit(
            app,
            'Normal',
            'Pruned',
            `pruned ${count('pruned')} object(s) no longer in Git`,
            status,
          );
        }
      }
      status.operationState = state;
      this.passInfo.set(key, {
        syncPhase: state.phase === 'Running' ? 'Running' : state.phase === 'Failed' ? 'Failed' : 'Succeeded',
        ...(syncReason === 'self-heal' && !failed.length ? { driftCorrected: drifted } : {}),
      });
    } else if (mem?.failedRevision === revision && status.operationState?.phase === 'Failed') {
      verdict = {
        ready: false,
        reconciling: false,
        stalled: true,
        reason: 'SyncFailed',
        message: status.operationState.message ?? 'sync failed',
      };
    }

    // Resources, health, sync status.
    const resources = this.resourceStatuses(
      plan,
      outcome,
      syncReason !== undefined && !app.operation?.sync?.dryRun,
    );
    const health = worstHealth(
      resources.filter((r) => r.health).map((r) => r.health?.status as HealthStatusCode),
    );
    const syncStatus: SyncStatusCode = resources.some((r) => r.status === 'OutOfSync')
      ? 'OutOfSync'
      : 'Synced';
    status.resources = resources;
    const synced =
      (outcome && !outcome.resources.some((r) => r.result === 'failed') && !app.operation?.sync?.dryRun) ||
      (!syncReason && syncStatus === 'Synced');
    const syncedRevision = synced ? revision : lastSynced;
    status.sync = { status: syncStatus, revision, ...(syncedRevision ? { syncedRevision } : {}) };
    const unhealthy = resources.find((r) => r.health && r.health.status !== 'Healthy');
    status.health = unhealthy?.health?.message
      ? { status: health, message: `${unhealthy.kind} ${unhealthy.name}: ${unhealthy.health.message}` }
      : { status: health };
    const images = collectImages(desired);
    status.summary = images.length ? { images } : {};

    if (!verdict) {
      if (syncStatus === 'OutOfSync') {
        const n = resources.filter((r) => r.status === 'OutOfSync').length;
        const why = automated ? 'self-heal is off' : 'automated sync is off';
        verdict = {
          ready: false,
          reconciling: false,
          stalled: false,
          reason: 'OutOfSync',
          message: `${n} resource(s) differ from ${display} (${why})`,
        };
      } else if (health === 'Progressing' || health === 'Missing') {
        verdict = {
          ready: false,
          reconciling: true,
          stalled: false,
          reason: 'Progressing',
          message: `synced to ${display}; waiting for ${status.health.message ?? 'resources to become healthy'}`,
        };
        requeueAfter ??= this.d.progressInterval ?? 10_000;
      } else if (health === 'Degraded' || health === 'Unknown') {
        verdict = {
          ready: false,
          reconciling: false,
          stalled: false,
          reason: health,
          message: `synced to ${display}; ${health}: ${status.health.message ?? ''}`.trim(),
        };
      } else {
        verdict = {
          ready: true,
          reconciling: false,
          stalled: false,
          reason: 'Synced',
          message: `synced to ${display}; ${health}`,
        };
      }
    }
    return new Stop(verdict, requeueAfter);
  }

  private validate(app: Application): ApplicationSpec {
    const parsed = ApplicationSpecSchema.safeParse(app.spec);
    const fail = (message: string): never => {
      throw new Stop(
        { ready: false, reconciling: false, stalled: true, reason: 'InvalidSpec', message },
        null,
      );
    };
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail(
        `Application ${app.metadata.namespace}/${app.metadata.name}: spec.${issue?.path.join('.')}: ${issue?.message}`,
      );
    }
    const spec = parsed.data as ApplicationSpec;
    const where = `Application ${app.metadata.namespace}/${app.metadata.name}`;
    const server = spec.destination.server;
    const clusterName = spec.destination.name;
    if ((server && server !== IN_CLUSTER_SERVER) || (clusterName && clusterName !== 'in-cluster')) {
      fail(`${where}: spec.destination: only the in-cluster destination (${IN_CLUSTER_SERVER}) is supported`);
    }
    if (!/^https?:\/\//.test(spec.source.repoURL)) {
      fail(
        `${where}: spec.source.repoURL ${spec.source.repoURL}: only http(s) Git URLs are supported (no SSH)`,
      );
    }
    if (spec.source.path.split('/').includes('..')) {
      fail(`${where}: spec.source.path ${spec.source.path}: must stay inside the repository`);
    }
    return spec;
  }

  private async resolve(
    key: string,
    spec: ApplicationSpec,
    opRevision: string | undefined,
    force: boolean,
    app: Application,
  ): Promise<{ revision: string; display: string }> {
    const ref = opRevision ?? spec.source.targetRevision;
    const sourceKey = `${spec.source.repoURL}#${ref}`;
    const mem = this.memory.get(key);
    const fresh =
      mem &&
      mem.sourceKey === sourceKey &&
      this.d.clock.now() - mem.resolvedAt < this.d.requeueInterval * 0.9;
    if (fresh && !force) return { revision: mem.revision, display: mem.display };
    try {
      const r = await this.d.source.resolve(spec.source.repoURL, ref, { force });
      const display = r.display ?? r.revision;
      this.remember(key, { sourceKey, revision: r.revision, display, resolvedAt: this.d.clock.now() });
      return { revision: r.revision, display };
    } catch (err) {
      const transient = !isTrueupError(err) || err.retry !== RetryClass.Terminal;
      const message = `${spec.source.repoURL} ${ref}: ${errorMessage(err)}`;
      await this.emit(app, 'Warning', 'RevisionUnresolved', message, app.status ?? {});
      throw new Stop(
        { ready: false, reconciling: transient, stalled: !transient, reason: 'RevisionUnresolved', message },
        undefined,
        transient ? err : undefined,
      );
    }
  }

  private remember(key: string, patch: Partial<Memory>): void {
    const old = this.memory.get(key) ?? {
      sourceKey: '',
      revision: '',
      display: '',
      resolvedAt: 0,
      failures: 0,
    };
    const next = { ...old, ...patch };
    if (patch.failures === 0) delete next.failedRevision;
    this.memory.set(key, next);
  }

  private inventoryOf(app: Application): InventoryRef[] {
    const { namespace, name } = app.metadata;
    const inventory = new Map<string, InventoryRef>();
    for (const r of app.status?.resources ?? []) {
      const ref: InventoryRef = {
        group: r.group ?? '',
        version: r.version ?? 'v1',
        kind: r.kind,
        namespace: r.namespace ?? '',
        name: r.name,
      };
      inventory.set(refKey(ref), ref);
    }
    for (const ref of this.d.trackedObjects?.(namespace, name) ?? []) inventory.set(refKey(ref), ref);
    return [...inventory.values()];
  }

  private target(app: Application, spec: ApplicationSpec): SyncTarget {
    const { namespace, name } = app.metadata;
    const t: SyncTarget = {
      appNamespace: namespace,
      appName: name,
      syncOptions: spec.syncPolicy?.syncOptions ?? [],
      ignoreDifferences: spec.ignoreDifferences ?? [],
      inventory: this.inventoryOf(app),
    };
    if (spec.destination.namespace) t.destinationNamespace = spec.destination.namespace;
    return t;
  }

  private resourceStatuses(plan: Plan, outcome: SyncOutcome | undefined, synced: boolean): ResourceStatus[] {
    const results = new Map<string, ResourceResult>();
    for (const r of outcome?.resources ?? []) results.set(refKey(r.ref), r);
    const out: ResourceStatus[] = [];
    for (const p of plan.resources) {
      const res = results.get(refKey(p.ref));
      if (res?.result === 'pruned') continue;
      const ok = res && res.result !== 'failed' && res.result !== 'skipped';
      const live = ok ? (res.live ?? p.live) : p.live;
      let status: SyncStatusCode = p.status;
      if (synced && ok) status = 'Synced';
      const entry: ResourceStatus = {
        version: p.ref.version,
        kind: p.ref.kind,
        name: p.ref.name,
        status,
      };
      if (p.ref.group) entry.group = p.ref.group;
      if (p.ref.namespace) entry.namespace = p.ref.namespace;
      if (p.requiresPruning && status === 'OutOfSync') entry.message = 'requires pruning';
      else if (res?.result === 'failed' && res.message) entry.message = res.message;
      if (!p.requiresPruning) entry.health = live ? this.d.health.assess(live) : { status: 'Missing' };
      if (entry.health && entry.health.message === undefined) delete entry.health.message;
      out.push(entry);
    }
    return out;
  }

  private async wrapTransient<T>(reason: string, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const transient = !isTrueupError(err) || err.retry !== RetryClass.Terminal;
      const message = `${what}: ${errorMessage(err)}`;
      throw new Stop(
        { ready: false, reconciling: transient, stalled: !transient, reason, message },
        undefined,
        transient ? err : undefined,
      );
    }
  }

  private async emit(
    app: Application,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    status: ApplicationStatus,
  ): Promise<void> {
    // A warning repeated with the same message on every retry would flood events: only when new.
    if (type === 'Warning' && status.conditions?.some((c) => c.type === 'Ready' && c.message === message))
      return;
    try {
      await this.d.writer.event(app as unknown as KubeObject, type, reason, message);
    } catch (err) {
      this.log.warn(
        { app: `${app.metadata.namespace}/${app.metadata.name}`, err: errorMessage(err) },
        'event not written',
      );
    }
  }

  private async writeStatus(app: Application, status: ApplicationStatus, now: string): Promise<void> {
    if (!statusChanged(app.status, status)) return;
    status.reconciledAt = now;
    await this.d.writer.patchStatus(app, status);
    this.remember(`${app.metadata.namespace}/${app.metadata.name}`, { lastStatus: structuredClone(status) });
  }

  private async finalize(app: Application): Promise<WorkResult> {
    const { namespace, name } = app.metadata;
    if (!app.metadata.finalizers?.includes(RESOURCES_FINALIZER)) return { requeueAfter: null };
    const parsed = ApplicationSpecSchema.safeParse(app.spec);
    const target: SyncTarget = parsed.success
      ? this.target(app, parsed.data)
      : {
          appNamespace: namespace,
          appName: name,
          syncOptions: [],
          ignoreDifferences: [],
          inventory: this.inventoryOf(app),
        };
    const { remaining } = await this.d.sync.deleteAll(target);
    if (remaining > 0) return { requeueAfter: 2000 };
    await this.emit(app, 'Normal', 'ResourcesDeleted', `deleted the resources of ${namespace}/${name}`, {});
    await this.d.writer.patchApp(namespace, name, { removeFinalizer: true });
    this.memory.delete(`${namespace}/${name}`);
    return { requeueAfter: null };
  }
}

function lastSyncedRevision(status: ApplicationStatus): string | undefined {
  if (status.sync?.syncedRevision) return status.sync.syncedRevision;
  const op = status.operationState;
  if (op?.phase === 'Succeeded' && op.syncResult?.revision && !op.operation?.sync?.dryRun)
    return op.syncResult.revision;
  return status.history?.at(-1)?.revision;
}

function uniqueKinds(
  objects: readonly KubeObject[],
  more: readonly { apiVersion: string; kind: string }[] = [],
): { apiVersion: string; kind: string }[] {
  const seen = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of [...objects, ...more])
    seen.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  return [...seen.values()];
}

function collectImages(objects: readonly KubeObject[]): string[] {
  const images = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 12 || typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'containers' || k === 'initContainers') && Array.isArray(x)) {
        for (const c of x) {
          const img = (c as { image?: unknown })?.image;
          if (typeof img === 'string') images.add(img);
        }
      } else walk(x, depth + 1);
    }
  };
  for (const o of objects) walk(o, 0);
  return [...images].sort();
}

function anyRef(key: string): InventoryRef {
  const [namespace = '', name = ''] = key.split('/');
  return { group: 'trueup.dev', version: 'v1alpha1', kind: 'Application', namespace, name };
}
