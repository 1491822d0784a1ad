import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, settle } from '../../test/support/fake-clock.js';
import type { KubeObject } from '../api/object.js';
import { replicaLiveness } from '../cli/replica.js';
import type { ClusterClient, WatchEventType, WatchOptions } from '../kube/types.js';
import { Informer, WATCH_STALL_GRACE_MS } from '../runtime/informer.js';
import { WorkQueue } from '../runtime/queue.js';
import { type LivenessState, liveness } from './liveness.js';

const MIN = 60_000;
const T = 1_000_000_000;

describe('liveness (pure)', () => {
  const base: LivenessState = { now: T, stallTimeoutMs: 15 * MIN, loops: [] };
  const table: [string, LivenessState, string[]][] = [
    ['nothing to check (a standby before it leads)', base, []],
    [
      'an idle queue is live however long ago the last key ran',
      { ...base, queue: { waiting: 0, lastProgressAt: T - 24 * 60 * MIN } },
      [],
    ],
    [
      'keys waiting while workers progress',
      { ...base, queue: { waiting: 40, oldestWaitingSince: T - 60 * MIN, lastProgressAt: T - 1000 } },
      [],
    ],
    [
      'a key queued just now behind workers that finished nothing for an hour is not yet a stall',
      { ...base, queue: { waiting: 1, oldestWaitingSince: T - 1000, lastProgressAt: T - 60 * MIN } },
      [],
    ],
    [
      'keys waiting past the limit with no worker progress',
      {
        ...base,
        queue: { waiting: 3, oldestWaitingSince: T - 16 * MIN, lastProgressAt: T - 20 * MIN },
      },
      ['work queue stalled: 3 key(s) waiting and no worker started or finished one for 960s (limit 900s)'],
    ],
    [
      'exactly at the limit is still live',
      { ...base, queue: { waiting: 1, oldestWaitingSince: T - 15 * MIN, lastProgressAt: T - 15 * MIN } },
      [],
    ],
    [
      'a loop within its bound',
      { ...base, loops: [{ what: 'watch of Pod', at: T - 5 * MIN, boundMs: 7 * MIN }] },
      [],
    ],
    [
      'a silent loop past its bound, next to a healthy one',
      {
        ...base,
        loops: [
          { what: 'watch of Pod', at: T - 8 * MIN, boundMs: 7 * MIN },
          { what: 'watch of Application', at: T, boundMs: 7 * MIN },
        ],
      },
      ['watch of Pod: no progress for 480s (limit 420s)'],
    ],
  ];
  for (const [name, state, reasons] of table) {
    it(name, () => {
      assert.deepEqual(liveness(state), { live: reasons.length === 0, reasons });
    });
  }
});

type Session = (emit: (t: WatchEventType, o: KubeObject) => void, signal: AbortSignal) => Promise<void>;

/** A ClusterClient for one kind: an empty list, then watch sessions as `session` plays them. */
function watchClient(session: Session): ClusterClient {
  return {
    list: async () => ({ items: [], resourceVersion: '1' }),
    watch: (
      _v: string,
      _k: string,
      _o: WatchOptions,
      onEvent: (t: WatchEventType, o: KubeObject) => void,
      signal: AbortSignal,
    ) => session(onEvent, signal),
  } as unknown as ClusterClient;
}

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));

/**
 * A controller's loops as run-controller sees them: a real WorkQueue and real Informers on a
 * FakeClock. The queue's worker runs what the test tells it to (and can hang).
 */
function replica(session: Session, opts: { watchTimeoutSeconds?: number } = {}) {
  const clock = new FakeClock(T);
  let hang = false;
  const hung: (() => void)[] = [];
  const queue = new WorkQueue({
    clock,
    random: () => 0,
    concurrency: 1,
    resyncInterval: 3 * MIN,
    worker: async () => {
      if (hang) await new Promise<void>((r) => hung.push(r));
      return { requeueAfter: null };
    },
  });
  const informer = new Informer({
    client: watchClient(session),
    apiVersion: 'v1',
    kind: 'ConfigMap',
    clock,
    random: () => 0,
    onEvent: () => {},
    ...(opts.watchTimeoutSeconds ? { watchTimeoutSeconds: opts.watchTimeoutSeconds } : {}),
  });
  const managed = new Map<string, Informer>();
  const controller = { queue, appInformers: [informer], managed };
  return {
    clock,
    queue,
    informer,
    managed,
    hangWorkers: () => {
      hang = true;
    },
    release: () => {
      for (const r of hung.splice(0)) r();
    },
    check: () => replicaLiveness(controller, undefined, clock.now(), 15 * MIN),
    stop: async () => {
      hang = false;
      for (const r of hung.splice(0)) r();
      await queue.stop();
      await informer.stop();
      for (const m of managed.values()) await m.stop();
    },
  };
}

/** A healthy watch: the server ends each session at its timeout (the clock's), with a bookmark on the way. */
const serverTimeout =
  (clock: () => FakeClock, seconds: number): Session =>
  (emit, signal) =>
    new Promise<void>((resolve) => {
      const bookmark = clock().setTimer((seconds * 1000) / 2, () =>
        emit('BOOKMARK', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '1' } }),
      );
      const end = clock().setTimer(seconds * 1000, resolve);
      signal.addEventListener('abort', () => {
        bookmark.cancel();
        end.cancel();
        resolve();
      });
    });

describe('liveness of a controller (real queue and informers, fake clock)', () => {
  it('an idle controller with live watches stays healthy for days', async () => {
    let clock: FakeClock | undefined;
    const r = replica(serverTimeout(() => clock as FakeClock, 300));
    clock = r.clock;
    r.queue.start();
    r.informer.start();
    await r.informer.whenSynced();
    r.queue.add('ns/a');
    await settle();
    for (let hour = 0; hour < 48; hour++) {
      await r.clock.advance(60 * MIN);
      assert.deepEqual(r.check(), { live: true, reasons: [] }, `hour ${hour}`);
    }
    assert.ok(r.informer.watches > 48 * 10, 'the watch was re-established at every server timeout');
    await r.stop();
  });

  it('a watch that goes silent on an open connection fails it once past timeout + grace', async () => {
    // The connection stays open and says nothing (a half-open TCP connection): the session never ends.
    const r = replica((_emit, signal) => aborted(signal), { watchTimeoutSeconds: 300 });
    r.queue.start();
    r.informer.start();
    await r.informer.whenSynced();
    await settle();
    await r.clock.advance(300_000 + WATCH_STALL_GRACE_MS);
    assert.equal(r.check().live, true, 'silent only up to the bound');
    await r.clock.advance(1000);
    assert.deepEqual(r.check(), {
      live: false,
      reasons: ['watch of ConfigMap: no progress for 421s (limit 420s)'],
    });
    await r.stop();
  });

  it('a watch that keeps failing (API server away) is retrying, hence live', async () => {
    let clock: FakeClock | undefined;
    let calls = 0;
    const r = replica(async () => {
      calls++;
      throw new Error('connect ECONNREFUSED');
    });
    clock = r.clock;
    r.informer.start();
    await r.informer.whenSynced();
    for (let i = 0; i < 30; i++) {
      await (clock as FakeClock).advance(MIN);
      assert.equal(r.check().live, true, `minute ${i}`);
    }
    assert.ok(calls >= 30, `the loop kept retrying (${calls} attempts)`);
    await r.stop();
  });

  it('workers wedged while keys wait fail it after the stall timeout; progress heals it', async () => {
    let clock: FakeClock | undefined;
    const r = replica(serverTimeout(() => clock as FakeClock, 300));
    clock = r.clock;
    r.queue.start();
    r.informer.start();
    await r.informer.whenSynced();
    r.hangWorkers();
    r.queue.add('ns/stuck');
    await settle();
    // One key running for an hour with nothing else to do: a long sync, not a wedge.
    await r.clock.advance(60 * MIN);
    assert.equal(r.check().live, true);
    r.queue.add('ns/waiting');
    await settle();
    await r.clock.advance(15 * MIN);
    assert.equal(r.check().live, true, 'waited exactly the limit');
    await r.clock.advance(1000);
    assert.deepEqual(r.check(), {
      live: false,
      reasons: [
        'work queue stalled: 1 key(s) waiting and no worker started or finished one for 901s (limit 900s)',
      ],
    });
    r.release();
    await settle();
    assert.equal(r.check().live, true, 'the worker finished and took the waiting key');
    await r.stop();
  });

  it('a managed-kind informer counts once started; a stopped one no longer does', async () => {
    const r = replica((_emit, signal) => aborted(signal));
    const pods = new Informer({
      client: watchClient((_emit, signal) => aborted(signal)),
      apiVersion: 'v1',
      kind: 'Pod',
      clock: r.clock,
      random: () => 0,
      onEvent: () => {},
    });
    r.managed.set('v1|Pod', pods);
    assert.equal(pods.heartbeat, undefined, 'not started: nothing to check');
    pods.start();
    await pods.whenSynced();
    await settle();
    await r.clock.advance(10 * MIN);
    // The ConfigMap informer of this replica was never started: only the Pod watch counts.
    assert.deepEqual(r.check().reasons, ['watch of Pod: no progress for 600s (limit 420s)']);
    await pods.stop();
    assert.equal(pods.heartbeat, undefined);
    assert.deepEqual(r.check(), { live: true, reasons: [] });
    await r.stop();
  });
});
