import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedLabel, OVERFLOW_LABEL, sanitizeRepoURL } from './labels.js';

describe('sanitizeRepoURL', () => {
  const cases: [string, string][] = [
    ['https://git.example.com/org/repo.git', 'https://git.example.com/org/repo.git'],
    ['https://user:token@git.example.com/org/repo.git', 'https://git.example.com/org/repo.git'],
    ['https://ghp_abc@github.com/o/r', 'https://github.com/o/r'],
    ['http://127.0.0.1:8080/r.git?access_token=x#y', 'http://127.0.0.1:8080/r.git'],
    ['ssh://git@github.com/o/r.git', 'ssh://github.com/o/r.git'],
    ['git@github.com:o/r.git', 'github.com:o/r.git'],
    ['github.com:o/r.git', 'github.com:o/r.git'],
    ['/srv/git/repo', '/srv/git/repo'],
    ['', ''],
    ['https://[bad', 'invalid'],
    ['weird@thing/with/slash', 'invalid'],
  ];
  for (const [input, expected] of cases) {
    it(`${input || '(empty)'} -> ${expected || '(empty)'}`, () => {
      assert.equal(sanitizeRepoURL(input), expected);
    });
  }
});

describe('BoundedLabel', () => {
  it('keeps the first N distinct values and maps the rest to the overflow label', () => {
    const b = new BoundedLabel(2);
    assert.equal(b.value('a'), 'a');
    assert.equal(b.value('b'), 'b');
    assert.equal(b.value('c'), OVERFLOW_LABEL);
    assert.equal(b.value('a'), 'a');
  });
});
