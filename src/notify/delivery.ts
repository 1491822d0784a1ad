/**
 * The notification delivery queue: its own lanes, one per provider, so a slow or failing
 * provider never holds a reconcile or another provider. Each lane sends one job at a time, in
 * order (a commit's `pending` before its `success`), at most `ratePerMinute` per minute (a token
 * bucket holding 10 seconds' worth), retries transient failures with exponential back-off (5xx,
 * network) or after the provider's Retry-After (429), and drops a job it could not deliver within
 * `maxAgeMs`. A failing provider pauses its whole lane: its next jobs would meet the same answer.
 */
import { errorMessage, isTrueupError, RetryClass } from '../api/errors.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { NotifyError } from './errors.js';

export type DeliveryResult = 'sent' | 'duplicate' | 'retried' | 'failed' | 'dropped';

export interface DeliveryJob {
  /** namespace/name of the provider: the lane, and the metric's `provider` label. */
  provider: string;
  /** The provider's type: the metric's `type` label. */
  type: string;
  /** What the job is about, for logs (never a URL or token). */
  describe: string;
  /** Does the I/O; throws (a NotifyError) on failure. */
  send: () => Promise<'sent' | 'duplicate'>;
  /** Called once when the job ends: delivered (sent or duplicate), failed (terminal) or dropped. */
  done?: (result: 'sent' | 'duplicate' | 'failed' | 'dropped', reason?: string) => void;
}

export interface DeliveryOptions {
  clock: Clock;
  /** Deliveries per minute a provider gets (its spec.rateLimit; default 60). */
  ratePerMinute: (provider: string) => number;
  /** A job not delivered this long after it was queued is dropped (default 10 minutes). */
  maxAgeMs?: number;
  /** First retry delay, doubled per attempt up to maxBackoffMs (defaults 1 s, 1 min). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Counts each outcome (trueup_notifications_total). */
  count?: (provider: string, type: string, result: DeliveryResult) => void;
  log?: { warn(obj: object, msg: string): void };
}

interface Queued {
  job: DeliveryJob;
  queuedAt: number;
  attempts: number;
}

interface Lane {
  jobs: Queued[];
  running: boolean;
  tokens: number;
  refilledAt: number;
  /** No send before this time (a 429's Retry-After, a back-off). */
  pausedUntil: number;
}

export class DeliveryQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly timers = new Set<TimerHandle>();
  private stopped = false;
  private readonly maxAgeMs: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly o: DeliveryOptions) {
    this.maxAgeMs = o.maxAgeMs ?? 10 * 60_000;
    this.baseBackoffMs = o.baseBackoffMs ?? 1000;
    this.maxBackoffMs = o.maxBackoffMs ?? 60_000;
  }

  /** Queues a job and returns at once. */
  add(job: DeliveryJob): void {
    if (this.stopped) return;
    let lane = this.lanes.get(job.provider);
    if (!lane) {
      const capacity = this.capacity(job.provider);
      lane = { jobs: [], running: false, tokens: capacity, refilledAt: this.o.clock.now(), pausedUntil: 0 };
      this.lanes.set(job.provider, lane);
    }
    lane.jobs.push({ job, queuedAt: this.o.clock.now(), attempts: 0 });
    if (!lane.running) void this.pump(job.provider, lane);
  }

  /** Jobs waiting or in flight. */
  get pending(): number {
    let n = 0;
    for (const l of this.lanes.values()) n += l.jobs.length;
    return n;
  }

  /** Resolves once no job waits or runs (tests and benchmarks). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Drops what waits and sends nothing more. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    for (const l of this.lanes.values()) l.jobs.length = 0;
    this.notifyIdle();
  }

  private capacity(provider: string): number {
    return Math.max(1, Math.floor(this.o.ratePerMinute(provider) / 6));
  }

  private async pump(provider: string, lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (!this.stopped && lane.jobs.length > 0) {
        const head = lane.jobs[0] as Queued;
        const now = this.o.clock.now();
        const wait = Math.max(lane.pausedUntil - now, this.tokenWait(provider, lane, now));
        if (wait > 0) {
          if (now + wait - head.queuedAt > this.maxAgeMs) {
            this.finish(lane, head, 'dropped', `not delivered within ${Math.round(this.maxAgeMs / 1000)}s`);
            continue;
          }
          await this.sleep(wait);
          continue;
        }
        lane.tokens -= 1;
        head.attempts += 1;
        try {
          const result = await head.job.send();
          this.finish(lane, head, result);
        } catch (err) {
          this.failed(lane, head, err);
        }
      }
    } finally {
      lane.running = false;
      if (lane.jobs.length === 0) this.lanes.delete(provider);
      this.notifyIdle();
    }
  }

  private failed(lane: Lane, head: Queued, err: unknown): void {
    const reason = errorMessage(err);
    const transient = isTrueupError(err) ? err.retry === RetryClass.Transient : false;
    if (!transient) {
      this.finish(lane, head, 'failed', reason);
      return;
    }
    const asked = err instanceof NotifyError ? err.retryAfterMs : undefined;
    const backoff = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (head.attempts - 1));
    const delay = asked ?? backoff;
    const now = this.o.clock.now();
    if (now + delay - head.queuedAt > this.maxAgeMs) {
      this.finish(
        lane,
        head,
        'dropped',
        `${reason}; not delivered within ${Math.round(this.maxAgeMs / 1000)}s`,
      );
      return;
    }
    this.o.count?.(head.job.provider, head.job.type, 'retried');
    this.o.log?.warn(
      {
        provider: head.job.provider,
        notification: head.job.describe,
        attempt: head.attempts,
        retryInMs: delay,
        err: reason,
      },
      'notification not delivered; retrying',
    );
    lane.pausedUntil = now + delay;
  }

  private finish(
    lane: Lane,
    head: Queued,
    result: 'sent' | 'duplicate' | 'failed' | 'dropped',
    reason?: string,
  ): void {
    lane.jobs.shift();
    this.o.count?.(head.job.provider, head.job.type, result);
    if (result === 'failed' || result === 'dropped')
      this.o.log?.warn(
        { provider: head.job.provider, notification: head.job.describe, err: reason },
        `notification ${result}`,
      );
    try {
      head.job.done?.(result, reason);
    } catch (err) {
      this.o.log?.warn(
        { provider: head.job.provider, err: errorMessage(err) },
        'notification callback failed',
      );
    }
  }

  /** ms until the lane has a token (refilling it first). */
  private tokenWait(provider: string, lane: Lane, now: number): number {
    const perMs = this.o.ratePerMinute(provider) / 60_000;
    const capacity = this.capacity(provider);
    lane.tokens = Math.min(capacity, lane.tokens + (now - lane.refilledAt) * perMs);
    lane.refilledAt = now;
    return lane.tokens >= 1 ? 0 : Math.ceil((1 - lane.tokens) / perMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = this.o.clock.setTimer(ms, () => {
        this.timers.delete(t);
        resolve();
      });
      this.timers.add(t);
    });
  }

  private notifyIdle(): void {
    if (this.pending > 0) return;
    for (const r of this.idleWaiters.splice(0)) r();
  }
}
