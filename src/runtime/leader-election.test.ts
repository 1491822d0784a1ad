import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryLeaseStore } from '../../test/support/memory-lease-store.js';
import { type Clock, type ElectionState, LeaderElector, leaderGate, toMicroTime } from './leader-election.js';

function manualClock(): Clock & { advance(ms: number): void } {
  let t = 1_700_000_000_000;
  return {
    now: () => t,
    // Yields to the event loop, so a running loop cannot starve the test.
    sleep: () => new Promise((r) => setImmediate(r)),
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Lets the elector's loop run until `cond` holds (bounded: a loop that never gets there fails). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), 'condition not reached within 1000 turns of the event loop');
}

const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

describe('LeaderElector', () => {
  it('takes a free lease, and a second candidate waits while the holder renews', async () => {
    const store = memoryLeaseStore();
    const clock = manualClock();
    const seen: ElectionState[] = [];
    const a = new LeaderElector({ store, identity: 'a', clock, ...timing, onChange: (s) => seen.push(s) });
    const b = new LeaderElector({ store, identity: 'b', clock, ...timing });
    assert.equal(await a.tryAcquireOrRenew(), true);
    assert.equal(await b.tryAcquireOrRenew(), false);
    assert.deepEqual(b.state, { leader: false, holder: 'a' });
    for (let i = 0; i < 10; i++) {
      clock.advance(2_000);
      assert.equal(await a.tryAcquireOrRenew(), true);
      assert.equal(await b.tryAcquireOrRenew(), false);
    }
    assert.equal(store.lease?.record.holderIdentity, 'a');
    assert.equal(store.lease?.record.leaseTransitions, 0);
    assert.deepEqual(seen, [{ leader: true, holder: 'a' }]);
  });

  it('takes over once the holder has not renewed for the lease duration, on its own clock', async () => {
    const store = memoryLeaseStore();
    const clock = manualClock();
    const a = new LeaderElector({ store, identity: 'a', clock, ...timing });
    const b = new LeaderElector({ store, identity: 'b', clock, ...timing });
    await a.tryAcquireOrRenew();
    // The holder's renewTime says "far future", but b trusts only what it observed and when.
    store.lease = { ...store.lease!, record: { ...store.lease!.record, renewTime: clock.now() + 3_600_000 } };
    assert.equal(await b.tryAcquireOrRenew(), false);
    clock.advance(14_999);
    assert.equal(await b.tryAcquireOrRenew(), false);
    clock.advance(1);
    assert.equal(await b.tryAcquireOrRenew(), true);
    assert.equal(store.lease?.record.holderIdentity, 'b');
    assert.equal(store.lease?.record.leaseTransitions, 1);
    // The old holder learns it lost on its next round.
    assert.equal(await a.tryAcquireOrRenew(), false);
    assert.deepEqual(a.state, { leader: false, holder: 'b' });
  });

  it('loses a write race through the resourceVersion conflict, not through an error', async () => {
    const store = memoryLeaseStore();
    const clock = manualClock();
    const errors: unknown[] = [];
    await store.create({ holderIdentity: '', leaseDurationSeconds: 15, leaseTransitions: 0 });
    const a = new LeaderElector({ store, identity: 'a', clock, ...timing, onError: (e) => errors.push(e) });
    const b = new LeaderElector({ store, identity: 'b', clock, ...timing, onError: (e) => errors.push(e) });
    // Both read version 1; a writes first, so b's update of version 1 is refused.
    const realGet = store.get.bind(store);
    const snapshot = await realGet();
    store.get = async () => structuredClone(snapshot);
    assert.equal(await a.tryAcquireOrRenew(), true);
    assert.equal(await b.tryAcquireOrRenew(), false);
    store.get = realGet;
    assert.equal(store.lease?.record.holderIdentity, 'a');
    assert.deepEqual(errors, []);
  });

  it('reports API errors and keeps leading until the renew deadline passes', async () => {
    const store = memoryLeaseStore();
    const clock = manualClock();
    const errors: unknown[] = [];
    const a = new LeaderElector({ store, identity: 'a', clock, ...timing, onError: (e) => errors.push(e) });
    await a.tryAcquireOrRenew();
    store.failNext = new Error('connection refused');
    assert.equal(await a.tryAcquireOrRenew(), false);
    assert.equal(a.isLeader, true);
    assert.equal((errors[0] as Error).message, 'connection refused');
  });

  it('releases the lease on stop so a standby takes it at once', async () => {
    const store = memoryLeaseStore();
    const clock = manualClock();
    const a = new LeaderElector({ store, identity: 'a', clock, ...timing });
    const b = new LeaderElector({ store, identity: 'b', clock, ...timing });
    a.start();
    await until(() => a.isLeader);
    await a.stop();
    assert.equal(a.isLeader, false);
    assert.equal(store.lease?.record.holderIdentity, '');
    assert.equal(await b.tryAcquireOrRenew(), true);
  });

  it('beats once per round while running; a round stuck in a request stops the heartbeat', async () => {
    const store = memoryLeaseStore();
    const clock = manualClock();
    const a = new LeaderElector({ store, identity: 'a', clock, ...timing });
    const beat = () => a.heartbeat;
    assert.equal(beat(), undefined, 'not running');
    a.start();
    await until(() => a.isLeader);
    clock.advance(5_000);
    await until(() => beat()?.at === clock.now());
    assert.deepEqual(beat(), {
      what: 'leader election on Lease test/lock',
      at: clock.now(),
      boundMs: 60_000,
    });
    // The next read never answers (a dead connection without a timeout).
    const stuck: { answer?: () => void } = {};
    const realGet = store.get.bind(store);
    store.get = () =>
      new Promise((resolve) => {
        stuck.answer = () => resolve(realGet());
      });
    await until(() => stuck.answer !== undefined);
    const stuckAt = beat()?.at;
    clock.advance(61_000);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(beat()?.at, stuckAt, 'no round finished');
    assert.ok(clock.now() - (beat()?.at ?? 0) > (beat()?.boundMs ?? 0));
    store.get = realGet;
    stuck.answer?.();
    await a.stop();
    assert.equal(beat(), undefined, 'stopped');
  });

  it('rejects inconsistent timings', () => {
    assert.throws(
      () =>
        new LeaderElector({
          store: memoryLeaseStore(),
          identity: 'a',
          leaseDurationMs: 5_000,
          renewDeadlineMs: 5_000,
          retryPeriodMs: 1_000,
        }),
      /Lease test\/lock: need leaseDuration > renewDeadline > retryPeriod/,
    );
  });

  it('writes MicroTime with six fractional digits', () => {
    assert.equal(toMicroTime(Date.UTC(2026, 0, 2, 3, 4, 5, 67)), '2026-01-02T03:04:05.067000Z');
  });
});

describe('leaderGate', () => {
  it('starts the work on leading, stops it on losing, one transition at a time', async () => {
    const log: string[] = [];
    let n = 0;
    const gate = leaderGate(async () => {
      const id = ++n;
      log.push(`start ${id}`);
      // An asynchronous start (a turn of the event loop, no wall-clock pause): later transitions must wait for it.
      await new Promise((r) => setImmediate(r));
      return async () => {
        log.push(`stop ${id}`);
      };
    });
    gate.onChange({ leader: true, holder: 'me' });
    gate.onChange({ leader: false, holder: 'other' });
    gate.onChange({ leader: true, holder: 'me' });
    gate.onChange({ leader: true, holder: 'me' });
    await gate.settled();
    assert.equal(gate.running, true);
    await gate.shutdown();
    assert.equal(gate.running, false);
    assert.deepEqual(log, ['start 1', 'stop 1', 'start 2', 'stop 2']);
  });
});
