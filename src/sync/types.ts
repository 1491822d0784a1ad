/** The sync engine's input and result shapes. */
import type { KubeObject, ObjectRef } from '../api/object.js';
import type { IgnoreRule } from '../diff/ignore.js';
import type { ObjectDiff } from '../diff/text.js';
import type { Health } from '../health/types.js';
import type { ClusterClient } from '../kube/types.js';
import type { VerdictCache } from './cache.js';
import type { Inventory } from './inventory.js';
import type { HookType } from './order.js';

export const FIELD_MANAGER = 'trueup';

export interface AppIdentity {
  namespace: string;
  name: string;
}

export interface SyncRequest {
  app: AppIdentity;
  /** Namespace for namespaced objects that name none. */
  destinationNamespace: string;
  /** The rendered objects (hooks included). */
  objects: readonly KubeObject[];
  /** App-wide sync options (`Name=value`). */
  syncOptions?: readonly string[];
  ignoreDifferences?: readonly IgnoreRule[];
  /** Delete what left Git (inventory − desired). */
  prune?: boolean;
  /** Allow an empty render to prune everything; without it an empty render changes nothing. */
  allowEmpty?: boolean;
  /** Plan only: dry-runs, no writes. */
  dryRun?: boolean;
}

export interface SyncDeps {
  client: ClusterClient;
  inventory: Inventory;
  /** Keep one per app across syncs so unchanged objects cost no dry-run. */
  cache?: VerdictCache;
  /** How long a wave, hook or CRD may take to become healthy/established. Default 5 min. */
  healthTimeoutMs?: number;
  /** Poll interval while waiting. Default 500 ms. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Parallel requests. Default 16. */
  concurrency?: number;
  /** Warnings (shared resources, refused empty render); default: dropped. */
  warn?: (message: string) => void;
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

export interface ResourceResult {
  ref: ObjectRef;
  apiVersion: string;
  action: ResultAction;
  message: string;
  wave: number;
  /** Set for hook objects. */
  hook?: HookType;
  /** Live → desired, for created/configured/pruned (Secret values masked). */
  diff?: ObjectDiff;
  health?: Health;
}

export const SyncPhase = { Succeeded: 'Succeeded', Failed: 'Failed' } as const;
export type SyncPhase = (typeof SyncPhase)[keyof typeof SyncPhase];

export interface SyncResult {
  phase: SyncPhase;
  message: string;
  resources: ResourceResult[];
  /** True when anything was (or, in a dry run, would be) written. */
  changed: boolean;
  warnings: string[];
}
