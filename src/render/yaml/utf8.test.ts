import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8PerByte, firstInvalidUtf8 } from './utf8.js';

const b = (...x: number[]) => new Uint8Array(x);

test('firstInvalidUtf8: the offset of the first byte Go would refuse, -1 for valid text', () => {
  for (const [bytes, want] of [
    [new TextEncoder().encode('héllo €𝄞'), -1],
    [b(0x61, 0xff), 1],
    [b(0xc0, 0x80), 0], // overlong
    [b(0xed, 0xa0, 0x80), 0], // surrogate
    [b(0x61, 0xe2, 0x82), 1], // truncated
    [b(0xf4, 0x90, 0x80, 0x80), 0], // above U+10FFFF
  ] as const)
    assert.equal(firstInvalidUtf8(bytes), want, String(bytes));
});

test('decodeUtf8PerByte: one U+FFFD per invalid byte, as Go prints a string through JSON', () => {
  assert.equal(decodeUtf8PerByte(b(0x68, 0x69)), 'hi');
  assert.equal(decodeUtf8PerByte(b(0xff, 0xfe, 0x61)), '\ufffd\ufffda');
  assert.equal(decodeUtf8PerByte(b(0x61, 0xe2, 0x82)), 'a\ufffd\ufffd');
});
