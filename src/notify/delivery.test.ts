import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from '../../test/support/fake-clock.js';
import { type DeliveryJob, DeliveryQueue, type DeliveryResult } from './delivery.js';
import { NotifyError, NotifyErrorCode, retryAfterMs } from './errors.js';

function harness(rate = 60, maxAgeMs = 60_000) {
  const clock = new FakeClock();
  const counted: [string, DeliveryResult][] = [];
  const queue = new DeliveryQueue({
    clock,
    ratePerMinute: () => rate,
    maxAgeMs,
    baseBackoffMs: 1000,
    maxBackoffMs: 8000,
    count: (provider, _type, result) => counted.push([provider, result]),
  });
  const done: string[] = [];
  const job = (provider: string, name: string, send: DeliveryJob['send']): DeliveryJob => ({
    provider,
    type: 'webhook',
    describe: name,
    send,
    done: (result) => done.push(`${name}:${result}`),
  });
  return { clock, queue, counted, done, job };
}

test('retryAfterMs: delay-seconds, an HTTP date, or nothing usable', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfterMs('30', now), 30_000);
  assert.equal(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
  assert.equal(retryAfterMs('soon', now), undefined);
  assert.equal(retryAfterMs(undefined, now), undefined);
});

test('DeliveryQueue: transient failures back off exponentially; a 429 waits its Retry-After', async () => {
  const h = harness();
  const answers = [
    new NotifyError(NotifyErrorCode.ServerError, 'HTTP 500'),
    new NotifyError(NotifyErrorCode.Network, 'ECONNRESET'),
    new NotifyError(NotifyErrorCode.RateLimited, '429', { retryAfterMs: 30_000 }),
  ];
  let calls = 0;
  h.queue.add(
    h.job('ns/p', 'a', async () => {
      calls++;
      const e = answers.shift();
      if (e) throw e;
      return 'sent';
    }),
  );
  await settle();
  assert.equal(calls, 1);
  assert.deepEqual(h.clock.pending(), [1000], 'first back-off: 1 s');
  await h.clock.advance(1000);
  assert.equal(calls, 2);
  assert.deepEqual(h.clock.pending(), [2000], 'second back-off: doubled');
  await h.clock.advance(2000);
  assert.equal(calls, 3);
  assert.deepEqual(h.clock.pending(), [30_000], "the 429's Retry-After, not the back-off");
  await h.clock.advance(29_999);
  assert.equal(calls, 3, 'nothing sent before Retry-After');
  await h.clock.advance(1);
  assert.equal(calls, 4);
  await h.queue.idle();
  assert.deepEqual(h.done, ['a:sent']);
  assert.deepEqual(
    h.counted.map((c) => c[1]),
    ['retried', 'retried', 'retried', 'sent'],
  );
});

test('DeliveryQueue: a terminal failure is not retried; a job older than maxAge is dropped', async () => {
  const h = harness(60, 5000);
  h.queue.add(
    h.job('ns/p', 'bad', async () => {
      throw new NotifyError(NotifyErrorCode.Rejected, 'HTTP 401');
    }),
  );
  let calls = 0;
  h.queue.add(
    h.job('ns/p', 'down', async () => {
      calls++;
      throw new NotifyError(NotifyErrorCode.ServerError, 'HTTP 503');
    }),
  );
  await settle();
  await h.clock.advance(1000);
  await h.clock.advance(2000);
  // Tries at 0, 1 s and 3 s; the next back-off (4 s) would end past the 5 s bound: dropped
  // at once, not after another wait.
  await h.queue.idle();
  assert.deepEqual(h.done, ['bad:failed', 'down:dropped']);
  assert.equal(calls, 3);
  assert.deepEqual(
    h.counted.map((c) => c[1]),
    ['failed', 'retried', 'retried', 'dropped'],
  );
});

test('DeliveryQueue: per-provider rate limit, in order; other providers are not held', async () => {
  const h = harness(6); // 6 per minute: a bucket of 1, one token every 10 s
  const order: string[] = [];
  const send = (name: string) => async () => {
    order.push(name);
    return 'sent' as const;
  };
  h.queue.add(h.job('ns/slow', 's1', send('s1')));
  h.queue.add(h.job('ns/slow', 's2', send('s2')));
  h.queue.add(h.job('ns/slow', 's3', send('s3')));
  h.queue.add(h.job('ns/other', 'o1', send('o1')));
  await settle();
  assert.deepEqual(order, ['s1', 'o1'], 'the other provider is not behind the slow one');
  await h.clock.advance(9_999);
  assert.deepEqual(order, ['s1', 'o1']);
  await h.clock.advance(1);
  assert.deepEqual(order, ['s1', 'o1', 's2']);
  await h.clock.advance(10_000);
  assert.deepEqual(order, ['s1', 'o1', 's2', 's3']);
  await h.queue.idle();
});
