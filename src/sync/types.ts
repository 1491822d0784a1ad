/**
 * The sync engine's shapes: the request, the plan (a value: per object an action with wave,
 * reason and diff), and the change set an execution of that plan returns.
 *
 *   plan(request) → SyncPlan      reads (live GETs/LISTs, dry-run applies) and decides; no writes
 *   execute(plan) → ChangeSet     writes exactly what the plan says; never throws
 */
import type { KubeObject } from '../api/object.js';
import type { IgnoreRule } from '../diff/ignore.js';
import type { JqEngine } from '../diff/jq.js';
import type { ObjectDiff } from '../diff/text.js';
import type { Health } from '../health/types.js';
import type { ClusterClient, ObjectAddress } from '../kube/types.js';
import type { VerdictCache } from './cache.js';
import type { Inventory, ObjectId } from './identity.js';
import type { InventoryStore } from './inventory.js';
import type { SyncOptions } from './options.js';
import type { HookType } from './order.js';
import type { Item } from './prepare.js';

export const FIELD_MANAGER = 'trueup';

export interface AppIdentity {
  namespace: string;
  name: string;
}

/** What to plan: the render, the previous inventory, and the app's options. */
export interface PlanRequest {
  app: AppIdentity;
  /** Namespace for namespaced objects that name none. */
  destinationNamespace: string;
  /** The rendered objects (hooks included). */
  objects: readonly KubeObject[];
  /** The objects applied last time; prune is (inventory − desired). */
  inventory: Inventory;
  /** App-wide sync options (`Name=value`). */
  syncOptions?: readonly string[];
  ignoreDifferences?: readonly IgnoreRule[];
  /** Delete what left Git. Without it such objects are planned as skips that require pruning. */
  prune?: boolean;
  /** Allow an empty render to prune everything; without it an empty render changes nothing. */
  allowEmpty?: boolean;
  /** Prune=confirm (and, deleting, Delete=confirm) objects may go: the app's deletion-approved annotation. */
  pruneConfirmed?: boolean;
  /** The app is being deleted: every inventory object goes, except those with Delete=false. */
  deleting?: boolean;
}

export interface PlanDeps {
  client: ClusterClient;
  /** Keep one per app across syncs so unchanged objects cost no dry-run. */
  cache?: VerdictCache;
  /** Parallel requests. Default 16. */
  concurrency?: number;
  /**
   * A local answer for a live read (the controller's informers): the object, null when it is
   * known not to exist, undefined when unknown (then it is read from the API server).
   */
  known?: (address: ObjectAddress) => KubeObject | null | undefined;
}

export interface ExecuteDeps {
  client: ClusterClient;
  /** The cache the plan used: execute records what it wrote. */
  cache?: VerdictCache;
  /** How long a wave, hook or CRD may take to become healthy/established. Default 5 min. */
  healthTimeoutMs?: number;
  /** Poll interval while waiting. Default 500 ms. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  concurrency?: number;
}

/** `sync()`: plan then execute in one call, with the inventory kept in a store (CLI, tests). */
export interface SyncRequest extends Omit<PlanRequest, 'inventory'> {
  /** Plan only: dry-runs, no writes. */
  dryRun?: boolean;
}

export interface SyncDeps extends PlanDeps, ExecuteDeps {
  inventory: InventoryStore;
  /** Warnings (shared resources, refused empty render); default: dropped. */
  warn?: (message: string) => void;
}

/** The closed set of things a plan can say about one object. */
export const PlanAction = {
  Create: 'create',
  Update: 'update',
  Unchanged: 'unchanged',
  Prune: 'prune',
  Skip: 'skip',
  Hook: 'hook',
} as const;
export type PlanAction = (typeof PlanAction)[keyof typeof PlanAction];

/** Why an object is skipped. */
export const SkipCause = {
  /** The object cannot be applied as rendered (bad annotation, unknown kind, immutable field…). */
  Invalid: 'invalid',
  /** Another app tracks the live object. */
  Shared: 'shared',
  /** Left Git, but pruning was not requested. */
  PruneDisabled: 'prune-disabled',
  /** Left Git, but it carries Prune=false. */
  PruneFalse: 'prune-false',
  /** Left Git, carries Prune=confirm, and the pruning is not confirmed. */
  PruneConfirm: 'prune-confirm',
  /** The app is being deleted, and the object carries Delete=false. */
  DeleteFalse: 'delete-false',
  /** The app is being deleted, the object carries Delete=confirm, and the deletion is not confirmed. */
  DeleteConfirm: 'delete-confirm',
  /** The sync was asked for a selection of objects (operation.sync.resources) without it. */
  NotSelected: 'not-selected',
  /** Left Git, but it could not be read to decide. */
  Unreadable: 'unreadable',
  /** Left Git and another app tracks it now: dropped from this app's inventory. */
  Foreign: 'foreign',
} as const;
export type SkipCause = (typeof SkipCause)[keyof typeof SkipCause];

interface PlannedBase {
  id: ObjectId;
  wave: number;
  /** One line a person reads (`would be configured`, `not pruned (Prune=false)`…). */
  reason: string;
}

/** Create/update/unchanged/hook carry `item`: the prepared desired object and what was read. */
export type PlannedObject =
  | (PlannedBase & { action: 'create'; item: Item; diff: ObjectDiff })
  | (PlannedBase & { action: 'update'; item: Item; diff?: ObjectDiff; recreate: boolean })
  | (PlannedBase & { action: 'unchanged'; item: Item })
  | (PlannedBase & { action: 'hook'; item: Item; hook: HookType })
  | (PlannedBase & { action: 'prune'; live: KubeObject; options: SyncOptions; diff: ObjectDiff })
  | (PlannedBase & {
      action: 'skip';
      cause: SkipCause;
      /** The sync cannot go ahead while this stands (invalid object, FailOnSharedResource). */
      blocking: boolean;
      /** Left Git and still in the cluster (Argo's requiresPruning). */
      requiresPruning: boolean;
      /** compare-options IgnoreExtraneous: left Git, but never makes the app OutOfSync. */
      ignoreExtraneous?: boolean;
      live?: KubeObject;
      item?: Item;
    });

export interface SyncPlan {
  app: AppIdentity;
  destinationNamespace: string;
  options: SyncOptions;
  ignoreDifferences: readonly IgnoreRule[];
  /** jq, loaded once when a rule has jqPathExpressions (they are evaluated on each object). */
  jq?: JqEngine;
  /** Ordinary objects, hooks and prune decisions, in render order then inventory order. */
  objects: PlannedObject[];
  /** The inventory the plan was made against. */
  inventory: Inventory;
  /** The render had no ordinary object and allowEmpty was not set: execute refuses. */
  refusedEmpty: boolean;
  warnings: string[];
}

export const ResultAction = {
  Created: 'created',
  Configured: 'configured',
  Unchanged: 'unchanged',
  Pruned: 'pruned',
  Skipped: 'skipped',
  Failed: 'failed',
} as const;
export type ResultAction = (typeof ResultAction)[keyof typeof ResultAction];

/** What happened (or, previewed, would happen) to one object. */
export interface ResourceResult {
  ref: ObjectId;
  action: ResultAction;
  message: string;
  wave: number;
  /** Set for hook objects. */
  hook?: HookType;
  /** Live → desired, for created/configured/pruned (Secret values masked). */
  diff?: ObjectDiff;
  health?: Health;
  /**
   * The object as the write returned it (created/configured): the app's health reads it when the
   * informers do not hold the object yet, so a first sync need not wait for a second pass.
   */
  live?: KubeObject;
}

export const SyncPhase = { Succeeded: 'Succeeded', Failed: 'Failed' } as const;
export type SyncPhase = (typeof SyncPhase)[keyof typeof SyncPhase];

export interface ChangeSet {
  phase: SyncPhase;
  message: string;
  resources: ResourceResult[];
  /** True when anything was (or, previewed, would be) written. */
  changed: boolean;
  warnings: string[];
  /** The inventory after this execution (hooks never enter it). */
  inventory: ObjectId[];
}

/** `sync()`'s result: the change set. */
export type SyncResult = ChangeSet;
