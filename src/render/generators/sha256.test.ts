import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { sha256Hex } from './sha256.js';

test('sha256Hex: the standard test vectors', () => {
  const vectors: [string, string][] = [
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ];
  for (const [text, want] of vectors) assert.equal(sha256Hex(text), want, JSON.stringify(text));
});

test('sha256Hex agrees with node:crypto across block boundaries and UTF-8 text', () => {
  const pieces = ['a', 'é', '€', '😀', '{"k":"v"}', '\n', '\u0000'];
  let text = '';
  for (let i = 0; i < 700; i++) {
    const want = createHash('sha256').update(text).digest('hex');
    assert.equal(sha256Hex(text), want, `length ${text.length}`);
    text += pieces[(i * 7) % pieces.length];
  }
  const big = 'x'.repeat(200_000);
  assert.equal(sha256Hex(big), createHash('sha256').update(big).digest('hex'));
});
