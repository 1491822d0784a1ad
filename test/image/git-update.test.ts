/**
 * GitUpdater against the real Git HTTP server (git http-backend): one commit with only the
 * marked line changed; nothing to change → no commit; a concurrent commit to the branch is
 * fetched and the edit re-applied on top; the automation's own commit changes nothing on the
 * next run; a push branch other than the checkout branch.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ImageRef } from '../../src/api/image-policy.js';
import { GitUpdater } from '../../src/image/git-update.js';
import { nodeHttpClient } from '../../src/source/index.js';
import { GitHttpServer, gitCli } from '../support/git-server.js';

const server = await GitHttpServer.start();
const workDir = await mkdtemp(join(tmpdir(), 'trueup-image-git-'));
after(async () => {
  await server.close();
  await rm(workDir, { recursive: true, force: true });
});

const deployment = (tag: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api # the API
spec:
  template:
    spec:
      containers:
        - name: api
          image: "ghcr.io/org/api:${tag}" # {"$imagepolicy": "apps:api"}
        - name: sidecar
          image: ghcr.io/org/sidecar:v1 # no marker
`;

async function repoWith(name: string) {
  const repo = await server.createRepo(name);
  await gitCli(repo.bare, 'config', 'http.receivepack', 'true');
  await repo.commit({ 'apps/api/deployment.yaml': deployment('v1.2.3'), 'README.md': 'docs\n' }, 'init');
  return repo;
}

const refs = (tag: string): ReadonlyMap<string, ImageRef> =>
  new Map([['apps:api', { name: 'ghcr.io/org/api', tag }]]);
const updater = new GitUpdater({ workDir, http: nodeHttpClient });
const base = (name: string) => ({
  repoURL: server.url(name),
  branch: 'main',
  pushBranch: 'main',
  path: './apps',
  author: { name: 'Image Bot', email: 'bot@example.com' },
  now: new Date('2026-01-02T03:04:05Z'),
});

test('one commit, only the marked line changed, then nothing on the next run', async () => {
  const repo = await repoWith('one');
  const before = await gitCli(repo.bare, 'rev-parse', 'main');
  const result = await updater.update({
    ...base('one'),
    refs: refs('v1.2.4'),
    message: async (changes) => `bump ${changes.map((c) => `${c.oldValue} -> ${c.newValue}`).join(', ')}`,
  });
  assert.equal(result.kind, 'pushed');
  const head = await gitCli(repo.bare, 'rev-parse', 'main');
  assert.equal(result.kind === 'pushed' && result.commit, head);
  assert.equal(await gitCli(repo.bare, 'rev-parse', 'main~1'), before);
  assert.equal(
    await gitCli(repo.bare, 'log', '-1', '--format=%an <%ae>|%s'),
    'Image Bot <bot@example.com>|bump ghcr.io/org/api:v1.2.3 -> ghcr.io/org/api:v1.2.4',
  );
  const diff = await gitCli(repo.bare, 'diff', '--unified=0', 'main~1', 'main');
  const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
  assert.deepEqual(changed, [
    '-          image: "ghcr.io/org/api:v1.2.3" # {"$imagepolicy": "apps:api"}',
    '+          image: "ghcr.io/org/api:v1.2.4" # {"$imagepolicy": "apps:api"}',
  ]);
  const again = await updater.update({ ...base('one'), refs: refs('v1.2.4'), message: async () => 'x' });
  assert.deepEqual(again, { kind: 'unchanged', revision: `main@sha1:${head}` });
  assert.equal(await gitCli(repo.bare, 'rev-parse', 'main'), head);
});

test('a commit pushed concurrently is fetched and the edit is re-applied on top of it', async () => {
  const repo = await repoWith('race');
  let raced = false;
  const result = await updater.update({
    ...base('race'),
    refs: refs('v1.2.4'),
    message: async () => {
      if (!raced) {
        raced = true; // someone else pushes between our fetch and our push
        await repo.commit({ 'README.md': 'docs, edited concurrently\n' }, 'concurrent');
      }
      return 'bump';
    },
  });
  assert.equal(result.kind === 'pushed' && result.attempts, 2);
  assert.equal(await gitCli(repo.bare, 'log', '--format=%s', '-3', 'main'), 'bump\nconcurrent\ninit');
  assert.equal(await gitCli(repo.bare, 'show', 'main:README.md'), 'docs, edited concurrently');
  assert.match(await gitCli(repo.bare, 'show', 'main:apps/api/deployment.yaml'), /api:v1\.2\.4"/);
});

test('push to another branch: created from the checkout branch, then updated in place', async () => {
  const repo = await repoWith('pr');
  const main = await gitCli(repo.bare, 'rev-parse', 'main');
  const req = { ...base('pr'), pushBranch: 'image-updates', message: async () => 'bump' };
  await updater.update({ ...req, refs: refs('v1.2.4') });
  assert.equal(await gitCli(repo.bare, 'rev-parse', 'main'), main);
  assert.equal(await gitCli(repo.bare, 'rev-parse', 'image-updates~1'), main);
  await updater.update({ ...req, refs: refs('v1.2.5') });
  assert.equal(await gitCli(repo.bare, 'log', '--format=%s', 'image-updates'), 'bump\nbump\ninit');
});

test('a missing update path and a missing branch are errors naming them', async () => {
  await repoWith('missing');
  const req = { ...base('missing'), refs: refs('v1.2.4'), message: async () => 'x' };
  await assert.rejects(updater.update({ ...req, path: 'nope' }), /update.path nope: nope is not a directory/);
  await assert.rejects(
    updater.update({ ...req, branch: 'gone', pushBranch: 'gone' }),
    /branch gone not found/,
  );
});
