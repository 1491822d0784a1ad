import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiBaseOf, type ForgeTarget, latestState, listRequest, repoOf, statusRequest } from './forge.js';

test('apiBaseOf and repoOf: where the commit statuses of an app live', () => {
  assert.equal(apiBaseOf('github', undefined), 'https://api.github.com');
  assert.equal(apiBaseOf('github', 'https://ghe.example/api/v3/'), 'https://ghe.example/api/v3');
  assert.equal(apiBaseOf('gitlab', undefined), 'https://gitlab.com/api/v4');
  assert.equal(apiBaseOf('gitlab', 'https://git.example/api/v4'), 'https://git.example/api/v4');
  assert.equal(apiBaseOf('gitea', 'http://127.0.0.1:3000/'), 'http://127.0.0.1:3000/api/v1');
  assert.throws(() => apiBaseOf('gitea', undefined), /gitea needs spec.address/);
  assert.equal(repoOf('github', 'https://github.com/org/config.git'), 'org/config');
  assert.equal(repoOf('gitea', 'http://127.0.0.1:3000/org/config'), 'org/config');
  assert.equal(repoOf('gitlab', 'https://gitlab.com/group/sub/config.git'), 'group/sub/config');
  assert.throws(() => repoOf('github', 'https://github.com/config.git'), /names no owner\/repository/);
});

const target = (type: ForgeTarget['type']): ForgeTarget => ({
  type,
  apiBase: type === 'gitlab' ? 'https://gl/api/v4' : 'https://api',
  repo: type === 'gitlab' ? 'g/sub/r' : 'o/r',
  token: 'TOKEN',
});

test('statusRequest: each forge its path, auth header and state names', () => {
  const post = {
    sha: 'abc',
    state: 'pending' as const,
    context: 'trueup/ns/app',
    description: 'x'.repeat(200),
  };
  const gh = statusRequest(target('github'), { ...post, targetUrl: 'https://ui/app' });
  assert.equal(gh.url, 'https://api/repos/o/r/statuses/abc');
  assert.equal(gh.headers.authorization, 'Bearer TOKEN');
  assert.deepEqual(JSON.parse(gh.body ?? ''), {
    state: 'pending',
    context: 'trueup/ns/app',
    description: 'x'.repeat(140),
    target_url: 'https://ui/app',
  });
  const gt = statusRequest(target('gitea'), post);
  assert.equal(gt.headers.authorization, 'token TOKEN');
  assert.equal(JSON.parse(gt.body ?? '').target_url, undefined);
  const gl = statusRequest(target('gitlab'), { ...post, state: 'failure' });
  assert.equal(gl.url, 'https://gl/api/v4/projects/g%2Fsub%2Fr/statuses/abc');
  assert.equal(gl.headers['private-token'], 'TOKEN');
  assert.deepEqual(JSON.parse(gl.body ?? ''), {
    state: 'failed',
    name: 'trueup/ns/app',
    description: 'x'.repeat(140),
  });
  assert.equal(JSON.parse(statusRequest(target('gitlab'), post).body ?? '').state, 'running');
  assert.match(
    listRequest(target('gitea'), 'abc', 'c').url,
    /^https:\/\/api\/repos\/o\/r\/commits\/abc\/statuses/,
  );
  assert.match(listRequest(target('gitlab'), 'abc', 'c').url, /repository\/commits\/abc\/statuses\?name=c/);
});

test('latestState: the newest status of the context, whatever order the forge listed', () => {
  const list = JSON.stringify([
    { id: 1, context: 'trueup/ns/app', state: 'pending' },
    { id: 3, context: 'trueup/ns/app', status: 'success' },
    { id: 4, context: 'other', state: 'failure' },
    { id: 2, name: 'trueup/ns/app', status: 'failed' },
  ]);
  assert.equal(latestState(list, 'trueup/ns/app'), 'success');
  assert.equal(latestState(list, 'other'), 'failure');
  assert.equal(latestState(list, 'none'), undefined);
  assert.equal(latestState('not json', 'x'), undefined);
  assert.equal(latestState(JSON.stringify([{ id: 1, name: 'c', status: 'running' }]), 'c'), 'pending');
});
