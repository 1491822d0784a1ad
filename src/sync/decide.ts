/**
 * The plan's decisions as pure functions of what was read, so every rule is a row in a table
 * test: what to do with a rendered object (`decideObject`), with an object that left Git
 * (`decidePrune`), what the inventory becomes (`nextInventory`), and the plan's verdict for the
 * app's status (`planVerdict`).
 */
import { type Inventory, idKey, type ObjectId, sortIds } from './identity.js';
import { PlanAction, type PlannedObject, SkipCause, type SyncPlan } from './types.js';

/** What reading a rendered object found. */
export type Observation =
  /** Not in the cluster (or its kind comes with this very sync). */
  | { kind: 'absent' }
  /** Another app's tracking id is on the live object. */
  | { kind: 'foreign'; owner: string }
  /** Known to be in sync without a dry run (verdict cache, or the apply provably a no-op). */
  | { kind: 'known-in-sync' }
  /** A server-side dry-run apply compared with the live object. */
  | { kind: 'compared'; drifted: boolean }
  /** The dry-run apply was refused. */
  | { kind: 'refused'; message: string; immutable: boolean };

export type ObjectDecision =
  | { action: 'create'; reason: string }
  | { action: 'update'; reason: string; recreate: boolean }
  | { action: 'unchanged'; reason: string }
  | { action: 'skip'; cause: 'invalid' | 'shared'; blocking: boolean; reason: string };

export function immutableReason(message: string): string {
  return `${message} (the change needs the object deleted and recreated: set the sync option Force=true to allow it)`;
}

export function decideObject(
  seen: Observation,
  options: { force: boolean; failOnSharedResource: boolean },
  where: string,
): ObjectDecision {
  switch (seen.kind) {
    case 'absent':
      return { action: PlanAction.Create, reason: 'would be created' };
    case 'foreign':
      return {
        action: PlanAction.Skip,
        cause: SkipCause.Shared,
        blocking: options.failOnSharedResource,
        reason: `${where}: already managed by application ${seen.owner}`,
      };
    case 'known-in-sync':
      return { action: PlanAction.Unchanged, reason: 'in sync' };
    case 'compared':
      return seen.drifted
        ? { action: PlanAction.Update, reason: 'would be configured', recreate: false }
        : { action: PlanAction.Unchanged, reason: 'in sync' };
    case 'refused':
      if (seen.immutable && options.force)
        return {
          action: PlanAction.Update,
          reason: `would be configured (delete and recreate): ${seen.message}; Force=true`,
          recreate: true,
        };
      return {
        action: PlanAction.Skip,
        cause: SkipCause.Invalid,
        blocking: true,
        reason: seen.immutable ? immutableReason(seen.message) : seen.message,
      };
  }
}

/** What reading an object that left Git (in the inventory, not in the render) found. */
export type PruneObservation =
  /** Not found, or its kind is no longer served. */
  | { kind: 'gone' }
  /** A hook (it carries a hook annotation): only its delete policy removes it. */
  | { kind: 'hook' }
  | { kind: 'unreadable'; message: string }
  | { kind: 'foreign'; owner: string }
  /** Its sync-options or sync-wave annotation cannot be read. */
  | { kind: 'bad-annotation'; message: string }
  | {
      kind: 'present';
      /** Prune=false: false; Prune=confirm: 'confirm'. */
      pruneOption: boolean | 'confirm';
      /** Delete=false: false; Delete=confirm: 'confirm'. */
      deleteOption: boolean | 'confirm';
      /** compare-options IgnoreExtraneous. */
      ignoreExtraneous: boolean;
    };

export interface PruneMode {
  /** Pruning requested (automated prune, or a sync with prune). */
  prune: boolean;
  /** Prune=confirm objects may go (the app's deletion-approved annotation). */
  confirmed: boolean;
  /** The app is being deleted (its resources finalizer). */
  deleting: boolean;
}

export type PruneDecision =
  /** Not an object to act on, and not kept in the inventory. */
  | { action: 'drop' }
  | { action: 'prune'; reason: string }
  | {
      action: 'skip';
      cause: SkipCause;
      requiresPruning: boolean;
      reason: string;
      ignoreExtraneous?: boolean;
    };

export function decidePrune(seen: PruneObservation, mode: PruneMode, where: string): PruneDecision {
  switch (seen.kind) {
    case 'gone':
    case 'hook':
      return { action: 'drop' };
    case 'unreadable':
      return {
        action: PlanAction.Skip,
        cause: SkipCause.Unreadable,
        requiresPruning: true,
        reason: `${where}: cannot read it to prune: ${seen.message}`,
      };
    case 'foreign':
      return {
        action: PlanAction.Skip,
        cause: SkipCause.Foreign,
        requiresPruning: false,
        reason: `${where}: not pruned, now managed by application ${seen.owner}`,
      };
    case 'bad-annotation':
      return {
        action: PlanAction.Skip,
        cause: SkipCause.Invalid,
        requiresPruning: true,
        reason: seen.message,
      };
    case 'present': {
      if (mode.deleting) {
        if (seen.deleteOption === false)
          return {
            action: PlanAction.Skip,
            cause: SkipCause.DeleteFalse,
            requiresPruning: false,
            reason: `${where}: kept when the app is deleted (Delete=false)`,
          };
        if (seen.deleteOption === 'confirm' && !mode.confirmed)
          return {
            action: PlanAction.Skip,
            cause: SkipCause.DeleteConfirm,
            requiresPruning: false,
            reason: `${where}: not deleted until confirmed (Delete=confirm: annotate the Application trueup.dev/deletion-approved)`,
          };
        return { action: PlanAction.Prune, reason: 'would be deleted with the app' };
      }
      const extraneous = seen.ignoreExtraneous ? { ignoreExtraneous: true } : {};
      if (seen.pruneOption === false)
        return {
          action: PlanAction.Skip,
          cause: SkipCause.PruneFalse,
          requiresPruning: true,
          reason: `${where}: not pruned (Prune=false)`,
          ...extraneous,
        };
      if (!mode.prune)
        return {
          action: PlanAction.Skip,
          cause: SkipCause.PruneDisabled,
          requiresPruning: true,
          reason: `${where}: no longer in Git; needs pruning (prune not enabled)`,
          ...extraneous,
        };
      if (seen.pruneOption === 'confirm' && !mode.confirmed)
        return {
          action: PlanAction.Skip,
          cause: SkipCause.PruneConfirm,
          requiresPruning: true,
          reason: `${where}: not pruned until confirmed (Prune=confirm: trueup app sync NAME --prune --confirm)`,
          ...extraneous,
        };
      return { action: PlanAction.Prune, reason: 'would be pruned' };
    }
  }
}

/** True for an object Git no longer has that is still in the cluster (Argo's requiresPruning). */
export function requiresPruning(p: PlannedObject): boolean {
  return p.action === PlanAction.Prune || (p.action === PlanAction.Skip && p.requiresPruning);
}

/** An object that left Git with compare-options IgnoreExtraneous: listed, never OutOfSync for the app. */
export function ignoredExtraneous(p: PlannedObject): boolean {
  return p.action === PlanAction.Skip && p.requiresPruning && p.ignoreExtraneous === true;
}

/**
 * A sync of a selection (operation.sync.resources): objects outside it are skipped, not written
 * and not pruned, and hooks do not run (as Argo CD's selective sync). Without a selection the
 * plan is returned as it is.
 */
export function selectObjects(
  plan: SyncPlan,
  selection:
    | readonly { group?: string | undefined; kind: string; namespace?: string | undefined; name: string }[]
    | undefined,
): SyncPlan {
  if (!selection || selection.length === 0) return plan;
  const picked = (id: ObjectId) =>
    selection.some(
      (s) =>
        (s.group ?? '') === id.group &&
        s.kind === id.kind &&
        s.name === id.name &&
        (s.namespace === undefined || s.namespace === id.namespace),
    );
  const objects: PlannedObject[] = [];
  for (const p of plan.objects) {
    if (p.action === PlanAction.Hook) continue;
    if (picked(p.id) || p.action === PlanAction.Unchanged || p.action === PlanAction.Skip) {
      objects.push(p);
      continue;
    }
    objects.push({
      id: p.id,
      wave: p.wave,
      action: PlanAction.Skip,
      cause: SkipCause.NotSelected,
      blocking: false,
      requiresPruning: p.action === PlanAction.Prune,
      reason: 'not in the selected resources of this sync',
      ...(p.action === PlanAction.Prune
        ? { live: p.live }
        : p.item.live
          ? { live: p.item.live, item: p.item }
          : { item: p.item }),
    });
  }
  return { ...plan, objects };
}

/** Whether the plan lists the object in the app's resources (hooks and foreign objects never). */
export function isListed(p: PlannedObject): boolean {
  return p.action !== PlanAction.Hook && !(p.action === PlanAction.Skip && p.cause === SkipCause.Foreign);
}

/**
 * The inventory after executing `plan`, given which objects were pruned: every ordinary object
 * the render holds (not another app's, not an invalid one that does not exist), plus the objects
 * that left Git and stay (not pruned). Hooks never enter it.
 */
export function nextInventory(plan: SyncPlan, pruned: ReadonlySet<string>): ObjectId[] {
  const out: ObjectId[] = [];
  for (const p of plan.objects) {
    switch (p.action) {
      case PlanAction.Create:
      case PlanAction.Update:
      case PlanAction.Unchanged:
        out.push(p.id);
        break;
      case PlanAction.Prune:
        if (!pruned.has(idKey(p.id))) out.push(p.id);
        break;
      case PlanAction.Skip:
        if (p.requiresPruning) out.push(p.id);
        else if (p.cause === SkipCause.Invalid && p.item?.live && p.item.key) out.push(p.id);
        break;
      case PlanAction.Hook:
        break;
    }
  }
  return sortIds(out);
}

export interface PlanVerdict {
  /** Synced when every listed object is unchanged. */
  syncStatus: 'Synced' | 'OutOfSync';
  /** Listed objects that differ (including those that require pruning). */
  outOfSync: number;
  requiresPruning: number;
  /** Objects a sync would write: creates, updates, prunes. */
  changes: number;
  /** Skips that stop the sync (the first one's reason is the message). */
  blocking: PlannedObject[];
}

export function planVerdict(plan: SyncPlan): PlanVerdict {
  const listed = plan.objects.filter(isListed);
  const outOfSync = listed.filter((p) => p.action !== PlanAction.Unchanged && !ignoredExtraneous(p)).length;
  return {
    syncStatus: outOfSync > 0 ? 'OutOfSync' : 'Synced',
    outOfSync,
    requiresPruning: listed.filter(requiresPruning).length,
    changes: plan.objects.filter(
      (p) =>
        p.action === PlanAction.Create || p.action === PlanAction.Update || p.action === PlanAction.Prune,
    ).length,
    blocking: plan.objects.filter((p) => p.action === PlanAction.Skip && p.blocking),
  };
}

/** The keys of an inventory, for set tests. */
export function inventoryKeys(inventory: Inventory): Set<string> {
  return new Set(inventory.map(idKey));
}
