/**
 * In-memory ports for reconciler tests: a "Git" of revisions holding object lists, a "cluster"
 * map, and a writer that applies status/app patches to a local copy of the Application.
 * (Test support only: production code binds the ports to the real modules in adapters/.)
 */
import { type Application, type ApplicationStatus, RESOURCES_FINALIZER } from '../../src/api/application.js';
import { TrueupError } from '../../src/api/errors.js';
import { groupOf, type KubeObject, refKey, refOf, versionOf } from '../../src/api/object.js';
import type {
  AppWriter,
  HealthPort,
  InventoryRef,
  Plan,
  RenderPort,
  SourcePort,
  SyncOutcome,
  SyncPort,
  SyncTarget,
} from '../../src/controller/ports.js';
import { Reconciler } from '../../src/controller/reconciler.js';
import { RenderCache } from '../../src/controller/render-cache.js';
import type { FileTree } from '../../src/render/file-tree.js';
import { FakeClock } from './fake-clock.js';

export function inv(o: KubeObject): InventoryRef {
  return { ...refOf(o), version: versionOf(o.apiVersion) };
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

  async render(tree: FileTree): Promise<KubeObject[]> {
    this.renders++;
    const found = this.commits.get(tree.description);
    if (found instanceof Error) throw found;
    return structuredClone(found ?? []);
  }
}

const comparable = (o: KubeObject) => JSON.stringify({ ...o, metadata: { name: o.metadata.name } });

/** A cluster as a map; plan compares whole objects; apply writes; `failNext` makes applies fail. */
export class FakeCluster implements SyncPort, HealthPort {
  objects = new Map<string, KubeObject>();
  applies: string[] = [];
  deletes: string[] = [];
  failApply: string | undefined;

  async plan(target: SyncTarget, desired: readonly KubeObject[]): Promise<Plan> {
    const keys = new Set(desired.map((o) => refKey(this.ns(target, o))));
    const resources: Plan['resources'] = desired.map((o) => {
      const d = this.ns(target, o);
      const live = this.objects.get(refKey(d));
      const entry: Plan['resources'][number] = {
        ref: { ...d, version: versionOf(o.apiVersion) },
        status: live && comparable(live) === comparable(this.withNs(target, o)) ? 'Synced' : 'OutOfSync',
      };
      if (live) entry.live = live;
      return entry;
    });
    for (const r of target.inventory) {
      if (!keys.has(refKey(r)) && this.objects.has(refKey(r))) {
        resources.push({ ref: r, status: 'OutOfSync', requiresPruning: true });
      }
    }
    return { resources };
  }

  async apply(
    target: SyncTarget,
    desired: readonly KubeObject[],
    plan: Plan,
    opts: { prune: boolean; dryRun: boolean },
  ) {
    const out: SyncOutcome = { resources: [] };
    for (const o of desired) {
      const obj = this.withNs(target, o);
      const ref = inv(obj);
      if (this.failApply) {
        out.resources.push({ ref, result: 'failed', message: this.failApply });
        continue;
      }
      const existed = this.objects.get(refKey(ref));
      const same = existed && comparable(existed) === comparable(obj);
      if (!opts.dryRun && !same) {
        this.objects.set(refKey(ref), obj);
        this.applies.push(refKey(ref));
      }
      out.resources.push({ ref, result: same ? 'unchanged' : existed ? 'configured' : 'created', live: obj });
    }
    for (const p of plan.resources) {
      if (!p.requiresPruning) continue;
      if (opts.prune) {
        if (!opts.dryRun) {
          this.objects.delete(refKey(p.ref));
          this.deletes.push(refKey(p.ref));
        }
        out.resources.push({ ref: p.ref, result: 'pruned' });
      } else out.resources.push({ ref: p.ref, result: 'skipped', message: 'prune disabled' });
    }
    return out;
  }

  async deleteAll(target: SyncTarget) {
    for (const r of [...target.inventory].reverse()) {
      if (this.objects.delete(refKey(r))) this.deletes.push(refKey(r));
    }
    return { remaining: 0 };
  }

  assess(live: KubeObject) {
    const phase = (live.status as { phase?: string } | undefined)?.phase;
    return phase === 'Pending'
      ? { status: 'Progressing' as const, message: 'pending' }
      : { status: 'Healthy' as const };
  }

  private ns(target: SyncTarget, o: KubeObject) {
    const ref = refOf(o);
    return {
      ...ref,
      namespace: ref.namespace || target.destinationNamespace || '',
      group: groupOf(o.apiVersion),
    };
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
  constructor(public app: Application) {}

  async patchStatus(_app: Application, status: ApplicationStatus) {
    this.statusWrites++;
    this.app = { ...this.app, status: structuredClone(status) };
  }

  async patchApp(
    _ns: string,
    _name: string,
    change: { removeFinalizer?: boolean; clearOperation?: boolean; removeRefresh?: boolean },
  ) {
    const app = structuredClone(this.app);
    if (change.removeFinalizer)
      app.metadata.finalizers = (app.metadata.finalizers ?? []).filter((f) => f !== RESOURCES_FINALIZER);
    if (change.clearOperation) delete app.operation;
    if (change.removeRefresh && app.metadata.annotations)
      delete app.metadata.annotations['trueup.dev/refresh'];
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

export function harness(app: Application) {
  const clock = new FakeClock(0);
  const git = new FakeGit();
  const cluster = new FakeCluster();
  const writer = new FakeWriter(app);
  const reconciler = new Reconciler({
    source: git,
    render: git,
    sync: cluster,
    health: cluster,
    writer,
    clock,
    renderCache: new RenderCache(16),
    requeueInterval: 180_000,
  });
  return {
    clock,
    git,
    cluster,
    writer,
    reconciler,
    /** Reconciles the writer's current copy of the app. */
    run: () => reconciler.reconcile(writer.app),
    condition: (type: string) => writer.app.status?.conditions?.find((c) => c.type === type),
  };
}
