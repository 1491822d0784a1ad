import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from '../../test/support/fake-clock.js';
import { pushedBody } from '../../test/support/pushed-body.js';
import { readLines } from './watch-lines.js';

const event = (name: string) => `${JSON.stringify({ type: 'MODIFIED', object: { metadata: { name } } })}\n`;
const nameOf = (line: string) =>
  (JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name;

/** A reader over a pushed body with a manual clock; `batches` groups the lines by the read that handed them on. */
function reader(coalesceMs: number, highWaterMark?: number) {
  const clock = new FakeClock(0);
  const stream = pushedBody(highWaterMark);
  const batches: string[][] = [];
  let current: string[] | undefined;
  const done = readLines(
    stream.body,
    (line) => {
      if (!current) {
        current = [];
        batches.push(current);
        // A batch is what one read hands on synchronously; the next tick starts another.
        queueMicrotask(() => {
          current = undefined;
        });
      }
      current.push(nameOf(line));
    },
    { coalesceMs, timer: clock },
  );
  /** Ends the body; its end, like its bytes, waits for an open window to close. */
  const finish = async () => {
    stream.end();
    await clock.advance(100);
    await done;
  };
  return { clock, stream, batches, done, finish };
}

test('a lone event after a quiet spell is handed on at once, with no wait', async () => {
  const r = reader(100);
  r.stream.send(event('a'));
  await settle();
  assert.deepEqual(r.batches, [['a']]);
  // The window it opened ends with nothing read: the reader is idle again, and the next lone event goes at once.
  await r.clock.advance(100);
  assert.deepEqual(r.clock.pending(), []);
  r.stream.send(event('b'));
  await settle();
  assert.deepEqual(r.batches, [['a'], ['b']]);
  await r.finish();
});

test('events arriving within the window wait for its end and are handed on in one batch', async () => {
  const r = reader(100);
  r.stream.send(event('a'));
  await settle();
  r.stream.send(event('b'));
  await settle();
  r.stream.send(event('c'));
  await settle();
  await r.clock.advance(99);
  assert.deepEqual(r.batches, [['a']], 'nothing before the window ends');
  await r.clock.advance(1);
  assert.deepEqual(r.batches, [['a'], ['b', 'c']]);
  // Something came in that window, so more is likely: another window is open.
  assert.deepEqual(r.clock.pending(), [100]);
  await r.finish();
});

test('a line split over chunks in the window is handed on whole, once', async () => {
  const r = reader(100);
  const line = event('é€😀');
  const bytes = Buffer.from(line);
  const cut = bytes.indexOf(Buffer.from('€')) + 1;
  r.stream.body.push(bytes.subarray(0, cut));
  await settle();
  r.stream.body.push(bytes.subarray(cut));
  await settle();
  await r.clock.advance(100);
  assert.deepEqual(r.batches.flat(), ['é€😀']);
  await r.finish();
});

test('a full buffer is read on at once (no window holds back a backlog)', async () => {
  const r = reader(100, 256);
  r.stream.send(event('a'));
  await settle();
  for (const n of ['b', 'c', 'd', 'e', 'f', 'g']) r.stream.send(event(n));
  await settle();
  assert.deepEqual(r.batches, [['a']]);
  await r.clock.advance(100);
  assert.deepEqual(r.batches, [['a'], ['b', 'c', 'd', 'e', 'f', 'g']]);
  assert.deepEqual(r.clock.pending(), [], 'no window after a full buffer');
  r.stream.send(event('h'));
  await settle();
  assert.deepEqual(r.batches.at(-1), ['h']);
  await r.finish();
});

test('coalesceMs 0 hands on each chunk as it arrives and never sets a timer', async () => {
  const r = reader(0);
  for (const n of ['a', 'b', 'c']) {
    r.stream.send(event(n));
    await settle();
  }
  assert.deepEqual(r.batches, [['a'], ['b'], ['c']]);
  assert.deepEqual(r.clock.pending(), []);
  await r.finish();
});

test('the end of the body inside a window: every line (the last without a newline) is handed on, the window is dropped', async () => {
  const r = reader(100);
  r.stream.send(event('a'));
  await settle();
  r.stream.send(`${event('b')}${event('c').trim()}`);
  r.stream.end();
  await settle();
  await r.clock.advance(100);
  await r.done;
  assert.deepEqual(r.batches.flat(), ['a', 'b', 'c']);
  assert.deepEqual(r.clock.pending(), []);
});

test('onLine throwing stops the reader: no line after it, the body destroyed, the window dropped', async () => {
  const clock = new FakeClock(0);
  const stream = pushedBody();
  const seen: string[] = [];
  const done = readLines(
    stream.body,
    (line) => {
      seen.push(nameOf(line));
      if (nameOf(line) === 'b') throw new Error('stop at b');
    },
    { coalesceMs: 100, timer: clock },
  );
  stream.send(event('a'));
  await settle();
  stream.send(`${event('b')}${event('c')}`);
  const rejected = assert.rejects(done, /stop at b/);
  await clock.advance(100);
  await rejected;
  assert.deepEqual(seen, ['a', 'b']);
  assert.equal(stream.body.destroyed, true);
  assert.deepEqual(clock.pending(), []);
});

test("the body's error rejects the reader and drops an open window", async () => {
  const r = reader(100);
  r.stream.send(event('a'));
  await settle();
  const rejected = assert.rejects(r.done, /connection reset/);
  r.stream.fail(new Error('connection reset'));
  await rejected;
  assert.deepEqual(r.clock.pending(), []);
});
