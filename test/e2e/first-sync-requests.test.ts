/**
 * The requests of a first sync (issue 20): what does not exist yet is known from the informers
 * (synced for its kind), not read by a GET or a LIST per app; status is written once per app.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createClusterClient } from '../../src/kube/index.js';
import { testNamespace } from '../support/cluster.js';
import { countingReconciles } from '../support/counting-metrics.js';
import { appManifest, condition, configMap, e2eEnv, waitFor } from './support.js';

const env = await e2eEnv('requests');

test('a first sync of 3 apps x 6 ConfigMaps in one namespace: no GET or LIST per object, one status write and one pass per app', async () => {
  const dest = await testNamespace('requests-dest');
  const repo = await env.git.createRepo('requests');
  const apps = ['p0', 'p1', 'p2'];
  const files: Record<string, string> = {};
  for (const a of apps)
    for (let i = 0; i < 6; i++) files[`${a}/cm-${i}.yaml`] = configMap(`${a}-cm-${i}`, { i: String(i) });
  await repo.commit(files);
  // One object exists already, not ours (no tracking id): it is read (GET) and taken over.
  await env.client.create(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p0-cm-0', namespace: dest }, data: { i: 'x' } },
    { fieldManager: 'someone' },
  );
  for (const a of apps)
    await env.client.create(appManifest(a, env.appNs, env.git.url('requests'), a, dest), {
      fieldManager: 'test',
    });

  // The controller's own client: its counter holds the controller's requests only.
  const client = await createClusterClient(env.kubeConfig);
  after(() => client.close());
  const counting = countingReconciles();
  const controller = await env.controller({ client, metrics: counting.metrics });
  await waitFor('all apps Ready', async () => {
    const all = await Promise.all(apps.map((a) => env.app(a)));
    return all.every((app) => condition(app, 'Ready')?.status === 'True');
  });
  await controller.queue.whenIdle();
  const counts = client.counter.snapshot();
  const informerLists = [...controller.appInformers, ...controller.managed.values()].reduce(
    (n, i) => n + i.lists,
    0,
  );
  assert.equal(counts.get, 1, 'only the object that existed is read by GET');
  assert.equal(counts.list, informerLists, "no LIST besides the informers' own");
  assert.equal(counts.dryRunApply, 1, 'only the existing object is compared by a dry run');
  assert.equal(counts.apply, 18, 'one apply per object');
  assert.equal(counts.patchStatus, apps.length, 'one status write per app');
  // The watch echoes of its 18 applies (some arrive before the apply's answer) queue no pass.
  assert.equal(counting.passes(), apps.length, 'one pass per app');
  const live = await env.get('v1', 'ConfigMap', dest, 'p0-cm-0');
  assert.deepEqual(live?.data, { i: '0' });
});

test("an event of an object tracked for an app this replica does not hold (another shard's) queues no pass", async () => {
  const dest = await testNamespace('requests-foreign');
  const repo = await env.git.createRepo('requests-foreign');
  await repo.commit({ 'x/cm.yaml': configMap('x-cm', { i: '1' }) });
  await env.client.create(appManifest('x', env.appNs, env.git.url('requests-foreign'), 'x', dest), {
    fieldManager: 'test',
  });
  const counting = countingReconciles();
  const controller = await env.controller({ metrics: counting.metrics });
  await waitFor('x Ready', async () => condition(await env.app('x'), 'Ready')?.status === 'True');
  await controller.queue.whenIdle();
  const before = counting.passes();
  // What another shard's replica would have applied for its app "y".
  await env.client.create(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'y-cm',
        namespace: dest,
        annotations: { 'trueup.dev/tracking-id': `${env.appNs}/y:/ConfigMap:${dest}/y-cm` },
      },
      data: { i: '1' },
    },
    { fieldManager: 'other-shard' },
  );
  const informer = controller.managed.get('v1|ConfigMap');
  await waitFor('the informer holds y-cm', async () => informer?.store.has(`/ConfigMap/${dest}/y-cm`));
  await controller.queue.whenIdle();
  assert.equal(counting.passes(), before, 'no pass for an app this replica does not hold');
});
