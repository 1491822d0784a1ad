import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryLeaseStore } from '../../test/support/memory-lease-store.js';
import { type Clock, type ElectionState, LeaderElector } from '../runtime/leader-election.js';
import { type Campaign, replicaReadiness, whileLeading } from './replica.js';

/** Real time does not matter here: each sleep is a short real pause (or ends on abort). */
const quickClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const t = setTimeout(resolve, Math.min(ms, 5));
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    }),
};

const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

async function until(what: string, test: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (test()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Work that logs when it starts and when it has fully stopped (after an asynchronous drain). */
function loggedWork(events: string[]) {
  return async () => {
    events.push('work started');
    return async () => {
      events.push('work stopping');
      // An asynchronous drain (turns of the event loop, no wall-clock pause).
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      events.push('work stopped');
    };
  };
}

describe('whileLeading', () => {
  it('stops reconciling before it releases the Lease', async () => {
    const events: string[] = [];
    const store = memoryLeaseStore(() => events.push('lease released'));
    const elected = whileLeading(
      (onChange) => new LeaderElector({ store, identity: 'a', clock: quickClock, ...timing, onChange }),
      loggedWork(events),
    );
    await until('leadership and work', () => events.includes('work started'));
    assert.equal(elected.elector.isLeader, true);
    await elected.stop();
    assert.deepEqual(events, ['work started', 'work stopping', 'work stopped', 'lease released']);
    assert.equal(store.lease?.record.holderIdentity, '');
    assert.equal(elected.elector.running, false);
  });

  it('stops the work when leadership is lost, and starts it again when regained', async () => {
    const events: string[] = [];
    let onChange: (state: ElectionState) => void = () => {};
    const fake: Campaign = { start() {}, stop: async () => {}, running: true, isLeader: false };
    const elected = whileLeading((cb) => {
      onChange = cb;
      return fake;
    }, loggedWork(events));
    onChange({ leader: true, holder: 'a' });
    onChange({ leader: false, holder: 'b' });
    onChange({ leader: true, holder: 'a' });
    await elected.stop();
    assert.deepEqual(events, [
      'work started',
      'work stopping',
      'work stopped',
      'work started',
      'work stopping',
      'work stopped',
    ]);
  });

  it('ignores leadership won while stopping', async () => {
    const events: string[] = [];
    let onChange: (state: ElectionState) => void = () => {};
    const fake: Campaign = {
      start() {},
      // The loop's last round wins the Lease just before the elector stops.
      stop: async () => onChange({ leader: true, holder: 'a' }),
      running: true,
      isLeader: false,
    };
    const elected = whileLeading((cb) => {
      onChange = cb;
      return fake;
    }, loggedWork(events));
    await elected.stop();
    assert.deepEqual(events, [], 'no work started after stop() began');
  });
});

describe('replicaReadiness', () => {
  it('is single and follows the caches without leader election', () => {
    assert.deepEqual(replicaReadiness(false, undefined), {
      ready: false,
      role: 'single',
      reasons: ['caches not synced'],
    });
    assert.deepEqual(replicaReadiness(true, undefined), { ready: true, role: 'single', reasons: [] });
  });

  it("reports the elector's real state: not running, leader, standby, stopped", async () => {
    const events: string[] = [];
    const store = memoryLeaseStore(() => events.push('lease released'));
    const idle = new LeaderElector({ store, identity: 'idle', clock: quickClock, ...timing });
    assert.deepEqual(replicaReadiness(true, idle), {
      ready: false,
      role: 'standby',
      reasons: ['leader election is not running'],
    });

    const elected = whileLeading(
      (onChange) => new LeaderElector({ store, identity: 'a', clock: quickClock, ...timing, onChange }),
      loggedWork(events),
    );
    await until('leadership', () => elected.elector.isLeader);
    assert.deepEqual(replicaReadiness(true, elected.elector), { ready: true, role: 'leader', reasons: [] });

    let b: LeaderElector | undefined;
    const standby = whileLeading((onChange) => {
      b = new LeaderElector({ store, identity: 'b', clock: quickClock, ...timing, onChange });
      return b;
    }, loggedWork([]));
    await until('the standby sees the leader', () => b?.state.holder === 'a');
    assert.deepEqual(replicaReadiness(false, standby.elector), { ready: true, role: 'standby', reasons: [] });

    await standby.stop();
    await elected.stop();
    assert.deepEqual(replicaReadiness(true, elected.elector), {
      ready: false,
      role: 'standby',
      reasons: ['leader election is not running'],
    });
  });
});
