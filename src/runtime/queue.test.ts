import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from '../../test/support/fake-clock.js';
import { type Lane, WorkQueue, type WorkQueueOptions, type WorkResult } from './queue.js';

interface Harness {
  clock: FakeClock;
  queue: WorkQueue;
  log: string[];
  /** `key:lane` per start, in order. */
  starts: string[];
  /** Resolves (or rejects) the oldest running call for the key. */
  finish(key: string, outcome?: WorkResult | Error): Promise<void>;
  running(): string[];
}

/** `start: false` leaves the queue stopped, so adds pile up in their lanes until `queue.start()`. */
function harness(opts: Partial<WorkQueueOptions> = {}, { start = true } = {}): Harness {
  const clock = new FakeClock(0);
  const log: string[] = [];
  const starts: string[] = [];
  const pending: { key: string; resolve: (r: WorkResult | undefined) => void; reject: (e: Error) => void }[] =
    [];
  const queue = new WorkQueue({
    clock,
    random: () => 0,
    concurrency: 2,
    resyncInterval: 180_000,
    worker: (key) =>
      new Promise((resolve, reject) => {
        log.push(`start ${key}`);
        pending.push({ key, resolve, reject });
      }),
    ...opts,
    observer: {
      ...opts.observer,
      started: (key, wait, lane) => {
        starts.push(`${key}:${lane}`);
        opts.observer?.started?.(key, wait, lane);
      },
    },
  });
  if (start) queue.start();
  return {
    clock,
    queue,
    log,
    starts,
    running: () => pending.map((p) => p.key),
    async finish(key, outcome) {
      const i = pending.findIndex((p) => p.key === key);
      assert.ok(i >= 0, `${key} is not running`);
      const [p] = pending.splice(i, 1);
      if (outcome instanceof Error) p!.reject(outcome);
      else p!.resolve(outcome);
      await settle();
    },
  };
}

test('a key added many times while waiting runs once', async () => {
  const h = harness({ concurrency: 1 });
  h.queue.add('a');
  h.queue.add('b');
  h.queue.add('b');
  h.queue.add('b');
  await settle();
  assert.deepEqual(h.running(), ['a']);
  await h.finish('a');
  assert.deepEqual(h.running(), ['b']);
  await h.finish('b');
  assert.deepEqual(h.log, ['start a', 'start b']);
});

test('a key is never run twice at once; an add while it runs runs it once more after', async () => {
  const h = harness({ concurrency: 4 });
  h.queue.add('a');
  await settle();
  h.queue.add('a');
  h.queue.add('a');
  await settle();
  assert.deepEqual(h.running(), ['a']);
  await h.finish('a');
  assert.deepEqual(h.running(), ['a']);
  await h.finish('a');
  assert.deepEqual(h.log, ['start a', 'start a']);
});

test('concurrency bounds the keys running together', async () => {
  const h = harness({ concurrency: 2 });
  for (const k of ['a', 'b', 'c', 'd']) h.queue.add(k);
  await settle();
  assert.deepEqual(h.running(), ['a', 'b']);
  assert.equal(h.queue.depth, 2);
  await h.finish('b');
  assert.deepEqual(h.running(), ['a', 'c']);
});

test('failures back off exponentially per key and a success resets the count', async () => {
  const h = harness({ concurrency: 1, baseBackoff: 1000, maxBackoff: 5000 });
  h.queue.add('a');
  await settle();
  await h.finish('a', new Error('boom'));
  assert.equal(h.queue.failureCount('a'), 1);
  assert.deepEqual(h.clock.pending(), [1000]);
  await h.clock.advance(999);
  assert.deepEqual(h.running(), []);
  await h.clock.advance(1);
  assert.deepEqual(h.running(), ['a']);
  await h.finish('a', new Error('boom'));
  assert.deepEqual(h.clock.pending(), [2000]);
  await h.clock.advance(2000);
  await h.finish('a', new Error('boom'));
  assert.deepEqual(h.clock.pending(), [4000]);
  await h.clock.advance(4000);
  await h.finish('a', new Error('boom'));
  assert.deepEqual(h.clock.pending(), [5000], 'capped at maxBackoff');
  await h.clock.advance(5000);
  await h.finish('a');
  assert.equal(h.queue.failureCount('a'), 0);
  assert.deepEqual(h.clock.pending(), [180_000], 'back to the periodic requeue');
});

test('the periodic requeue is jittered by the injected random source', async () => {
  const h = harness({ random: () => 0.5, jitter: 0.2 });
  h.queue.add('a');
  await settle();
  await h.finish('a');
  assert.deepEqual(h.clock.pending(), [180_000 * 0.9]);
  await h.clock.advance(180_000 * 0.9);
  assert.deepEqual(h.running(), ['a']);
});

test('the worker chooses the next run: a delay, or never', async () => {
  const h = harness();
  h.queue.add('a');
  h.queue.add('b');
  await settle();
  await h.finish('a', { requeueAfter: 5000 });
  await h.finish('b', { requeueAfter: null });
  assert.deepEqual(h.clock.pending(), [5000]);
});

test('an earlier schedule wins and running the key clears its schedule', async () => {
  const h = harness();
  h.queue.addAfter('a', 10_000);
  h.queue.addAfter('a', 3000);
  h.queue.addAfter('a', 7000);
  assert.deepEqual(h.clock.pending(), [3000]);
  h.queue.add('a');
  await settle();
  assert.deepEqual(h.clock.pending(), []);
  await h.finish('a', { requeueAfter: null });
  await h.clock.advance(20_000);
  assert.deepEqual(h.log, ['start a']);
});

test('forget drops a waiting key and its schedule', async () => {
  const h = harness({ concurrency: 1 });
  h.queue.add('a');
  h.queue.add('b');
  h.queue.addAfter('c', 100);
  h.queue.forget('b');
  h.queue.forget('c');
  await settle();
  await h.finish('a', { requeueAfter: null });
  await h.clock.advance(1000);
  assert.deepEqual(h.log, ['start a']);
});

test('stop waits for running keys and takes no more work', async () => {
  const h = harness();
  h.queue.add('a');
  await settle();
  let stopped = false;
  const stopping = h.queue.stop().then(() => {
    stopped = true;
  });
  h.queue.add('b');
  await settle();
  assert.equal(stopped, false);
  await h.finish('a');
  await stopping;
  assert.deepEqual(h.log, ['start a']);
  assert.deepEqual(h.clock.pending(), []);
});

test('the observer sees the wait time from first add to start', async () => {
  const waits: number[] = [];
  const h = harness({ concurrency: 1, observer: { started: (_k, w) => waits.push(w) } });
  h.queue.add('a');
  h.queue.add('b');
  await settle();
  await h.clock.advance(250);
  await h.finish('a');
  assert.deepEqual(waits, [0, 250]);
});

/** Runs every key started (one at a time) to a `requeueAfter: null` end, until none is left. */
async function drain(h: Harness): Promise<void> {
  await settle();
  for (let guard = 0; h.running().length > 0; guard++) {
    assert.ok(guard < 100, 'the queue does not drain');
    await h.finish(h.running()[0] as string, { requeueAfter: null });
  }
}

type Add = [key: string, lane: Lane];

test('which key a worker takes next: urgent before periodic, one of each kind', async () => {
  const cases: { name: string; adds: Add[]; burst?: number; forget?: string[]; order: string[] }[] = [
    {
      name: 'an urgent key passes periodic keys queued before it',
      adds: [
        ['p1', 'periodic'],
        ['p2', 'periodic'],
        ['u1', 'urgent'],
      ],
      order: ['u1:urgent', 'p1:periodic', 'p2:periodic'],
    },
    {
      name: 'each lane is first in, first out',
      adds: [
        ['u2', 'urgent'],
        ['p2', 'periodic'],
        ['u1', 'urgent'],
        ['p1', 'periodic'],
      ],
      order: ['u2:urgent', 'u1:urgent', 'p2:periodic', 'p1:periodic'],
    },
    {
      name: 'a waiting periodic key added as urgent moves to the urgent lane',
      adds: [
        ['p1', 'periodic'],
        ['p2', 'periodic'],
        ['u1', 'urgent'],
        ['p2', 'urgent'],
      ],
      order: ['u1:urgent', 'p2:urgent', 'p1:periodic'],
    },
    {
      name: 'an urgent key added as periodic stays urgent (and queued once)',
      adds: [
        ['p1', 'periodic'],
        ['u1', 'urgent'],
        ['u1', 'periodic'],
        ['u1', 'urgent'],
      ],
      order: ['u1:urgent', 'p1:periodic'],
    },
    {
      name: 'a key added many times in one lane runs once',
      adds: [
        ['p1', 'periodic'],
        ['p1', 'periodic'],
        ['u1', 'urgent'],
        ['u1', 'urgent'],
      ],
      order: ['u1:urgent', 'p1:periodic'],
    },
    {
      name: 'while periodic keys wait, one starts after every `urgentBurst` urgent keys',
      adds: [
        ['p1', 'periodic'],
        ['p2', 'periodic'],
        ['u1', 'urgent'],
        ['u2', 'urgent'],
        ['u3', 'urgent'],
        ['u4', 'urgent'],
        ['u5', 'urgent'],
      ],
      burst: 2,
      order: ['u1:urgent', 'u2:urgent', 'p1:periodic', 'u3:urgent', 'u4:urgent', 'p2:periodic', 'u5:urgent'],
    },
    {
      name: 'the default burst is 4',
      adds: [['p1', 'periodic'], ...['u1', 'u2', 'u3', 'u4', 'u5'].map((k): Add => [k, 'urgent'])],
      order: ['u1:urgent', 'u2:urgent', 'u3:urgent', 'u4:urgent', 'p1:periodic', 'u5:urgent'],
    },
    {
      name: 'forget drops a key from either lane',
      adds: [
        ['p1', 'periodic'],
        ['p2', 'periodic'],
        ['u1', 'urgent'],
        ['u2', 'urgent'],
      ],
      forget: ['p1', 'u1'],
      order: ['u2:urgent', 'p2:periodic'],
    },
  ];
  for (const c of cases) {
    const h = harness({ concurrency: 1, ...(c.burst ? { urgentBurst: c.burst } : {}) }, { start: false });
    for (const [key, lane] of c.adds) h.queue.add(key, lane);
    for (const key of c.forget ?? []) h.queue.forget(key);
    h.queue.start();
    await drain(h);
    assert.deepEqual(h.starts, c.order, c.name);
  }
});

test('urgent keys started while no periodic key waits do not count against the burst', async () => {
  const h = harness({ concurrency: 1, urgentBurst: 1 });
  h.queue.add('u1', 'urgent');
  await settle();
  h.queue.add('u2', 'urgent');
  h.queue.add('u3', 'urgent');
  h.queue.add('p1', 'periodic');
  await drain(h);
  assert.deepEqual(h.starts, ['u1:urgent', 'u2:urgent', 'p1:periodic', 'u3:urgent']);
});

test('the lane a key comes back in after a run', async () => {
  const cases: {
    name: string;
    ran: Lane;
    outcome: WorkResult | Error;
    addedWhileRunning?: Lane;
    next: string;
  }[] = [
    { name: 'the jittered poll after an urgent run', ran: 'urgent', outcome: {}, next: 'a:periodic' },
    { name: 'the jittered poll after a periodic run', ran: 'periodic', outcome: {}, next: 'a:periodic' },
    {
      name: "the worker's delay keeps an urgent run's lane",
      ran: 'urgent',
      outcome: { requeueAfter: 5000 },
      next: 'a:urgent',
    },
    {
      name: "the worker's delay keeps a periodic run's lane",
      ran: 'periodic',
      outcome: { requeueAfter: 5000 },
      next: 'a:periodic',
    },
    {
      name: 'the back-off of a failed urgent run',
      ran: 'urgent',
      outcome: new Error('boom'),
      next: 'a:urgent',
    },
    {
      name: 'the back-off of a failed periodic run',
      ran: 'periodic',
      outcome: new Error('boom'),
      next: 'a:periodic',
    },
    {
      name: 'an urgent add while a periodic run runs: urgent at once',
      ran: 'periodic',
      outcome: {},
      addedWhileRunning: 'urgent',
      next: 'a:urgent',
    },
    {
      name: 'a periodic add while an urgent run runs: periodic at once',
      ran: 'urgent',
      outcome: { requeueAfter: 5000 },
      addedWhileRunning: 'periodic',
      next: 'a:periodic',
    },
  ];
  for (const c of cases) {
    const h = harness({ concurrency: 1, resyncInterval: 60_000, baseBackoff: 1000 });
    h.queue.add('a', c.ran);
    await settle();
    if (c.addedWhileRunning) {
      h.queue.add('a', c.addedWhileRunning);
      h.queue.add('a', c.addedWhileRunning);
    }
    await h.finish('a', c.outcome);
    await h.clock.advance(60_000);
    assert.deepEqual(h.starts, [`a:${c.ran}`, c.next], c.name);
  }
});

test('addAfter: the earlier schedule wins, at the same time the more urgent one', async () => {
  const cases: { name: string; first: [number, Lane]; second: [number, Lane]; fires: [number, string] }[] = [
    {
      name: 'an earlier periodic beats a later urgent',
      first: [1000, 'periodic'],
      second: [2000, 'urgent'],
      fires: [1000, 'a:periodic'],
    },
    {
      name: 'an earlier urgent replaces a later periodic',
      first: [2000, 'periodic'],
      second: [1000, 'urgent'],
      fires: [1000, 'a:urgent'],
    },
    {
      name: 'same time: urgent replaces periodic',
      first: [1000, 'periodic'],
      second: [1000, 'urgent'],
      fires: [1000, 'a:urgent'],
    },
    {
      name: 'same time: urgent stays',
      first: [1000, 'urgent'],
      second: [1000, 'periodic'],
      fires: [1000, 'a:urgent'],
    },
  ];
  for (const c of cases) {
    const h = harness({ concurrency: 1 });
    h.queue.addAfter('a', ...c.first);
    h.queue.addAfter('a', ...c.second);
    assert.deepEqual(h.clock.pending(), [c.fires[0]], c.name);
    await h.clock.advance(c.fires[0]);
    assert.deepEqual(h.starts, [c.fires[1]], c.name);
  }
});

test('the observer sees each lane: its depth, and the wait since a key entered it', async () => {
  const depths: string[] = [];
  const waits: string[] = [];
  const h = harness(
    {
      concurrency: 1,
      observer: {
        depth: (d, lane) => depths.push(`${lane}=${d}`),
        started: (k, w, lane) => waits.push(`${k}:${lane}:${w}`),
      },
    },
    { start: false },
  );
  h.queue.add('p1', 'periodic');
  h.queue.add('p2', 'periodic');
  await h.clock.advance(100);
  h.queue.add('p2', 'urgent');
  assert.deepEqual(depths, ['periodic=1', 'periodic=2', 'periodic=1', 'urgent=1']);
  assert.equal(h.queue.laneDepth('urgent'), 1);
  assert.equal(h.queue.laneDepth('periodic'), 1);
  assert.equal(h.queue.depth, 2);
  assert.equal(h.queue.oldestWaitingSince, 0, 'the oldest waiting key of either lane');
  await h.clock.advance(50);
  h.queue.start();
  await settle();
  await h.clock.advance(25);
  await h.finish('p2', { requeueAfter: null });
  assert.deepEqual(waits, ['p2:urgent:50', 'p1:periodic:175'], 'a promoted key waits from its promotion');
  assert.deepEqual(depths.slice(4), ['urgent=0', 'periodic=0']);
});
