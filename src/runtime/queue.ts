/**
 * A keyed work queue as controllers need it: a key waiting is queued once however often it is
 * added; a key is never worked on twice at once (an add while it runs re-queues it after);
 * at most `concurrency` keys run together; a failing key backs off exponentially (per key);
 * a key that succeeds comes back after a jittered interval (the Git poll), unless the worker
 * says otherwise.
 */
import type { Clock, TimerHandle } from './clock.js';

/** What the worker asks for after a successful run. */
export interface WorkResult {
  /** Run again after this many ms; `undefined` means the default jittered interval; `null` never. */
  requeueAfter?: number | null;
}

export type Worker = (key: string) => Promise<WorkResult | undefined>;

export interface QueueObserver {
  /** A key started; `waitMs` since it was first queued. */
  started?(key: string, waitMs: number): void;
  finished?(key: string, workMs: number, error: unknown): void;
  depth?(depth: number): void;
}

export interface WorkQueueOptions {
  worker: Worker;
  clock: Clock;
  /** Uniform in [0, 1): injected so tests are deterministic. */
  random: () => number;
  concurrency: number;
  /** The periodic requeue interval (ms). */
  resyncInterval: number;
  /** Fraction of the interval taken off at random, so keys spread out (default 0.1). */
  jitter?: number;
  /** First failure delay (ms), doubled per consecutive failure up to `maxBackoff`. */
  baseBackoff?: number;
  maxBackoff?: number;
  observer?: QueueObserver;
}

export class WorkQueue {
  private readonly ready: string[] = [];
  private readonly queued = new Map<string, number>(); // key -> time first queued
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; handle: TimerHandle }>();
  private readonly failures = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private stopped = false;
  private started = false;
  private progressAt: number;

  constructor(private readonly o: WorkQueueOptions) {
    this.progressAt = o.clock.now();
  }

  start(): void {
    this.started = true;
    this.progressAt = this.o.clock.now();
    this.pump();
  }

  /**
   * The worker loop's heartbeat, for liveness: when a worker last started or finished a key (or
   * the queue started). Queued work waiting while this stands still means the workers are wedged.
   */
  get lastProgressAt(): number {
    return this.progressAt;
  }

  /** When the longest-waiting key not yet picked up by a worker was queued; undefined: none waits. */
  get oldestWaitingSince(): number | undefined {
    // `ready` is first in, first out: its head has waited longest.
    const head = this.ready[0];
    return head === undefined ? undefined : this.queued.get(head);
  }

  /** Queues the key now (deduplicated). */
  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.set(key, this.o.clock.now());
    this.ready.push(key);
    this.o.observer?.depth?.(this.ready.length);
    this.pump();
  }

  /** Queues the key after `ms`; an earlier pending schedule for the key wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.o.clock.now() + ms;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    existing?.handle.cancel();
    const handle = this.o.clock.setTimer(ms, () => {
      this.timers.delete(key);
      this.add(key);
    });
    this.timers.set(key, { at, handle });
  }

  /** Drops everything known about the key (deleted object). A running key finishes. */
  forget(key: string): void {
    this.timers.get(key)?.handle.cancel();
    this.timers.delete(key);
    this.failures.delete(key);
    this.dirty.delete(key);
    if (this.queued.delete(key)) {
      const i = this.ready.indexOf(key);
      if (i >= 0) this.ready.splice(i, 1);
    }
  }

  /** Consecutive failures of the key (0 after a success). */
  failureCount(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  get depth(): number {
    return this.ready.length;
  }

  get inFlight(): number {
    return this.running.size;
  }

  /** Resolves when nothing is queued or running (timers may still be pending). */
  whenIdle(): Promise<void> {
    if (this.ready.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work, cancels timers, and waits for running keys to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) t.handle.cancel();
    this.timers.clear();
    this.ready.length = 0;
    this.queued.clear();
    await this.whenIdle();
  }

  private pump(): void {
    while (this.started && !this.stopped && this.running.size < this.o.concurrency && this.ready.length > 0) {
      const key = this.ready.shift() as string;
      const since = this.queued.get(key) ?? this.o.clock.now();
      this.queued.delete(key);
      this.running.add(key);
      this.progressAt = this.o.clock.now();
      // The run's outcome schedules the next one; a pending schedule is moot.
      this.timers.get(key)?.handle.cancel();
      this.timers.delete(key);
      this.o.observer?.depth?.(this.ready.length);
      this.o.observer?.started?.(key, this.o.clock.now() - since);
      void this.run(key);
    }
    if (this.ready.length === 0 && this.running.size === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async run(key: string): Promise<void> {
    const start = this.o.clock.now();
    let result: WorkResult | undefined;
    let error: unknown;
    let failed = false;
    try {
      result = await this.o.worker(key);
    } catch (err) {
      failed = true;
      error = err;
    }
    this.running.delete(key);
    this.progressAt = this.o.clock.now();
    this.o.observer?.finished?.(key, this.o.clock.now() - start, failed ? error : undefined);
    if (!this.stopped) {
      if (failed) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        this.addAfter(key, this.backoff(n));
      } else {
        this.failures.delete(key);
        const after = result?.requeueAfter;
        if (after === undefined) this.addAfter(key, this.jittered());
        else if (after !== null) this.addAfter(key, after);
      }
      if (this.dirty.delete(key)) this.add(key);
    }
    this.pump();
  }

  /** base * 2^(n-1), capped, with up to 10% taken off at random. */
  private backoff(n: number): number {
    const base = this.o.baseBackoff ?? 1000;
    const max = this.o.maxBackoff ?? 300_000;
    const raw = Math.min(max, base * 2 ** Math.min(n - 1, 30));
    return Math.round(raw * (1 - 0.1 * this.o.random()));
  }

  private jittered(): number {
    const jitter = this.o.jitter ?? 0.1;
    return Math.round(this.o.resyncInterval * (1 - jitter * this.o.random()));
  }
}
