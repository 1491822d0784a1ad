/**
 * Pure: the app's status.resources from the plan (and, when the pass synced, the change set),
 * and the operationState a sync records. Hooks never appear in either list of resources: they
 * are not desired state.
 */
import type { ApplicationStatus } from '../api/application.js';
import type { OperationState } from '../api/application-operation.js';
import type { ResourceStatus } from '../api/application-status.js';
import type { KubeObject } from '../api/object.js';
import type { HealthStatusCode, SyncStatusCode } from '../api/status-common.js';
import {
  idKey,
  ignoredExtraneous,
  isListed,
  type ObjectId,
  PlanAction,
  requiresPruning,
  SkipCause,
} from '../sync/index.js';
import type { ChangeSet, PlannedObject, ResourceResult, SyncPlan } from '../sync/types.js';
import { worstHealth } from './status.js';

export type HealthOf = (live: KubeObject) => { status: HealthStatusCode; message?: string };

/** The live object the plan read (undefined for objects that do not exist yet). */
export function plannedLive(p: PlannedObject): KubeObject | undefined {
  switch (p.action) {
    case PlanAction.Create:
      return undefined;
    case PlanAction.Prune:
      return p.live;
    case PlanAction.Skip:
      return p.live ?? p.item?.live;
    default:
      return p.item.live;
  }
}

const OK: ReadonlySet<string> = new Set(['created', 'configured', 'unchanged']);

/**
 * One entry per listed object. `synced`: the change set is a real execution (not a dry run),
 * so objects it wrote or found unchanged are Synced. `liveNow` gives the object as the cluster
 * holds it after the sync (the informers' cache), else the plan's read is used for health.
 */
export function resourceStatuses(
  plan: SyncPlan,
  change: ChangeSet | undefined,
  synced: boolean,
  health: HealthOf,
  liveNow: (id: ObjectId) => KubeObject | undefined,
): ResourceStatus[] {
  const results = new Map<string, ResourceResult>();
  for (const r of change?.resources ?? []) if (!r.hook) results.set(idKey(r.ref), r);
  const out: ResourceStatus[] = [];
  for (const p of plan.objects) {
    if (!isListed(p)) continue;
    const res = results.get(idKey(p.id));
    if (res?.action === 'pruned' && synced) continue;
    const ok = res !== undefined && OK.has(res.action);
    let status: SyncStatusCode = p.action === PlanAction.Unchanged ? 'Synced' : 'OutOfSync';
    if (synced && ok) status = 'Synced';
    const entry: ResourceStatus = { version: p.id.version, kind: p.id.kind, name: p.id.name, status };
    if (p.id.group) entry.group = p.id.group;
    if (p.id.namespace) entry.namespace = p.id.namespace;
    const leftGit = requiresPruning(p);
    if (leftGit) {
      entry.requiresPruning = true;
      entry.message =
        p.action === PlanAction.Skip && p.cause === SkipCause.PruneFalse
          ? 'requires pruning (Prune=false: kept)'
          : p.action === PlanAction.Skip && p.cause === SkipCause.PruneConfirm
            ? 'requires pruning (Prune=confirm: trueup app sync NAME --prune --confirm)'
            : 'requires pruning';
      if (ignoredExtraneous(p)) entry.message += ' (IgnoreExtraneous: does not make the app OutOfSync)';
    } else if (res?.action === 'failed' && res.message) entry.message = res.message;
    else if (p.action === PlanAction.Skip) entry.message = p.reason;
    if (!leftGit) {
      // After a write: the informers' copy, else what the write returned (the watch may lag).
      const live =
        (synced && ok ? (liveNow(p.id) ?? res?.live) : undefined) ?? plannedLive(p) ?? liveNow(p.id);
      const h = live ? health(live) : { status: 'Missing' as const };
      entry.health =
        h.message === undefined ? { status: h.status } : { status: h.status, message: h.message };
    }
    out.push(entry);
  }
  return out;
}

/** The per-resource lines of operationState.syncResult (hooks included: they ran). */
export function syncResultResources(
  change: ChangeSet,
): NonNullable<OperationState['syncResult']>['resources'] {
  return change.resources.map((r) => ({
    ...(r.ref.group ? { group: r.ref.group } : {}),
    kind: r.ref.kind,
    ...(r.ref.namespace ? { namespace: r.ref.namespace } : {}),
    name: r.ref.name,
    status: r.action,
    ...(r.message ? { message: r.message } : {}),
  }));
}

export function countOf(change: ChangeSet, action: string): number {
  return change.resources.filter((r) => r.action === action && !r.hook).length;
}

/** The app's sync status: OutOfSync when a listed object is, except IgnoreExtraneous leftovers. */
export function appSyncStatus(plan: SyncPlan, resources: readonly ResourceStatus[]): SyncStatusCode {
  const ignored = new Set(plan.objects.filter(ignoredExtraneous).map((p) => idKey(p.id)));
  const counts = (r: ResourceStatus) =>
    !ignored.has(
      idKey({
        group: r.group ?? '',
        version: r.version ?? '',
        kind: r.kind,
        namespace: r.namespace ?? '',
        name: r.name,
      }),
    );
  return resources.some((r) => r.status === 'OutOfSync' && counts(r)) ? 'OutOfSync' : 'Synced';
}

/** Writes status.resources, status.sync and status.health from the plan and the change set. */
export function recordResources(
  status: ApplicationStatus,
  i: {
    plan: SyncPlan;
    change: ChangeSet | undefined;
    executed: boolean;
    revision: string;
    syncedRevision: string | undefined;
    health: HealthOf;
    liveNow: (id: ObjectId) => KubeObject | undefined;
  },
): { resources: ResourceStatus[]; health: HealthStatusCode; syncStatus: SyncStatusCode } {
  const resources = resourceStatuses(i.plan, i.change, i.executed, i.health, i.liveNow);
  const health = worstHealth(resources.flatMap((r) => (r.health ? [r.health.status] : [])));
  const syncStatus = appSyncStatus(i.plan, resources);
  status.resources = resources;
  status.sync = {
    status: syncStatus,
    revision: i.revision,
    ...(i.syncedRevision ? { syncedRevision: i.syncedRevision } : {}),
  };
  const unhealthy = resources.find((r) => r.health && r.health.status !== 'Healthy');
  status.health = unhealthy?.health?.message
    ? { status: health, message: `${unhealthy.kind} ${unhealthy.name}: ${unhealthy.health.message}` }
    : { status: health };
  return { resources, health, syncStatus };
}
