/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics:
 *
 * - A candidate reads the Lease. It takes it when nobody holds it, or when the holder has not
 *   renewed for the Lease's `leaseDurationSeconds` as measured on the candidate's own clock
 *   from the moment it last saw the record change (so clock skew between nodes does not matter).
 * - Every write is a PUT carrying the Lease's `resourceVersion`: of two candidates writing the
 *   same version, the API server accepts one and answers 409 to the other.
 * - The leader renews every `retryPeriod`; if it cannot renew within `renewDeadline` it stops
 *   leading (before the lease could have expired for others, as renewDeadline < leaseDuration).
 * - `stop()` releases the Lease (empty holder), so a standby takes over at its next retry
 *   instead of waiting for the lease to expire.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage, TrueupError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { ClusterClient } from '../kube/types.js';

export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** Milliseconds since the epoch. */
  acquireTime?: number;
  renewTime?: number;
  leaseTransitions: number;
}

export interface StoredLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** The few Lease operations election needs; `create`/`update` throw `LeaseConflict` on 409. */
export interface LeaseStore {
  get(): Promise<StoredLease | undefined>;
  create(record: LeaseRecord): Promise<StoredLease>;
  update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease>;
  /** What the messages call it: `Lease ns/name`. */
  readonly description: string;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
};

export interface ElectorOptions {
  store: LeaseStore;
  /** Unique per replica (pod name plus a random suffix). */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
  random?: () => number;
  /** Called when leadership or the known leader changes. */
  onChange?: (state: ElectionState) => void;
  /** Errors talking to the API (transient: the loop retries). */
  onError?: (err: unknown) => void;
}

export interface ElectionState {
  leader: boolean;
  /** The identity holding the lease as last seen ('' when free). */
  holder: string;
}

export const LeaseConflict = 'LeaseConflict';

const isConflict = (err: unknown) =>
  err instanceof TrueupError &&
  (err.code === LeaseConflict || err.code === 'KubeConflict' || (err as { status?: number }).status === 409);

export class LeaderElector {
  readonly #o: Required<Omit<ElectorOptions, 'onChange' | 'onError'>> &
    Pick<ElectorOptions, 'onChange' | 'onError'>;
  #observed: StoredLease | undefined;
  #observedAt = 0;
  #lastRenew = 0;
  #leader = false;
  #holder = '';
  #running = false;
  #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #roundAt: number | undefined;

  constructor(options: ElectorOptions) {
    const leaseDurationMs = options.leaseDurationMs ?? 15_000;
    const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    const retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs && retryPeriodMs > 0)) {
      throw new TrueupError(
        'LeaderElectionConfig',
        `${options.store.description}: need leaseDuration > renewDeadline > retryPeriod > 0 (got ${leaseDurationMs}, ${renewDeadlineMs}, ${retryPeriodMs} ms)`,
      );
    }
    this.#o = {
      clock: systemClock,
      random: Math.random,
      ...options,
      leaseDurationMs,
      renewDeadlineMs,
      retryPeriodMs,
    };
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  get running(): boolean {
    return this.#running;
  }

  get state(): ElectionState {
    return { leader: this.#leader, holder: this.#holder };
  }

  /**
   * The campaign loop's heartbeat, for liveness: when it last finished a round (or started);
   * undefined while it does not run. A loop stuck in a request for several lease durations can
   * neither renew nor step down: restarting the process is the way out.
   */
  get heartbeat(): { what: string; at: number; boundMs: number } | undefined {
    if (!this.#running || this.#roundAt === undefined) return undefined;
    return {
      what: `leader election on ${this.#o.store.description}`,
      at: this.#roundAt,
      boundMs: Math.max(4 * this.#o.leaseDurationMs, 60_000),
    };
  }

  /** Starts campaigning in the background; returns at once. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#roundAt = this.#o.clock.now();
    this.#abort = new AbortController();
    this.#loop = this.#run(this.#abort.signal);
  }

  /** Stops campaigning; a leader releases the Lease first. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#abort.abort();
    await this.#loop;
    this.#running = false;
    if (this.#leader) {
      await this.#release().catch((err: unknown) => this.#o.onError?.(err));
      this.#set(false, '');
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { clock, retryPeriodMs, renewDeadlineMs } = this.#o;
    while (!signal.aborted) {
      const ok = await this.tryAcquireOrRenew();
      this.#roundAt = clock.now();
      if (signal.aborted) break;
      if (ok) this.#lastRenew = clock.now();
      else if (this.#leader && clock.now() - this.#lastRenew >= renewDeadlineMs)
        this.#set(false, this.#holder);
      // A leader renews on the period; a candidate adds jitter so candidates do not collide.
      const wait = this.#leader ? retryPeriodMs : retryPeriodMs * (1 + 0.2 * this.#o.random());
      await clock.sleep(wait, signal);
    }
  }

  /** One round: read the Lease, then take or renew it if allowed. Resolves true when we hold it. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { store, identity, clock } = this.#o;
    const now = clock.now();
    const leaseDurationSeconds = Math.max(1, Math.ceil(this.#o.leaseDurationMs / 1000));
    try {
      const current = await store.get();
      if (current === undefined) {
        const created = await store.create({
          holderIdentity: identity,
          leaseDurationSeconds,
          acquireTime: now,
          renewTime: now,
          leaseTransitions: 0,
        });
        this.#observe(created, clock.now());
        this.#set(true, identity);
        return true;
      }
      if (this.#observed?.resourceVersion !== current.resourceVersion) this.#observe(current, now);
      const held = current.record;
      const mine = held.holderIdentity === identity;
      const expiresAt = this.#observedAt + held.leaseDurationSeconds * 1000;
      if (!mine && held.holderIdentity !== '' && expiresAt > now) {
        this.#set(false, held.holderIdentity);
        return false;
      }
      const next: LeaseRecord = {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: mine ? (held.acquireTime ?? now) : now,
        renewTime: now,
        leaseTransitions: mine ? held.leaseTransitions : held.leaseTransitions + 1,
      };
      const updated = await store.update(next, current.resourceVersion);
      this.#observe(updated, clock.now());
      this.#set(true, identity);
      return true;
    } catch (err) {
      // A conflict means another replica wrote first: not an error, just not ours this round.
      if (!isConflict(err)) this.#o.onError?.(err);
      return false;
    }
  }

  async #release(): Promise<void> {
    const { store, identity, clock } = this.#o;
    const current = await store.get();
    if (current === undefined || current.record.holderIdentity !== identity) return;
    const now = clock.now();
    await store.update(
      {
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: current.record.leaseTransitions,
      },
      current.resourceVersion,
    );
  }

  #observe(lease: StoredLease, at: number): void {
    this.#observed = lease;
    this.#observedAt = at;
  }

  #set(leader: boolean, holder: string): void {
    if (leader === this.#leader && holder === this.#holder) return;
    this.#leader = leader;
    this.#holder = holder;
    this.#o.onChange?.({ leader, holder });
  }
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function toMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function fromTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function toStored(obj: KubeObject): StoredLease {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const acquireTime = fromTime(spec.acquireTime);
  const renewTime = fromTime(spec.renewTime);
  return {
    resourceVersion: String(obj.metadata.resourceVersion ?? ''),
    record: {
      holderIdentity: typeof spec.holderIdentity === 'string' ? spec.holderIdentity : '',
      leaseDurationSeconds: typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : 0,
      leaseTransitions: typeof spec.leaseTransitions === 'number' ? spec.leaseTransitions : 0,
      ...(acquireTime === undefined ? {} : { acquireTime }),
      ...(renewTime === undefined ? {} : { renewTime }),
    },
  };
}

/** A LeaseStore over the project's ClusterClient, for the Lease `namespace/name`. */
export function kubeLeaseStore(
  client: Pick<ClusterClient, 'get' | 'create' | 'replace'>,
  namespace: string,
  name: string,
  fieldManager = 'trueup-leader-election',
): LeaseStore {
  const description = `Lease ${namespace}/${name}`;
  const address = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name };
  const toObject = (record: LeaseRecord, resourceVersion?: string): KubeObject => ({
    apiVersion: address.apiVersion,
    kind: address.kind,
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      leaseTransitions: record.leaseTransitions,
      ...(record.acquireTime === undefined ? {} : { acquireTime: toMicroTime(record.acquireTime) }),
      ...(record.renewTime === undefined ? {} : { renewTime: toMicroTime(record.renewTime) }),
    },
  });
  const wrap = async (what: string, op: () => Promise<KubeObject>): Promise<StoredLease> => {
    try {
      return toStored(await op());
    } catch (err) {
      if (isConflict(err) || (err as { status?: number }).status === 409) {
        throw new TrueupError(LeaseConflict, `${description}: ${what} lost to another writer`, {
          cause: err,
          retry: 'transient',
        });
      }
      throw new TrueupError('LeaseStore', `${description}: ${what} failed: ${errorMessage(err)}`, {
        cause: err,
        retry: 'transient',
      });
    }
  };
  return {
    description,
    async get() {
      try {
        const obj = await client.get(address);
        return obj === undefined ? undefined : toStored(obj);
      } catch (err) {
        throw new TrueupError('LeaseStore', `${description}: get failed: ${errorMessage(err)}`, {
          cause: err,
          retry: 'transient',
        });
      }
    },
    create: (record) => wrap('create', () => client.create(toObject(record), { fieldManager })),
    update: (record, rv) => wrap('update', () => client.replace(toObject(record, rv), { fieldManager })),
  };
}

/**
 * Runs work only while leading: `start` runs when this replica becomes leader and returns the
 * function that stops that work, called when leadership is lost (or on `shutdown`). Transitions
 * run one at a time, in order, so a quick lose-and-regain never overlaps two runs.
 */
export function leaderGate(start: () => Promise<() => Promise<void>>): {
  /** Pass as the elector's `onChange`. */
  onChange(state: ElectionState): void;
  /** Resolves once every transition so far has finished. */
  settled(): Promise<void>;
  /** Stops the work if it runs (before `elector.stop()` releases the Lease). */
  shutdown(): Promise<void>;
  readonly running: boolean;
} {
  let stop: (() => Promise<void>) | undefined;
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (step: () => Promise<void>) => {
    chain = chain.then(step, step);
    return chain;
  };
  const halt = async () => {
    const s = stop;
    stop = undefined;
    await s?.();
  };
  return {
    onChange(state) {
      void enqueue(async () => {
        if (state.leader && !stop) stop = await start();
        else if (!state.leader) await halt();
      });
    },
    settled: () => chain,
    shutdown: () => enqueue(halt),
    get running() {
      return stop !== undefined;
    },
  };
}
