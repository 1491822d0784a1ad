/**
 * Sync options, app-wide (`spec.syncPolicy.syncOptions`) and per object (annotation
 * `trueup.dev/sync-options: Prune=false,Replace=true`); the object's own win.
 */

import { TrueupError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { PropagationPolicy } from '../kube/types.js';
import { ObjectAnnotation, readAnnotation } from './annotations.js';

export interface SyncOptions {
  createNamespace: boolean;
  /** The namespace created for the app (CreateNamespace) is deleted with the app. */
  deleteNamespace: boolean;
  /** False with `Prune=false`: never prune this object. */
  prune: boolean;
  /** `Prune=confirm`: pruned only once the app's deletion-approved annotation confirms it. */
  pruneConfirm: boolean;
  /** False with `Delete=false`: kept when the app is deleted. */
  delete: boolean;
  /** `Delete=confirm`: deleted with the app only once its deletion-approved annotation confirms it. */
  deleteConfirm: boolean;
  /** Ignored fields keep their live values when applying (trueup's default; Argo CD's opt-in). */
  respectIgnoreDifferences: boolean;
  /** A kind the server does not serve yet is planned as a create (no dry run) instead of refused. */
  skipDryRunOnMissingResource: boolean;
  pruneLast: boolean;
  replace: boolean;
  /** Delete and recreate when an apply fails on an immutable field. */
  force: boolean;
  serverSideApply: boolean;
  validate: boolean;
  applyOutOfSyncOnly: boolean;
  prunePropagationPolicy: PropagationPolicy;
  failOnSharedResource: boolean;
}

export const DEFAULT_SYNC_OPTIONS: Readonly<SyncOptions> = Object.freeze({
  createNamespace: false,
  deleteNamespace: false,
  prune: true,
  pruneConfirm: false,
  delete: true,
  deleteConfirm: false,
  respectIgnoreDifferences: true,
  skipDryRunOnMissingResource: false,
  pruneLast: false,
  replace: false,
  force: false,
  serverSideApply: true,
  validate: true,
  applyOutOfSyncOnly: true,
  prunePropagationPolicy: PropagationPolicy.Foreground,
  failOnSharedResource: false,
});

const BOOLEAN_OPTIONS: Record<string, keyof SyncOptions> = {
  CreateNamespace: 'createNamespace',
  DeleteNamespace: 'deleteNamespace',
  Prune: 'prune',
  Delete: 'delete',
  RespectIgnoreDifferences: 'respectIgnoreDifferences',
  SkipDryRunOnMissingResource: 'skipDryRunOnMissingResource',
  PruneLast: 'pruneLast',
  Replace: 'replace',
  Force: 'force',
  ServerSideApply: 'serverSideApply',
  Validate: 'validate',
  ApplyOutOfSyncOnly: 'applyOutOfSyncOnly',
  FailOnSharedResource: 'failOnSharedResource',
};

const POLICIES: Record<string, PropagationPolicy> = {
  foreground: PropagationPolicy.Foreground,
  background: PropagationPolicy.Background,
  orphan: PropagationPolicy.Orphan,
};

/** Parses `Name=value` entries over `base`; `where` names the source for errors. */
export function parseSyncOptions(
  entries: readonly string[],
  base: Readonly<SyncOptions>,
  where: string,
): SyncOptions {
  const out: SyncOptions = { ...base };
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq).trim();
    const value = eq < 0 ? '' : entry.slice(eq + 1).trim();
    if (name === 'PrunePropagationPolicy') {
      const policy = POLICIES[value.toLowerCase()];
      if (!policy)
        throw new TrueupError(
          'SyncOptionInvalid',
          `${where}: PrunePropagationPolicy=${value} is not foreground, background or orphan`,
        );
      out.prunePropagationPolicy = policy;
      continue;
    }
    if (name === 'Delete' && value === 'confirm') {
      out.delete = true;
      out.deleteConfirm = true;
      continue;
    }
    if (name === 'Prune' && value === 'confirm') {
      out.prune = true;
      out.pruneConfirm = true;
      continue;
    }
    if (name === 'ServerSideApply' && value === 'false')
      throw new TrueupError(
        'SyncOptionInvalid',
        `${where}: ServerSideApply=false is not supported: trueup always applies with server-side apply`,
      );
    if (name === 'ApplyOutOfSyncOnly' && value === 'false')
      throw new TrueupError(
        'SyncOptionInvalid',
        `${where}: ApplyOutOfSyncOnly=false is not supported: trueup only ever applies the objects that differ`,
      );
    const key = BOOLEAN_OPTIONS[name];
    if (!key) throw new TrueupError('SyncOptionInvalid', `${where}: unknown sync option ${name}`);
    if (value !== 'true' && value !== 'false') {
      throw new TrueupError(
        'SyncOptionInvalid',
        `${where}: sync option ${name} must be true or false, not ${value || '(empty)'}`,
      );
    }
    (out as unknown as Record<string, boolean>)[key] = value === 'true';
    if (key === 'prune') out.pruneConfirm = false;
    if (key === 'delete') out.deleteConfirm = false;
  }
  return out;
}

export function objectSyncOptions(obj: KubeObject, app: Readonly<SyncOptions>, where: string): SyncOptions {
  const found = readAnnotation(obj, ObjectAnnotation.SyncOptions);
  return found?.value ? parseSyncOptions(found.value.split(','), app, `${where} (${found.key})`) : { ...app };
}
