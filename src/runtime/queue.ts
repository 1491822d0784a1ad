/**
 * A keyed work queue as controllers need it: a key waiting is queued once however often it is
 * added; a key is never worked on twice at once (an add while it runs re-queues it after);
 * at most `concurrency` keys run together; a failing key backs off exponentially (per key);
 * a key that succeeds comes back after a jittered interval (the Git poll), unless the worker
 * says otherwise.
 *
 * Two lanes: `urgent` holds keys added because something happened (a watch event, a webhook, a
 * refresh), `periodic` the keys only due for their jittered requeue. Workers take urgent keys
 * first, so a drift or a spec change is not served after a thousand apps' Git polls; a waiting
 * periodic key added as urgent moves to the urgent lane. The poll is never starved: while a
 * periodic key waits, at most `urgentBurst` urgent keys start in a row before one periodic key.
 */
import type { Clock, TimerHandle } from './clock.js';

/** Why a key is queued: something happened (`urgent`), or only its periodic requeue is due. */
export type Lane = 'urgent' | 'periodic';
export const LANES: readonly Lane[] = ['urgent', 'periodic'];

/** What the worker asks for after a successful run. */
export interface WorkResult {
  /**
   * Run again after this many ms, in the lane of the run that asked (a re-check while resources
   * progress is as urgent as what started the sync); `undefined` means the default jittered
   * interval, in the periodic lane; `null` never.
   */
  requeueAfter?: number | null;
}

export type Worker = (key: string) => Promise<WorkResult | undefined>;

export interface QueueObserver {
  /** A key started from `lane`; `waitMs` since it entered that lane. */
  started?(key: string, waitMs: number, lane: Lane): void;
  finished?(key: string, workMs: number, error: unknown): void;
  /** The number of keys waiting in `lane` changed. */
  depth?(depth: number, lane: Lane): void;
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
  /**
   * Urgent keys started in a row while a periodic key waits, before that one starts (default 4:
   * under a flood of events the Git poll keeps at least a fifth of the workers' starts).
   */
  urgentBurst?: number;
  observer?: QueueObserver;
}

/** A key waiting: its lane and since when it waits there. */
interface Waiting {
  lane: Lane;
  since: number;
}

const moreUrgent = (a: Lane | undefined, b: Lane): Lane =>
  a === 'urgent' || b === 'urgent' ? 'urgent' : 'periodic';

export class WorkQueue {
  /** Per lane, the waiting keys in the order they entered it (a Set: first in, first out, O(1) removal). */
  private readonly lanes: Record<Lane, Set<string>> = { urgent: new Set(), periodic: new Set() };
  private readonly queued = new Map<string, Waiting>();
  /** Running keys and the lane they were taken from (a retry or a worker's requeue keeps it). */
  private readonly running = new Map<string, Lane>();
  /** Keys added while running, and the lane they go to once the run ends. */
  private readonly dirty = new Map<string, Lane>();
  private readonly timers = new Map<string, { at: number; lane: Lane; handle: TimerHandle }>();
  private readonly failures = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  /** Urgent keys started in a row while a periodic key waited. */
  private urgentStreak = 0;
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
    // Each lane is first in, first out: its head has waited longest in it.
    let oldest: number | undefined;
    for (const lane of LANES) {
      const head = first(this.lanes[lane]);
      const since = head === undefined ? undefined : this.queued.get(head)?.since;
      if (since !== undefined && (oldest === undefined || since < oldest)) oldest = since;
    }
    return oldest;
  }

  /**
   * Queues the key now (deduplicated) in `lane`: `urgent` (the default) for something that
   * happened, `periodic` for a key only due for its poll. A waiting periodic key added as urgent
   * moves to the urgent lane's tail; an urgent key stays urgent.
   */
  add(key: string, lane: Lane = 'urgent'): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.dirty.set(key, moreUrgent(this.dirty.get(key), lane));
      return;
    }
    const waiting = this.queued.get(key);
    if (waiting) {
      if (waiting.lane === 'urgent' || lane === 'periodic') return;
      this.lanes.periodic.delete(key);
      this.lanes.urgent.add(key);
      // Its wait as an urgent key starts now: what the urgent lane's wait time measures.
      this.queued.set(key, { lane: 'urgent', since: this.o.clock.now() });
      this.o.observer?.depth?.(this.lanes.periodic.size, 'periodic');
      this.o.observer?.depth?.(this.lanes.urgent.size, 'urgent');
      this.pump();
      return;
    }
    this.queued.set(key, { lane, since: this.o.clock.now() });
    this.lanes[lane].add(key);
    this.o.observer?.depth?.(this.lanes[lane].size, lane);
    this.pump();
  }

  /**
   * Queues the key in `lane` after `ms`; an earlier pending schedule for the key wins (at the
   * same time, the more urgent one).
   */
  addAfter(key: string, ms: number, lane: Lane = 'urgent'): void {
    if (this.stopped) return;
    if (ms <= 0) {
      this.add(key, lane);
      return;
    }
    const at = this.o.clock.now() + ms;
    const existing = this.timers.get(key);
    if (
      existing &&
      (existing.at < at || (existing.at === at && moreUrgent(existing.lane, lane) === existing.lane))
    )
      return;
    existing?.handle.cancel();
    const handle = this.o.clock.setTimer(ms, () => {
      this.timers.delete(key);
      this.add(key, lane);
    });
    this.timers.set(key, { at, lane, handle });
  }

  /** Drops everything known about the key (deleted object). A running key finishes. */
  forget(key: string): void {
    this.timers.get(key)?.handle.cancel();
    this.timers.delete(key);
    this.failures.delete(key);
    this.dirty.delete(key);
    const waiting = this.queued.get(key);
    if (waiting) {
      this.queued.delete(key);
      this.lanes[waiting.lane].delete(key);
      this.o.observer?.depth?.(this.lanes[waiting.lane].size, waiting.lane);
    }
  }

  /**
   * How long until the key's pending schedule (a requeue, a re-check, a backoff) queues it, in ms;
   * undefined when none is pending. Tests wait on it: an idle queue may still hold a re-check due
   * in a second, which would run in the middle of what they count.
   */
  dueIn(key: string): number | undefined {
    const t = this.timers.get(key);
    return t === undefined ? undefined : Math.max(0, t.at - this.o.clock.now());
  }

  /** Consecutive failures of the key (0 after a success). */
  failureCount(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Keys waiting in both lanes. */
  get depth(): number {
    return this.lanes.urgent.size + this.lanes.periodic.size;
  }

  /** Keys waiting in one lane. */
  laneDepth(lane: Lane): number {
    return this.lanes[lane].size;
  }

  get inFlight(): number {
    return this.running.size;
  }

  /** Resolves when nothing is queued or running (timers may still be pending). */
  whenIdle(): Promise<void> {
    if (this.depth === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work, cancels timers, and waits for running keys to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) t.handle.cancel();
    this.timers.clear();
    for (const lane of LANES) this.lanes[lane].clear();
    this.queued.clear();
    await this.whenIdle();
  }

  /** The lane the next worker takes from: urgent first, a periodic key after `urgentBurst` urgent ones. */
  private nextLane(): Lane | undefined {
    const urgent = this.lanes.urgent.size > 0;
    if (this.lanes.periodic.size === 0) {
      this.urgentStreak = 0;
      return urgent ? 'urgent' : undefined;
    }
    if (!urgent || this.urgentStreak >= (this.o.urgentBurst ?? 4)) {
      this.urgentStreak = 0;
      return 'periodic';
    }
    this.urgentStreak++;
    return 'urgent';
  }

  private pump(): void {
    while (this.started && !this.stopped && this.running.size < this.o.concurrency) {
      const lane = this.nextLane();
      if (lane === undefined) break;
      const key = first(this.lanes[lane]) as string;
      this.lanes[lane].delete(key);
      const since = this.queued.get(key)?.since ?? this.o.clock.now();
      this.queued.delete(key);
      this.running.set(key, lane);
      this.progressAt = this.o.clock.now();
      // The run's outcome schedules the next one; a pending schedule is moot.
      this.timers.get(key)?.handle.cancel();
      this.timers.delete(key);
      this.o.observer?.depth?.(this.lanes[lane].size, lane);
      this.o.observer?.started?.(key, this.o.clock.now() - since, lane);
      void this.run(key, lane);
    }
    if (this.depth === 0 && this.running.size === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async run(key: string, lane: Lane): Promise<void> {
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
        // A retry is as urgent as the run that failed: a failed drift revert is still a revert.
        this.addAfter(key, this.backoff(n), lane);
      } else {
        this.failures.delete(key);
        const after = result?.requeueAfter;
        if (after === undefined) this.addAfter(key, this.jittered(), 'periodic');
        else if (after !== null) this.addAfter(key, after, lane);
      }
      const again = this.dirty.get(key);
      if (again !== undefined) {
        this.dirty.delete(key);
        this.add(key, again);
      }
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

function first(set: ReadonlySet<string>): string | undefined {
  for (const k of set) return k;
  return undefined;
}
