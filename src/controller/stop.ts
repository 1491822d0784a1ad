/** How a reconciler pass ends early or late: thrown from any step, caught once by the pass. */
import { failed, type PassOutcome } from './outcome.js';
import type { Verdict } from './status.js';

/** How a pass ends: the Ready/Reconciling/Stalled verdict and what the queue does next. */
export class Stop {
  constructor(
    readonly verdict: Verdict,
    readonly outcome: PassOutcome,
  ) {}
}

export const stalledOrRetrying = (reason: string, message: string, err: unknown): Stop => {
  const outcome = failed(err);
  const terminal = outcome.kind === 'failed' && outcome.retry === 'terminal';
  return new Stop({ ready: false, reconciling: !terminal, stalled: terminal, reason, message }, outcome);
};
