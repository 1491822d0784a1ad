/**
 * SyncPort over src/sync's engine. `plan` is the engine's dry run (its verdict cache makes an
 * unchanged object cost no request); `apply` is a real sync; `deleteAll` is a prune of the whole
 * inventory. The inventory is the one the reconciler hands over (status.resources plus tracked
 * live objects), so the controller needs no inventory ConfigMap.
 */
import type { KubeObject } from '../../api/object.js';
import { groupOf, refKey, versionOf } from '../../api/object.js';
import type { IgnoreRule } from '../../diff/ignore.js';
import { objectDiffText } from '../../diff/text.js';
import type { ClusterClient, ObjectAddress } from '../../kube/types.js';
import {
  type ResourceResult as EngineResult,
  type InventoryEntry,
  MemoryInventory,
  type SyncResult,
  sync,
  VerdictCache,
} from '../../sync/index.js';
import type {
  InventoryRef,
  Plan,
  PlannedResource,
  ResourceResult,
  SyncOutcome,
  SyncPort,
  SyncTarget,
} from '../ports.js';
import { PlanReads } from './plan-reads.js';

export interface EngineSyncPortOptions {
  client: ClusterClient;
  /** The live object from the informers' cache, for health. */
  live?: (ref: InventoryRef) => KubeObject | undefined;
  healthTimeoutMs?: number;
  warn?: (message: string) => void;
}

function entries(target: SyncTarget): InventoryEntry[] {
  return target.inventory.map((r) => ({
    apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
  }));
}

function refOfResult(r: EngineResult): InventoryRef {
  return { ...r.ref, version: versionOf(r.apiVersion) };
}

/** How long what a plan read may stand in for the apply's reads. */
const PLAN_READS_TTL_MS = 1_000;

export class EngineSyncPort implements SyncPort {
  private readonly caches = new Map<string, VerdictCache>();
  /** Per app: what its last plan read, for the apply that follows (see plan-reads.ts). */
  private readonly reads = new Map<string, PlanReads>();

  constructor(private readonly o: EngineSyncPortOptions) {}

  forget(appKey: string): void {
    this.caches.delete(appKey);
    this.reads.delete(appKey);
  }

  private known = (a: ObjectAddress): KubeObject | undefined =>
    this.o.live?.({
      group: groupOf(a.apiVersion),
      version: versionOf(a.apiVersion),
      kind: a.kind,
      namespace: a.namespace ?? '',
      name: a.name,
    });

  /** The plan records its reads; the apply right after it reuses them; anything else forgets them. */
  private clientFor(key: string, phase: 'plan' | 'apply' | 'other'): ClusterClient {
    let reads = this.reads.get(key);
    if (phase === 'plan') {
      if (!reads) {
        reads = new PlanReads();
        this.reads.set(key, reads);
      }
      return reads.recording(this.o.client);
    }
    if (phase === 'apply' && reads) return reads.replaying(this.o.client, this.known);
    reads?.clear();
    return this.o.client;
  }

  private run(
    target: SyncTarget,
    objects: readonly KubeObject[],
    opts: { prune: boolean; dryRun: boolean },
    phase: 'plan' | 'apply' | 'other',
  ): Promise<SyncResult> {
    const key = `${target.appNamespace}/${target.appName}`;
    let cache = this.caches.get(key);
    if (!cache) {
      cache = new VerdictCache();
      this.caches.set(key, cache);
    }
    return sync(
      {
        app: { namespace: target.appNamespace, name: target.appName },
        destinationNamespace: target.destinationNamespace ?? '',
        objects,
        syncOptions: target.syncOptions,
        ignoreDifferences: JSON.parse(JSON.stringify(target.ignoreDifferences)) as IgnoreRule[],
        prune: opts.prune,
        // The reconciler decides about empty renders (allowEmpty) before asking.
        allowEmpty: true,
        dryRun: opts.dryRun,
      },
      {
        client: this.clientFor(key, phase),
        inventory: new MemoryInventory(entries(target)),
        cache,
        ...(this.o.healthTimeoutMs ? { healthTimeoutMs: this.o.healthTimeoutMs } : {}),
        ...(this.o.warn ? { warn: this.o.warn } : {}),
      },
    );
  }

  async plan(target: SyncTarget, desired: readonly KubeObject[]): Promise<Plan> {
    const res = await this.run(target, desired, { prune: true, dryRun: true }, 'plan');
    // Reused only by an apply that starts at once (the same reconcile); then it is freed.
    const reads = this.reads.get(`${target.appNamespace}/${target.appName}`);
    if (reads && reads.size > 0) setTimeout(() => reads.clear(), PLAN_READS_TTL_MS).unref();
    const resources: PlannedResource[] = [];
    const seen = new Set<string>();
    for (const r of res.resources) {
      if (r.hook) continue;
      const ref = refOfResult(r);
      if (seen.has(refKey(ref))) continue;
      seen.add(refKey(ref));
      const p: PlannedResource = { ref, status: r.action === 'unchanged' ? 'Synced' : 'OutOfSync' };
      if (r.action === 'pruned') p.requiresPruning = true;
      if (
        r.action === 'skipped' &&
        !desired.some((d) => d.metadata.name === r.ref.name && d.kind === r.ref.kind)
      ) {
        p.requiresPruning = true;
      }
      if (r.action === 'failed' || r.action === 'skipped') p.message = r.message;
      if (r.diff && r.action !== 'pruned') p.diff = objectDiffText(r.diff);
      const live = this.o.live?.(ref);
      if (live) p.live = live;
      resources.push(p);
    }
    return { resources };
  }

  async apply(
    target: SyncTarget,
    desired: readonly KubeObject[],
    _plan: Plan,
    opts: { prune: boolean; dryRun: boolean },
  ): Promise<SyncOutcome> {
    const res = await this.run(target, desired, opts, 'apply');
    const resources: ResourceResult[] = [];
    for (const r of res.resources) {
      if (r.hook) continue;
      const ref = refOfResult(r);
      const out: ResourceResult = { ref, result: r.action };
      if (r.message) out.message = r.message;
      const live = r.action === 'pruned' ? undefined : this.o.live?.(ref);
      if (live) out.live = live;
      resources.push(out);
    }
    if (res.phase === 'Failed' && !resources.some((r) => r.result === 'failed')) {
      resources.push({
        ref: {
          group: 'trueup.dev',
          version: 'v1alpha1',
          kind: 'Application',
          namespace: target.appNamespace,
          name: target.appName,
        },
        result: 'failed',
        message: res.message,
      });
    }
    return { resources };
  }

  async deleteAll(target: SyncTarget): Promise<{ remaining: number }> {
    const res = await this.run(target, [], { prune: true, dryRun: false }, 'other');
    return { remaining: res.resources.filter((r) => r.action === 'failed').length };
  }
}
