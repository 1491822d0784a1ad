import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from '../../test/support/fake-clock.js';
import { WorkQueue, type WorkResult } from './queue.js';

test('dueIn: the time until a key is queued by its pending schedule, none once it runs or without one', async () => {
  const clock = new FakeClock(0);
  let answer: WorkResult = { requeueAfter: 1000 };
  const queue = new WorkQueue({
    clock,
    random: () => 0,
    concurrency: 1,
    resyncInterval: 180_000,
    worker: async () => answer,
  });
  queue.start();
  assert.equal(queue.dueIn('a'), undefined, 'never seen');
  queue.addAfter('a', 5000);
  await clock.advance(2000);
  assert.equal(queue.dueIn('a'), 3000);
  await clock.advance(3000);
  await queue.whenIdle();
  // The run asked for a re-check in a second: idle, yet due soon.
  assert.equal(queue.dueIn('a'), 1000);
  answer = {};
  await clock.advance(1000);
  await queue.whenIdle();
  await settle();
  assert.equal(queue.dueIn('a'), 180_000, 'the jittered poll (random 0: the full interval)');
  queue.forget('a');
  assert.equal(queue.dueIn('a'), undefined);
  await queue.stop();
});
