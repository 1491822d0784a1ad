import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from '../../test/support/fake-clock.js';
import { WorkQueue, type WorkQueueOptions, type WorkResult } from './queue.js';

interface Harness {
  clock: FakeClock;
  queue: WorkQueue;
  log: string[];
  /** Resolves (or rejects) the oldest running call for the key. */
  finish(key: string, outcome?: WorkResult | Error): Promise<void>;
  running(): string[];
}

function harness(opts: Partial<WorkQueueOptions> = {}): Harness {
  const clock = new FakeClock(0);
  const log: string[] = [];
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
  });
  queue.start();
  return {
    clock,
    queue,
    log,
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
