/**
 * In-memory ports for reconciler tests: a "Git" of revisions holding object lists, a "cluster"
 * map, and a writer that applies status/app patches to a local copy of the Application.
 * (Test support only: production code binds the ports to the real modules in adapters/.)
 */
import {
  type Application,
  type ApplicationStatus,
  ARGO_RESOURCES_FINALIZER,
  RESOURCES_FINALIZER,
} from '../../src/api/application.js';
import { TrueupError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/object.js';
import type {
  AppChange,
  AppWriter,
  HealthPort,
  ObjectId,
  PlanOptions,
  RenderPort,
  SourcePort,
  SyncPort,
  SyncTarget,
} from '../../src/controller/ports.js';
import { Reconciler, type ReconcilerDeps } from '../../src/controller/reconciler.js';
import { RenderCache } from '../../src/controller/render-cache.js';
import type { FileTree } from '../../src/render/file-tree.js';
import {
  DEFAULT_SYNC_OPTIONS,
  idKey,
  idOf,
  type NamespaceCleanup,
  namespaceCleanupVerdict,
  nextInventory,
  parseSyncOptions,
} from '../../src/sync/index.js';
import type { Item } from '../../src/sync/prepare.js';
import type { ChangeSet, PlannedObject, ResourceResult, SyncPlan } from '../../src/sync/types.js';
import { FakeClock } from './fake-clock.js';

export function inv(o: KubeObject): ObjectId {
  return idOf(o);
}

export function cm(name: string, data: Record<string, string> = { a: '1' }, namespace = 'web'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

/** Git: ref -> commit, commit -> objects (or an error to throw when rendering). */
export class FakeGit implements SourcePort, RenderPort {
  refs = new Map<string, string>();
  commits = new Map<string, KubeObject[] | Error>();
  resolves = 0;
  renders = 0;
  invalidated: string[] = [];

  commit(ref: string, sha: string, objects: KubeObject[] | Error): void {
    this.refs.set(ref, sha);
    this.commits.set(sha, objects);
  }

  async resolve(_repo: string, ref: string) {
    this.resolves++;
    const sha = this.refs.get(ref);
    if (!sha) throw new TrueupError('RevisionNotFound', `ref ${ref} not found`);
    return { revision: sha, display: `${ref}@sha1:${sha}` };
  }

  async tree(_repo: string, revision: string): Promise<FileTree> {
    return {
      description: revision,
      stat: async () => undefined,
      readFile: async () => new Uint8Array(),
      listDir: async () => [],
      realPath: async (path: string) => path,
    };
  }

  invalidate(repo: string): void {
    this.invalidated.push(repo);
  }

  /** What the last render was asked: path, Kustomize overrides, directory options. */
  lastRender?: { path: string; overrides: unknown; directory: unknown; chart?: unknown };

  async render(
    tree: FileTree,
    path: string,
    overrides?: unknown,
    directory?: unknown,
    chart?: unknown,
  ): Promise<KubeObject[]> {
    this.renders++;
    this.lastRender = { path, overrides, directory, ...(chart === undefined ? {} : { chart }) };
    const found = this.commits.get(tree.description);
    if (found instanceof Error) throw found;
    return structuredClone(found ?? []);
  }
}

const comparable = (o: KubeObject) => JSON.stringify({ ...o, metadata: { name: o.metadata.name } });

/**
 * A cluster as a map. plan compares whole objects and lists what left the inventory; execute
 * writes what the plan says (`failApply` makes every create/update fail); counts plans and
 * executions so tests can see a pass plans once.
 */
export class FakeCluster implements SyncPort, HealthPort {
  objects = new Map<string, KubeObject>();
  applies: string[] = [];
  deletes: string[] = [];
  plans = 0;
  /** What each plan was asked for. */
  planned: { prune: boolean; pruneConfirmed: boolean; syncOptions: readonly string[] }[] = [];
  executed: SyncPlan[] = [];
  failApply: string | undefined;

  async plan(target: SyncTarget, desired: readonly KubeObject[], opts: PlanOptions): Promise<SyncPlan> {
    this.plans++;
    this.planned.push({
      prune: opts.prune,
      pruneConfirmed: opts.pruneConfirmed === true,
      syncOptions: target.syncOptions,
    });
    const objects: PlannedObject[] = [];
    const keys = new Set<string>();
    for (const o of desired) {
      const obj = this.withNs(target, o);
      const id = idOf(obj);
      keys.add(idKey(id));
      const live = this.objects.get(idKey(id));
      const item = { desired: obj, ref: id, key: idKey(id), ...(live ? { live } : {}) } as Item;
      const diff = { ref: id };
      if (!live) objects.push({ id, wave: 0, reason: 'would be created', action: 'create', item, diff });
      else if (comparable(live) === comparable(obj))
        objects.push({ id, wave: 0, reason: 'in sync', action: 'unchanged', item });
      else
        objects.push({
          id,
          wave: 0,
          reason: 'would be configured',
          action: 'update',
          item,
          recreate: false,
          diff,
        });
    }
    for (const r of target.inventory) {
      const live = this.objects.get(idKey(r));
      if (keys.has(idKey(r)) || !live) continue;
      if (opts.prune)
        objects.push({
          id: r,
          wave: 0,
          reason: 'would be pruned',
          action: 'prune',
          live,
          options: DEFAULT_SYNC_OPTIONS,
          diff: { ref: r },
        });
      else
        objects.push({
          id: r,
          wave: 0,
          reason: 'prune disabled',
          action: 'skip',
          cause: 'prune-disabled',
          blocking: false,
          requiresPruning: true,
          live,
        });
    }
    return {
      app: { namespace: target.appNamespace, name: target.appName },
      destinationNamespace: target.destinationNamespace ?? '',
      options: DEFAULT_SYNC_OPTIONS,
      ignoreDifferences: [],
      objects,
      inventory: target.inventory,
      refusedEmpty: false,
      warnings: [],
    };
  }

  async execute(plan: SyncPlan): Promise<ChangeSet> {
    this.executed.push(plan);
    const resources: ResourceResult[] = [];
    const pruned = new Set<string>();
    for (const p of plan.objects) {
      const base = { ref: p.id, wave: 0 };
      if (p.action === 'create' || p.action === 'update') {
        if (this.failApply) {
          resources.push({ ...base, action: 'failed', message: this.failApply });
          continue;
        }
        this.objects.set(idKey(p.id), p.item.desired);
        this.applies.push(idKey(p.id));
        resources.push({ ...base, action: p.action === 'create' ? 'created' : 'configured', message: '' });
      } else if (p.action === 'unchanged')
        resources.push({ ...base, action: 'unchanged', message: 'in sync' });
      else if (p.action === 'prune') {
        this.objects.delete(idKey(p.id));
        this.deletes.push(idKey(p.id));
        pruned.add(idKey(p.id));
        resources.push({ ...base, action: 'pruned', message: 'pruned' });
      } else if (p.action === 'skip') resources.push({ ...base, action: 'skipped', message: p.reason });
    }
    const failed = resources.some((r) => r.action === 'failed');
    return {
      phase: failed ? 'Failed' : 'Succeeded',
      message: failed ? 'failed' : 'synced',
      resources,
      changed: true,
      warnings: [],
      inventory: nextInventory(plan, pruned),
    };
  }

  async deleteAll(target: SyncTarget) {
    for (const r of [...target.inventory].reverse()) {
      if (this.objects.delete(idKey(r))) this.deletes.push(idKey(r));
    }
    return { remaining: 0, unconfirmed: 0 };
  }

  /** Live namespaces (by name), for DeleteNamespace; the ones deleted are removed from it. */
  namespaces = new Map<string, KubeObject>();
  namespaceCleanups: { namespace: string; otherApps: readonly string[] }[] = [];

  async deleteCreatedNamespace(
    target: SyncTarget,
    otherApps: readonly string[],
  ): Promise<NamespaceCleanup | undefined> {
    const options = parseSyncOptions(target.syncOptions, DEFAULT_SYNC_OPTIONS, 'test');
    const name = target.destinationNamespace;
    if (!options.deleteNamespace || !name) return undefined;
    this.namespaceCleanups.push({ namespace: name, otherApps });
    const app = { namespace: target.appNamespace, name: target.appName };
    const verdict = namespaceCleanupVerdict(name, this.namespaces.get(name), app, otherApps);
    if (verdict.delete) this.namespaces.delete(name);
    return { outcome: verdict.outcome, message: verdict.message };
  }

  live(id: ObjectId): KubeObject | undefined {
    return this.objects.get(idKey(id));
  }

  assess(live: KubeObject) {
    const phase = (live.status as { phase?: string } | undefined)?.phase;
    return phase === 'Pending'
      ? { status: 'Progressing' as const, message: 'pending' }
      : { status: 'Healthy' as const };
  }

  private withNs(target: SyncTarget, o: KubeObject): KubeObject {
    return {
      ...o,
      metadata: { ...o.metadata, namespace: o.metadata.namespace ?? target.destinationNamespace ?? '' },
    };
  }
}

export class FakeWriter implements AppWriter {
  statusWrites = 0;
  events: string[] = [];
  /** Makes patchApp fail (a process that dies before clearing the operation). */
  failPatchApp = false;
  /** Runs after a status write, before its answer: the watch delivering the write first. */
  beforeAnswer: ((resourceVersion: string) => void) | undefined;
  constructor(public app: Application) {}

  async patchStatus(_app: Application, status: ApplicationStatus) {
    this.statusWrites++;
    const resourceVersion = `status-${this.statusWrites}`;
    this.app = {
      ...this.app,
      metadata: { ...this.app.metadata, resourceVersion },
      status: structuredClone(status),
    };
    this.beforeAnswer?.(resourceVersion);
    return resourceVersion;
  }

  async patchApp(_ns: string, _name: string, change: AppChange) {
    if (this.failPatchApp) throw new Error('patchApp failed');
    const app = structuredClone(this.app);
    if (change.removeFinalizer)
      app.metadata.finalizers = (app.metadata.finalizers ?? []).filter(
        (f) => f !== RESOURCES_FINALIZER && f !== ARGO_RESOURCES_FINALIZER,
      );
    if (change.clearOperation) delete app.operation;
    if (change.removeRefresh && app.metadata.annotations)
      delete app.metadata.annotations['trueup.dev/refresh'];
    if (change.removeDeletionApproval && app.metadata.annotations) {
      delete app.metadata.annotations['trueup.dev/deletion-approved'];
      delete app.metadata.annotations['argocd.argoproj.io/deletion-approved'];
    }
    this.app = app;
  }

  async event(_app: KubeObject, type: string, reason: string, message: string) {
    this.events.push(`${type} ${reason}: ${message}`);
  }
}

export function application(
  spec: Partial<Application['spec']> = {},
  extra: Partial<Application> = {},
): Application {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'web', namespace: 'trueup-system', generation: 1 },
    spec: {
      source: { repoURL: 'https://git.example/org/config.git', targetRevision: 'main', path: 'apps/web' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'web' },
      ...spec,
    },
    ...extra,
  };
}

export function harness(
  app: Application,
  deps: Pick<
    ReconcilerDeps,
    'capabilities' | 'projects' | 'denyPlainSecrets' | 'appsWithObjectsIn' | 'notify'
  > = {},
) {
  const clock = new FakeClock(0);
  const git = new FakeGit();
  const cluster = new FakeCluster();
  const writer = new FakeWriter(app);
  const make = () =>
    new Reconciler({
      source: git,
      render: git,
      sync: cluster,
      health: cluster,
      writer,
      clock,
      renderCache: new RenderCache(16),
      requeueInterval: 180_000,
      ...deps,
    });
  const reconciler = make();
  return {
    clock,
    git,
    cluster,
    writer,
    reconciler,
    /** Reconciles the writer's current copy of the app. */
    run: () => reconciler.reconcile(writer.app),
    /** A new Reconciler over the same cluster, Git and Application (a restarted process). */
    restart: () => {
      const fresh = make();
      return { reconciler: fresh, run: () => fresh.reconcile(writer.app) };
    },
    condition: (type: string) => writer.app.status?.conditions?.find((c) => c.type === type),
  };
}
