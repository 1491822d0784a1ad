/**
 * Whether this pass syncs, as a pure function of the plan's verdict and what the Application
 * records. The retry bookkeeping lives on the Application's status (operationState: phase,
 * retryCount, syncResult.revision, finishedAt), never only in memory: a restarted or newly
 * elected controller continues the same retry count and backoff.
 */
import type { ApplicationStatus } from '../api/application.js';
import type { RetryPolicy } from '../api/sync-policy.js';
import type { PassOutcome } from './outcome.js';
import { retryDelay, type Verdict } from './status.js';

/** Failed attempts of `revision` so far, from the status (0 after a success or another revision). */
export function failuresOf(status: ApplicationStatus, revision: string): number {
  const op = status.operationState;
  if (!op || op.syncResult?.revision !== revision) return 0;
  if (op.phase !== 'Running' && op.phase !== 'Failed') return 0;
  return (op.retryCount ?? 0) + 1;
}

export interface SyncInputs {
  /** A requested operation (`operation.sync`) that has not run yet. */
  requested: boolean;
  automated?: { selfHeal?: boolean | undefined; allowEmpty?: boolean | undefined } | undefined;
  /** Creates, updates and prunes the plan holds. */
  changes: number;
  /** The render has no objects. */
  emptyRender: boolean;
  revision: string;
  lastSynced: string | undefined;
  specChanged: boolean;
  refresh: boolean;
  /** Failed attempts of `revision` so far (failuresOf). */
  failures: number;
  retry: RetryPolicy | undefined;
  /** ms since the last attempt finished (Infinity when unknown). */
  sinceLastAttempt: number;
}

export type SyncDecision =
  | { kind: 'sync'; reason: 'requested' | 'automated' | 'self-heal' }
  /** Nothing to sync, or sync is manual / self-heal is off (drift is only reported). */
  | { kind: 'none' }
  /** An empty render with allowEmpty off: automated sync refuses to prune everything. */
  | { kind: 'empty' }
  /** The retry limit for this revision is reached: report the failed operation. */
  | { kind: 'exhausted' }
  /** The next retry is due in `afterMs`. */
  | { kind: 'backoff'; afterMs: number };

export function decideSync(i: SyncInputs): SyncDecision {
  if (i.requested) return { kind: 'sync', reason: 'requested' };
  if (!i.automated || i.changes === 0) return { kind: 'none' };
  if (i.emptyRender && !i.automated.allowEmpty) return { kind: 'empty' };
  const fresh = i.specChanged || i.refresh;
  if (i.failures > 0 && !fresh) {
    const delay = retryDelay(i.retry, i.failures);
    if (delay === undefined) return { kind: 'exhausted' };
    if (i.sinceLastAttempt < delay) return { kind: 'backoff', afterMs: delay - i.sinceLastAttempt };
  }
  if (i.automated.selfHeal || i.lastSynced !== i.revision || fresh)
    return { kind: 'sync', reason: i.lastSynced === i.revision ? 'self-heal' : 'automated' };
  return { kind: 'none' };
}

/** The verdict (and, for a backoff, the wait) of a pass that did not sync; none for `none`. */
export function decisionVerdict(
  decision: SyncDecision,
  at: { path: string; display: string; operationMessage: string | undefined },
): { verdict?: Verdict; outcome?: PassOutcome } {
  const failed = (reconciling: boolean, fallback: string): Verdict => ({
    ready: false,
    reconciling,
    stalled: !reconciling,
    reason: 'SyncFailed',
    message: at.operationMessage ?? fallback,
  });
  switch (decision.kind) {
    case 'empty':
      return {
        verdict: {
          ready: false,
          reconciling: false,
          stalled: true,
          reason: 'EmptyRender',
          message: `${at.path} at ${at.display} rendered no objects; automated sync refuses to prune everything (allowEmpty is false)`,
        },
      };
    case 'backoff':
      return {
        verdict: failed(true, 'sync failed; retrying'),
        outcome: { kind: 'waiting', afterMs: decision.afterMs },
      };
    case 'exhausted':
      return { verdict: failed(false, 'sync failed') };
    default:
      return {};
  }
}
