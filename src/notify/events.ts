/**
 * The notification events of one reconcile pass, read from what the pass already computed: the
 * status before it, the status it wrote, and what it did (PassInfo). Pure: the reconciler hands
 * these to the delivery queue and moves on.
 */
import type { ApplicationStatus } from '../api/application.js';
import type { NotificationEvent } from '../api/notification.js';

/** A rule-selectable event, or the internal start of a sync (commit status `pending`). */
export type AppEventName = NotificationEvent | 'SyncStarted';

export interface AppEvent {
  event: AppEventName;
  /** The Git revision it is about. */
  revision: string;
  /** What identifies this occurrence for dedupe (the revision; revision@time for repeatable ones). */
  key: string;
  /** One line saying what happened (no secrets: built from status only). */
  detail: string;
  /** The app is Synced and Healthy at `revision` after the pass (commit status `success`). */
  syncedAndHealthy: boolean;
}

/** What the pass did, as the reconciler's PassInfo tells it. */
export interface PassFacts {
  /** The revision the pass worked on (status.sync.revision lags it when planning failed). */
  revision?: string;
  syncPhase?: 'Running' | 'Succeeded' | 'Failed';
  driftCorrected?: number;
}

const readyReason = (s: ApplicationStatus | undefined) =>
  s?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');

const FAILURE_REASONS = new Set(['RenderFailed', 'SyncFailed', 'SyncError']);

/** Events of the pass that turned `before` into `after`. */
export function eventsOf(
  before: ApplicationStatus | undefined,
  after: ApplicationStatus,
  pass: PassFacts,
): AppEvent[] {
  const revision = pass.revision ?? after.sync?.revision;
  if (!revision) return [];
  const health = after.health?.status;
  const syncedAndHealthy =
    after.sync?.status === 'Synced' &&
    health === 'Healthy' &&
    after.sync.revision === revision &&
    after.sync.syncedRevision === revision;
  const out: AppEvent[] = [];
  const add = (event: AppEventName, detail: string, key = revision) =>
    out.push({ event, revision, key, detail, syncedAndHealthy });
  const op = after.operationState;

  if (pass.syncPhase === 'Succeeded' && op?.phase === 'Succeeded') {
    add('SyncSucceeded', op.message ?? 'synced');
  }
  const failedNow = readyReason(after);
  const failedBefore = readyReason(before);
  if (
    failedNow &&
    FAILURE_REASONS.has(failedNow.reason ?? '') &&
    (pass.syncPhase === 'Running' ||
      pass.syncPhase === 'Failed' ||
      failedBefore?.message !== failedNow.message ||
      (before?.sync?.revision ?? revision) !== revision)
  ) {
    add('SyncFailed', failedNow.message ?? failedNow.reason ?? 'sync failed');
  }
  if (after.sync?.status === 'OutOfSync' && before?.sync?.status !== 'OutOfSync')
    add('OutOfSync', `out of sync with ${short(revision)}`);
  if (health === 'Degraded' && before?.health?.status !== 'Degraded')
    add('Degraded', after.health?.message ?? 'health degraded');
  if (health === 'Healthy' && before?.health?.status !== 'Healthy') add('Healthy', 'healthy');
  if ((pass.driftCorrected ?? 0) > 0)
    add(
      'DriftCorrected',
      `re-applied ${pass.driftCorrected} drifted object(s)`,
      `${revision}@${op?.finishedAt ?? ''}`,
    );
  const blocked = (s: ApplicationStatus | undefined) =>
    (s?.resources ?? []).filter((r) => r.requiresPruning).length;
  const nowBlocked = blocked(after);
  if (nowBlocked > 0 && blocked(before) === 0)
    add('PruneBlocked', `${nowBlocked} object(s) left Git and wait to be pruned`);
  return out;
}

/** The event of a sync about to run (commit status `pending`). */
export function syncStarted(revision: string): AppEvent {
  return { event: 'SyncStarted', revision, key: revision, detail: 'sync started', syncedAndHealthy: false };
}

export const short = (revision: string) =>
  /^[0-9a-f]{40,64}$/.test(revision) ? revision.slice(0, 7) : revision;
