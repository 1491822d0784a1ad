/**
 * What /healthz answers, as a pure function of the controller's heartbeats and the time.
 *
 * Liveness asks "would restarting this process help?", so it fails only for a wedged
 * controller, never for an idle one or for trouble outside it (an unreachable API server keeps
 * the watch loops retrying, and retrying is a heartbeat):
 *
 * - the work queue: keys wait for a worker and no worker has started or finished a key for
 *   `stallTimeoutMs` since they were queued (all workers hung). An empty queue is live however
 *   long ago the last key ran.
 * - each loop (an informer's list/watch, the leader election campaign): it shows progress (a
 *   list, a watch opened or ended, an event or bookmark, a retry, a lease round) at least every
 *   `boundMs`. A watch ends within its server-side timeout, so one silent for longer sits on a
 *   dead connection.
 */
export interface QueueHeartbeat {
  /** Keys waiting for a worker. */
  waiting: number;
  /** When the longest-waiting key was queued. */
  oldestWaitingSince?: number | undefined;
  /** When a worker last started or finished a key. */
  lastProgressAt: number;
}

export interface LoopHeartbeat {
  /** What the loop is, for the message: `watch of ConfigMap`. */
  what: string;
  /** When it last showed progress. */
  at: number;
  /** How long it may stay silent. */
  boundMs: number;
}

export interface LivenessState {
  now: number;
  /** Absent when this replica runs no controller (a standby). */
  queue?: QueueHeartbeat;
  stallTimeoutMs: number;
  loops: readonly LoopHeartbeat[];
}

export interface Liveness {
  live: boolean;
  reasons: string[];
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

export function liveness(state: LivenessState): Liveness {
  const reasons: string[] = [];
  const q = state.queue;
  if (q && q.waiting > 0) {
    const since = Math.max(q.lastProgressAt, q.oldestWaitingSince ?? q.lastProgressAt);
    const stalled = state.now - since;
    if (stalled > state.stallTimeoutMs) {
      reasons.push(
        `work queue stalled: ${q.waiting} key(s) waiting and no worker started or finished one for ${seconds(stalled)} (limit ${seconds(state.stallTimeoutMs)})`,
      );
    }
  }
  for (const loop of state.loops) {
    const silent = state.now - loop.at;
    if (silent > loop.boundMs) {
      reasons.push(`${loop.what}: no progress for ${seconds(silent)} (limit ${seconds(loop.boundMs)})`);
    }
  }
  return { live: reasons.length === 0, reasons };
}
