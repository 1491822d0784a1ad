import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { fdWriter, quietOnClosedPipe } from './io.js';

function errno(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/** A write(2) double: takes at most `chunk` bytes per call, fails as `fail` says. */
function fakeFd(chunk: number, fail: (call: number) => Error | undefined) {
  const written: number[] = [];
  let calls = 0;
  const write = (fd: number, bytes: Uint8Array, offset: number, length: number): number => {
    assert.equal(fd, 1);
    const err = fail(calls++);
    if (err) throw err;
    const n = Math.min(chunk, length);
    written.push(...bytes.subarray(offset, offset + n));
    return n;
  };
  return { write, text: () => Buffer.from(written).toString() };
}

function fakeStream() {
  const chunks: string[] = [];
  return {
    write: (c: string | Uint8Array) => chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString()),
    chunks,
  };
}

test('fdWriter writes everything with write(2), over partial writes, UTF-8 encoded', () => {
  const fd = fakeFd(3, () => undefined);
  const stream = fakeStream();
  const out = fdWriter(1, () => stream, fd.write);
  out('apiVersion: v1\n');
  out('name: é😀\n');
  assert.equal(fd.text(), 'apiVersion: v1\nname: é😀\n');
  assert.deepEqual(stream.chunks, []);
});

test('fdWriter hands the rest to the stream when a write fails, and keeps to the stream', () => {
  for (const code of ['EAGAIN', 'EIO']) {
    const fd = fakeFd(4, (call) => (call === 2 ? errno(code) : undefined));
    const stream = fakeStream();
    const out = fdWriter(1, () => stream, fd.write);
    out('0123456789abcdef');
    out('later');
    assert.equal(fd.text(), '01234567', code);
    assert.deepEqual(stream.chunks, ['89abcdef', 'later'], code);
  }
});

test('fdWriter drops the rest and every later text once the reader has closed the pipe (EPIPE)', () => {
  const fd = fakeFd(4, (call) => (call === 1 ? errno('EPIPE') : undefined));
  const stream = fakeStream();
  const out = fdWriter(1, () => stream, fd.write);
  out('0123456789');
  out('later');
  assert.equal(fd.text(), '0123');
  assert.deepEqual(stream.chunks, []);
});

test('quietOnClosedPipe ignores EPIPE on the stream and rethrows other errors', () => {
  const stream = quietOnClosedPipe(new EventEmitter());
  stream.emit('error', errno('EPIPE'));
  assert.throws(() => stream.emit('error', errno('EIO')), /EIO/);
});
