/**
 * The small interfaces the reconciler works against. Adapters (src/controller/adapters/) bind
 * them to src/source, src/render, src/sync and src/health; tests bind them to tables.
 */
import type {
  Application,
  ApplicationStatus,
  HealthStatusCode,
  IgnoreDifference,
  KustomizeOverrides,
  SyncStatusCode,
} from '../api/application.js';
import type { KubeObject, ObjectRef } from '../api/object.js';
import type { FileTree } from '../render/file-tree.js';

export interface ResolvedRevision {
  /** The commit SHA. */
  revision: string;
  /** What status shows, e.g. `main@sha1:0123abc…` (falls back to the SHA). */
  display?: string;
}

export interface SourcePort {
  /** Resolves a ref to a commit; `force` skips any cached answer. */
  resolve(repoURL: string, targetRevision: string, opts: { force: boolean }): Promise<ResolvedRevision>;
  /** The file tree of a resolved commit. */
  tree(repoURL: string, revision: string): Promise<FileTree>;
  /** Drops cached state of a repository (hard refresh). */
  invalidate?(repoURL: string): void;
}

export interface RenderPort {
  render(tree: FileTree, path: string, overrides: KustomizeOverrides | undefined): Promise<KubeObject[]>;
}

/** The Application a sync acts for. */
export interface SyncTarget {
  appNamespace: string;
  appName: string;
  /** Namespace for namespaced objects that name none. */
  destinationNamespace?: string;
  syncOptions: readonly string[];
  ignoreDifferences: readonly IgnoreDifference[];
  /** Objects applied by earlier syncs (status.resources plus tracked live objects). */
  inventory: readonly InventoryRef[];
}

export interface InventoryRef extends ObjectRef {
  version: string;
}

export interface PlannedResource {
  ref: InventoryRef;
  status: SyncStatusCode;
  /** The live object when it exists. */
  live?: KubeObject;
  /** In the previous inventory but no longer desired. */
  requiresPruning?: boolean;
  /** Human diff text (secrets masked) when out of sync. */
  diff?: string;
  message?: string;
}

export interface Plan {
  resources: PlannedResource[];
}

export const ResultKind = {
  Created: 'created',
  Configured: 'configured',
  Unchanged: 'unchanged',
  Pruned: 'pruned',
  Skipped: 'skipped',
  Failed: 'failed',
} as const;
export type ResultKind = (typeof ResultKind)[keyof typeof ResultKind];

export interface ResourceResult {
  ref: InventoryRef;
  result: ResultKind;
  message?: string;
  /** The object as the server holds it after the sync (absent once pruned). */
  live?: KubeObject;
}

export interface SyncOutcome {
  resources: ResourceResult[];
}

export interface SyncPort {
  plan(target: SyncTarget, desired: readonly KubeObject[]): Promise<Plan>;
  /** Applies the desired objects; prunes the plan's `requiresPruning` objects when `prune`. */
  apply(
    target: SyncTarget,
    desired: readonly KubeObject[],
    plan: Plan,
    opts: { prune: boolean; dryRun: boolean },
  ): Promise<SyncOutcome>;
  /** Deletes every inventory object in reverse apply order; returns how many remain. */
  deleteAll(target: SyncTarget): Promise<{ remaining: number }>;
}

export interface HealthPort {
  assess(live: KubeObject): { status: HealthStatusCode; message?: string };
}

export type EventType = 'Normal' | 'Warning';

/** Writes to the Application itself. */
export interface AppWriter {
  /** Writes `status` (the previous one is `app.status`; fields gone from it are removed). */
  patchStatus(app: Application, status: ApplicationStatus): Promise<void>;
  /** Removes our finalizer, the `operation` field and/or the refresh annotation. */
  patchApp(
    namespace: string,
    name: string,
    change: { removeFinalizer?: boolean; clearOperation?: boolean; removeRefresh?: boolean },
  ): Promise<void>;
  event(app: KubeObject, type: EventType, reason: string, message: string): Promise<void>;
}
