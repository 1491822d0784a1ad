import type { Condition } from '../api/status-common.js';
/**
 * The conditions of the image resources, kstatus style as Flux sets them: Ready always;
 * Reconciling=True while a failure is retried with back-off (the controller is still working
 * on it); Stalled=True when the error is terminal (an invalid spec or policy, credentials
 * refused, a bad template) and only a change of the object or its inputs will help. Each with a
 * stable transition time. Pure.
 */

/** What one reconcile of an image object came to (or, `progressing`, that it has begun). */
export interface Outcome {
  ready: boolean;
  /** A reconcile of a new generation has begun: Ready=Unknown and Reconciling=True (Progressing). */
  progressing?: boolean;
  reason: string;
  message: string;
  /** Only when not ready: terminal (Stalled) or retried with back-off (Reconciling). */
  terminal?: boolean;
}

export const REASON_PROGRESSING_WITH_RETRY = 'ProgressingWithRetry';
export const REASON_PROGRESSING = 'Progressing';

/** Ready, plus Reconciling or Stalled for a failure; other condition types are kept as they are. */
export function imageConditions(
  previous: readonly Condition[] | undefined,
  outcome: Outcome,
  generation: number | undefined,
  now: string,
): Condition[] {
  const withReady = readyCondition(
    previous,
    outcome.progressing ? 'Unknown' : outcome.ready,
    outcome.reason,
    outcome.message,
    generation,
    now,
  ).filter((c) => c.type !== 'Reconciling' && c.type !== 'Stalled');
  if (outcome.ready && !outcome.progressing) return withReady;
  const extra = outcome.progressing
    ? { type: 'Reconciling', reason: REASON_PROGRESSING, message: outcome.message }
    : outcome.terminal
      ? { type: 'Stalled', reason: outcome.reason, message: outcome.message }
      : { type: 'Reconciling', reason: REASON_PROGRESSING_WITH_RETRY, message: outcome.message };
  const old = previous?.find((c) => c.type === extra.type && c.status === 'True');
  return [
    ...withReady,
    {
      ...extra,
      status: 'True',
      lastTransitionTime: old?.lastTransitionTime ?? now,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
    },
  ];
}

export function readyCondition(
  previous: readonly Condition[] | undefined,
  ready: boolean | 'Unknown',
  reason: string,
  message: string,
  generation: number | undefined,
  now: string,
): Condition[] {
  const old = previous?.find((c) => c.type === 'Ready');
  const status = ready === 'Unknown' ? 'Unknown' : ready ? 'True' : 'False';
  const lastTransitionTime = old && old.status === status ? (old.lastTransitionTime ?? now) : now;
  const others = (previous ?? []).filter((c) => c.type !== 'Ready');
  return [
    ...others,
    {
      type: 'Ready',
      status,
      reason,
      message,
      lastTransitionTime,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
    },
  ];
}
