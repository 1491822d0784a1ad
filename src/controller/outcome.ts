/**
 * What the queue does after a pass, decided in one place. A pass ends in one PassOutcome; its
 * retry class (from the error's class when a step failed) maps to the queue's next step:
 *
 * - `terminal` (bad input in Git or the spec): surface it, no hot loop; come back at the Git
 *   poll interval, when a new commit may have fixed it.
 * - `transient` (network, API 5xx, conflicts): thrown to the queue, which backs off per key.
 * - `waiting` (a dependency not ready; resources progressing; a retry's backoff): come back
 *   after the given delay, without counting a failure.
 */
import { isTrueupError, RetryClass } from '../api/errors.js';
import type { WorkResult } from '../runtime/queue.js';

export type PassOutcome =
  /** Nothing pending: the next pass comes with the Git poll (or an event). */
  | { kind: 'done' }
  /** Come back after `afterMs` (progressing resources, a sync retry's backoff). */
  | { kind: 'waiting'; afterMs: number }
  /** Nothing to do until the object changes (deleted, or an invalid spec). */
  | { kind: 'idle' }
  /** A step failed: what happens next follows the error's retry class. */
  | { kind: 'failed'; error: unknown; retry: RetryClass };

/** The retry class of anything thrown: ours carry one; anything else is treated as transient. */
export function retryClassOf(err: unknown): RetryClass {
  return isTrueupError(err) ? err.retry : RetryClass.Transient;
}

export function failed(err: unknown): PassOutcome {
  return { kind: 'failed', error: err, retry: retryClassOf(err) };
}

/**
 * The one mapping from an outcome to the queue's next step. Throws for transient failures so
 * the queue's per-key backoff applies; `waitingMs` is the delay for a `waiting` error.
 */
export function toWorkResult(o: PassOutcome, waitingMs: number): WorkResult {
  switch (o.kind) {
    case 'done':
      return {};
    case 'waiting':
      return { requeueAfter: o.afterMs };
    case 'idle':
      return { requeueAfter: null };
    case 'failed':
      switch (o.retry) {
        case RetryClass.Terminal:
          return {};
        case RetryClass.Waiting:
          return { requeueAfter: waitingMs };
        case RetryClass.Transient:
          throw o.error;
      }
  }
}
