/**
 * Failures around the controller: killed mid-sync (a real process, SIGKILL) and restarted
 * against a changed Git; and the API server going away while the controller runs (every
 * connection dropped and refused for a while, through a TCP proxy, as a restart looks to clients).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createClusterClient } from '../../src/kube/index.js';
import { testNamespace } from '../support/cluster.js';
import {
  ApiProxy,
  appManifest,
  condition,
  configMap,
  e2eEnv,
  spawnController,
  waitFor,
  yaml,
} from './support.js';

const _root = join(import.meta.dirname, '..', '..');
const env = await e2eEnv('restart');
const cache = await mkdtemp(join(tmpdir(), 'trueup-restart-cache-'));
after(() => rm(cache, { recursive: true, force: true }));

async function tracked(ns: string, app: string): Promise<string[]> {
  const list = await env.client.list('v1', 'ConfigMap', { namespace: ns });
  return list.items
    .filter((o) => o.metadata.annotations?.['trueup.dev/tracking-id']?.startsWith(`${env.appNs}/${app}:`))
    .map((o) => o.metadata.name ?? '')
    .sort();
}

test('a controller killed mid-sync, restarted against a newer commit, converges without duplicates or orphans', async () => {
  const dest = await testNamespace('restart-dest');
  const repo = await env.git.createRepo('big');
  const N = 150;
  const files: Record<string, string> = {};
  const name = (i: number) => `cm-${String(i).padStart(3, '0')}`;
  // Wave 0: the first half and a claim no volume ever satisfies (Pending = Progressing), so the
  // sync applies wave 0 and then waits on its health for as long as we like: the kill lands
  // mid-sync by construction, not by timing. Wave 1: the second half.
  const inWave = (i: number) => {
    const cm = JSON.parse(configMap(name(i), { i: String(i) })) as { metadata: Record<string, unknown> };
    cm.metadata.annotations = { 'trueup.dev/sync-wave': i < N / 2 ? '0' : '1' };
    return JSON.stringify(cm, null, 2);
  };
  for (let i = 0; i < N; i++) files[`big/${name(i)}.yaml`] = inWave(i);
  files['big/blocker.yaml'] = JSON.stringify({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'blocker', annotations: { 'trueup.dev/sync-wave': '0' } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'trueup-test-no-such-class',
      resources: { requests: { storage: '1Mi' } },
    },
  });
  await repo.commit(files);
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(appManifest('big', env.appNs, env.git.url('big'), 'big', dest)),
  );

  const first = spawnController(
    env,
    cache,
    ['--metrics-address', '', '--concurrency', '2', '--log-level', 'error'],
    'ignore',
  );
  const exited = new Promise((r) => first.once('exit', r));
  after(() => first.kill('SIGKILL'));
  const firstHalf = Array.from({ length: N / 2 }, (_, i) => name(i));
  await waitFor(
    'wave 0 applied (and the sync waiting on the claim)',
    async () =>
      JSON.stringify(await tracked(dest, 'big')) === JSON.stringify(firstHalf) &&
      (await env.get('v1', 'PersistentVolumeClaim', dest, 'blocker')),
    120_000,
  );
  first.kill('SIGKILL');
  await exited;
  assert.deepEqual(await tracked(dest, 'big'), firstHalf, 'killed mid-sync: wave 1 never applied');

  // Git moves on while the controller is down: the first half (and the claim) leave.
  const removed: Record<string, null> = { 'big/blocker.yaml': null };
  for (let i = 0; i < N / 2; i++) removed[`big/${name(i)}.yaml`] = null;
  const sha = await repo.commit(removed, 'drop the first half');

  const second = await env.controller();
  const app = await waitFor(
    'big Ready at the new commit',
    async () => {
      const a = await env.app('big');
      return a?.status?.sync?.revision === sha && condition(a, 'Ready')?.status === 'True' && a;
    },
    120_000,
  );
  const expected = Array.from({ length: N / 2 }, (_, i) => name(i + N / 2));
  // Prune deletes with foreground propagation: the garbage collector removes them shortly after.
  await waitFor('exactly the desired objects, none left over', async () => {
    return JSON.stringify(await tracked(dest, 'big')) === JSON.stringify(expected);
  });
  assert.equal(app.status?.resources?.length, N / 2);
  const names = app.status?.resources?.map((r) => r.name) ?? [];
  assert.equal(new Set(names).size, names.length, 'no duplicates in the inventory');
  assert.deepEqual([...names].sort(), expected);
  await second.stop();
});

test('the API server going away while the controller runs: it resumes its watches and keeps converging', async () => {
  const dest = await testNamespace('outage-dest');
  const repo = await env.git.createRepo('outage');
  await repo.commit({ 'app/config.yaml': configMap('outage-config', { v: '1' }) });
  const server = env.kubeConfig.getCurrentCluster()?.server ?? '';
  const proxy = await ApiProxy.start(new URL(server));
  after(() => proxy.close());
  const proxied = await createClusterClient(proxy.kubeConfigVia(env.kubeConfig));
  after(() => proxied.close());
  const controller = await env.controller({ client: proxied });
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(appManifest('outage', env.appNs, env.git.url('outage'), 'app', dest)),
  );
  await waitFor('outage Ready', async () => condition(await env.app('outage'), 'Ready')?.status === 'True');
  const v = async () =>
    ((await env.get('v1', 'ConfigMap', dest, 'outage-config'))?.data as { v?: string })?.v;

  proxy.outage();
  // While it is away: a manual edit and a new commit.
  await env.kubectl([
    'patch',
    'configmap',
    '-n',
    dest,
    'outage-config',
    '--type=merge',
    '-p',
    '{"data":{"v":"edited"}}',
  ]);
  const sha = await repo.commit({ 'app/config.yaml': configMap('outage-config', { v: '2' }) });
  // The outage is seen for sure before it ends: a watch fails to re-establish. A failed wait fails the test.
  await waitFor(
    'the controller to notice the outage (a watch failing)',
    async () => controller.appInformers.some((i) => i.failing),
    60_000,
  );
  proxy.restore();

  // The edit made while it was away is reverted once its watch resumes (or relists).
  await waitFor('edit reverted', async () => (await v()) === '1', 60_000);
  // A refresh then brings the new commit.
  await env.kubectl(['annotate', '-n', env.appNs, 'tapp/outage', 'trueup.dev/refresh=normal']);
  await waitFor('new commit applied', async () => (await v()) === '2', 60_000);
  await waitFor('revision reported', async () => (await env.app('outage'))?.status?.sync?.revision === sha);
  // And it still reacts to live changes at once.
  await env.kubectl([
    'patch',
    'configmap',
    '-n',
    dest,
    'outage-config',
    '--type=merge',
    '-p',
    '{"data":{"v":"again"}}',
  ]);
  await waitFor('second edit reverted', async () => (await v()) === '2', 60_000);
});
