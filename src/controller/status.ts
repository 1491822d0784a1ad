/**
 * Pure helpers for the Application status: kstatus-style conditions (Ready, Reconciling,
 * Stalled) that keep their transition time while unchanged, health roll-up, history, the retry
 * policy's delays, and the "did anything change" test that keeps idle reconciles write-free.
 */
import type { ApplicationStatus } from '../api/application.js';
import type { HistoryEntry, ResourceStatus } from '../api/application-status.js';
import { goDurationMs } from '../api/duration.js';
import {
  type Condition,
  ConditionType,
  type HealthStatusCode,
  type SyncStatusCode,
} from '../api/status-common.js';
import type { RetryPolicy } from '../api/sync-policy.js';

export interface ConditionInput {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** Sets the three kstatus conditions; lastTransitionTime changes only when status flips. */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  next: readonly ConditionInput[],
  generation: number | undefined,
  now: string,
): Condition[] {
  const out: Condition[] = [];
  for (const c of next) {
    const old = previous?.find((p) => p.type === c.type);
    const cond: Condition = {
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransitionTime:
        old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now,
    };
    if (generation !== undefined) cond.observedGeneration = generation;
    out.push(cond);
  }
  // Conditions of other writers are kept.
  for (const p of previous ?? []) {
    if (!next.some((c) => c.type === p.type)) out.push(p);
  }
  return out;
}

export interface Verdict {
  ready: boolean;
  reconciling: boolean;
  stalled: boolean;
  reason: string;
  message: string;
}

export function conditionsOf(v: Verdict): ConditionInput[] {
  return [
    {
      type: ConditionType.Ready,
      status: v.ready ? 'True' : 'False',
      reason: v.reason,
      message: v.message,
    },
    {
      type: ConditionType.Reconciling,
      status: v.reconciling ? 'True' : 'False',
      reason: v.reconciling ? v.reason : 'Idle',
      message: v.reconciling ? v.message : '',
    },
    {
      type: ConditionType.Stalled,
      status: v.stalled ? 'True' : 'False',
      reason: v.stalled ? v.reason : 'NotStalled',
      message: v.stalled ? v.message : '',
    },
  ];
}

/** Argo CD's order, best to worst. */
const HEALTH_ORDER: readonly HealthStatusCode[] = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
];

export function worstHealth(list: readonly HealthStatusCode[]): HealthStatusCode {
  let worst: HealthStatusCode = 'Healthy';
  for (const h of list) if (HEALTH_ORDER.indexOf(h) > HEALTH_ORDER.indexOf(worst)) worst = h;
  return worst;
}

/** Appends a history entry (ids increase) and keeps the last `limit` (default 10). */
export function appendHistory(
  history: readonly HistoryEntry[] | undefined,
  entry: Omit<HistoryEntry, 'id'>,
  limit = 10,
): HistoryEntry[] {
  const list = [...(history ?? [])];
  const id = list.reduce((max, h) => Math.max(max, h.id), -1) + 1;
  list.push({ id, ...entry });
  return limit <= 0 ? [] : list.slice(-limit);
}

/** Delay before retry `attempt` (1-based) of a failed sync; undefined once the limit is reached. */
export function retryDelay(policy: RetryPolicy | undefined, attempt: number): number | undefined {
  const limit = policy?.limit ?? (policy ? -1 : 5);
  if (limit >= 0 && attempt > limit) return undefined;
  // The schema admits only Go durations (`1m30s` too), so these parse.
  const base = goDurationMs(policy?.backoff?.duration ?? '5s') ?? 5000;
  const factor = policy?.backoff?.factor ?? 2;
  const max = goDurationMs(policy?.backoff?.maxDuration ?? '3m') ?? 180_000;
  return Math.min(max, base * factor ** Math.min(attempt - 1, 40));
}

/** Deep equality of JSON values, key order ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual(ao[k], bo[k]));
}

/** Whether a status write is needed: anything but reconciledAt differs. */
export function statusChanged(previous: ApplicationStatus | undefined, next: ApplicationStatus): boolean {
  const strip = (s: ApplicationStatus | undefined) => {
    if (!s) return {};
    const { reconciledAt: _r, ...rest } = s;
    return rest;
  };
  return !jsonEqual(strip(previous), strip(next));
}

/** The verdict of a pass that did not stop earlier: from sync status and health. */
export function readyVerdict(i: {
  syncStatus: SyncStatusCode;
  resources: readonly ResourceStatus[];
  health: HealthStatusCode;
  healthMessage: string | undefined;
  display: string;
  automated: boolean;
}): Verdict {
  const { display, health } = i;
  if (i.syncStatus === 'OutOfSync') {
    const n = i.resources.filter((r) => r.status === 'OutOfSync').length;
    const pruning = i.resources.filter((r) => r.requiresPruning).length;
    const why = i.automated ? 'self-heal is off' : 'automated sync is off';
    return {
      ready: false,
      reconciling: false,
      stalled: false,
      reason: 'OutOfSync',
      message:
        pruning === n && pruning > 0
          ? `${n} resource(s) no longer in ${display} require pruning`
          : `${n} resource(s) differ from ${display} (${why})`,
    };
  }
  if (health === 'Progressing' || health === 'Missing')
    return {
      ready: false,
      reconciling: true,
      stalled: false,
      reason: 'Progressing',
      message: `synced to ${display}; waiting for ${i.healthMessage ?? 'resources to become healthy'}`,
    };
  if (health === 'Degraded' || health === 'Unknown')
    return {
      ready: false,
      reconciling: false,
      stalled: false,
      reason: health,
      message: `synced to ${display}; ${health}: ${i.healthMessage ?? ''}`.trim(),
    };
  return {
    ready: true,
    reconciling: false,
    stalled: false,
    reason: 'Synced',
    message: `synced to ${display}; ${health}`,
  };
}
