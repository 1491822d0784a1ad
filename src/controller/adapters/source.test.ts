import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GitSource } from '../../source/index.js';
import { GitSourcePort } from './source.js';

/** A GitSource whose ref answers are the commits pushed so far; counts its ref queries. */
function fakeGit() {
  const git = { head: 'c1', queries: 0 };
  const source = {
    resolve: async () => {
      git.queries++;
      return { commit: git.head, text: `main@sha1:${git.head}` };
    },
  } as unknown as GitSource;
  return { git, source };
}

test('a shared ref answer serves apps within its ttl, but not an app seen after it was asked', async () => {
  const { git, source } = fakeGit();
  let now = 1_000;
  const port = new GitSourcePort(source, 5_000, () => now);
  const resolve = (notBefore?: number) =>
    port.resolve('https://git.example/r.git', 'main', { force: false, notBefore });

  assert.equal((await resolve(1_000)).revision, 'c1');
  now = 2_000;
  git.head = 'c2'; // pushed, then an app is created (seen at 2,000)
  assert.equal((await resolve()).revision, 'c1', 'an app seen earlier shares the answer of 1,000');
  assert.equal((await resolve(900)).revision, 'c1', 'so does one seen before the answer was asked');
  assert.equal(git.queries, 1);
  assert.equal((await resolve(2_000)).revision, 'c2', 'the new app asks again');
  assert.equal(git.queries, 2);
  now = 2_500;
  assert.equal((await resolve(2_000)).revision, 'c2', 'and its answer is shared from then on');
  assert.equal((await resolve()).revision, 'c2');
  assert.equal(git.queries, 2);
  now = 7_000;
  assert.equal((await resolve()).revision, 'c2');
  assert.equal(git.queries, 3, 'past the ttl every app asks again');
});
