/**
 * The sync engine against the real API server: create, no-change (zero writes, zero dry-runs),
 * drift by kubectl restored, prune, Prune=false, empty render.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Annotation } from '../../src/api/application.js';
import { dryRunsIn, writesIn } from '../../src/kube/index.js';
import { actions, configMap, deployment, eventually, harness } from './harness.js';

test('first sync creates; a second sync with nothing changed makes zero writes and zero dry-runs', async () => {
  const h = await harness('sync-basic');
  const objects = [configMap('settings', { a: '1' }), deployment('web', { replicas: 2 })];
  const first = await h.run(objects);
  assert.equal(first.phase, 'Succeeded', first.message);
  assert.deepEqual(actions(first), { 'ConfigMap/settings': 'created', 'Deployment/web': 'created' });
  const cm = await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'settings' });
  assert.equal(cm?.metadata.annotations?.[Annotation.TrackingId], `${h.ns}/app:/ConfigMap:${h.ns}/settings`);
  const rv = cm?.metadata.resourceVersion;

  const before = h.client.counter.snapshot();
  const second = await h.run(objects);
  const used = h.client.counter.since(before);
  assert.equal(second.phase, 'Succeeded', second.message);
  assert.deepEqual(actions(second), { 'ConfigMap/settings': 'unchanged', 'Deployment/web': 'unchanged' });
  assert.equal(writesIn(used), 0, JSON.stringify(used));
  assert.equal(dryRunsIn(used), 0, JSON.stringify(used));
  const cm2 = await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'settings' });
  assert.equal(cm2?.metadata.resourceVersion, rv, 'an unchanged object is not written');
});

test('a fresh engine (no cache) writes nothing when in sync: the local check, else one dry-run, decides', async () => {
  const h = await harness('sync-nocache');
  const web = deployment('web', { replicas: 1 });
  const main = (web.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec
    .containers[0] as Record<string, unknown>;
  // The server rewrites 0.5 as 500m: the local check cannot prove this one in sync.
  main.resources = { requests: { cpu: '0.5' } };
  const objects = [configMap('settings', { a: '1' }), web];
  await h.run(objects);
  h.cache.clear();
  const before = h.client.counter.snapshot();
  const again = await h.run(objects);
  const used = h.client.counter.since(before);
  assert.deepEqual(actions(again), { 'ConfigMap/settings': 'unchanged', 'Deployment/web': 'unchanged' });
  assert.equal(writesIn(used), 0);
  assert.equal(used.dryRunApply, 1, 'only the Deployment needed a dry-run');
  // And the local check does not hide drift: an edit is still found and restored.
  h.cache.clear();
  await h.kubectl('-n', h.ns, 'patch', 'configmap/settings', '--type=merge', '-p', '{"data":{"a":"2"}}');
  const healed = await h.run(objects);
  assert.equal(actions(healed)['ConfigMap/settings'], 'configured');
});

test('kubectl scale and kubectl edit are restored by the next sync', async () => {
  const h = await harness('sync-drift');
  const objects = [deployment('web', { replicas: 2 }), configMap('settings', { level: 'info' })];
  assert.equal((await h.run(objects)).phase, 'Succeeded');
  await h.kubectl('-n', h.ns, 'scale', 'deployment/web', '--replicas=5');
  await h.kubectl(
    '-n',
    h.ns,
    'patch',
    'configmap/settings',
    '--type=merge',
    '-p',
    '{"data":{"level":"debug"}}',
  );
  const result = await h.run(objects);
  assert.equal(result.phase, 'Succeeded', result.message);
  assert.deepEqual(actions(result), { 'ConfigMap/settings': 'configured', 'Deployment/web': 'configured' });
  const d = await h.client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.ns, name: 'web' });
  assert.equal((d?.spec as { replicas?: number } | undefined)?.replicas, 2);
  const cm = await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'settings' });
  assert.deepEqual(cm?.data, { level: 'info' });
  const diff = result.resources.find((r) => r.ref.kind === 'ConfigMap')?.diff;
  assert.equal((diff?.before?.data as Record<string, string> | undefined)?.level, 'debug');
});

test('prune removes what left Git, keeps Prune=false, and an empty render prunes nothing', async () => {
  const h = await harness('sync-prune');
  const keep = configMap('keep', { a: '1' }, { [Annotation.SyncOptions]: 'Prune=false' });
  const first = await h.run([configMap('a', { x: '1' }), configMap('b', { x: '2' }), keep]);
  assert.equal(first.phase, 'Succeeded', first.message);

  const empty = await h.run([]);
  assert.equal(empty.phase, 'Failed');
  assert.match(empty.message, /empty/);
  for (const name of ['a', 'b', 'keep']) {
    assert.ok(
      await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name }),
      `${name} still there`,
    );
  }

  const second = await h.run([configMap('a', { x: '1' })]);
  assert.equal(second.phase, 'Succeeded', second.message);
  assert.deepEqual(actions(second), {
    'ConfigMap/a': 'unchanged',
    'ConfigMap/b': 'pruned',
    'ConfigMap/keep': 'skipped',
  });
  await eventually(
    'b to be deleted',
    async () => !(await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'b' })),
  );
  assert.ok(await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'keep' }));
  assert.deepEqual(
    h.inventory.entries?.map((e) => e.name),
    ['a', 'keep'],
    'the Prune=false object stays in the inventory',
  );

  const noPrune = await h.run([], { allowEmpty: true, prune: false });
  assert.equal(noPrune.phase, 'Succeeded');
  assert.ok(
    await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'a' }),
    'prune off: kept',
  );
});

test('PrunePropagationPolicy=orphan prunes a Deployment and leaves its ReplicaSet', async () => {
  const h = await harness('sync-orphan');
  const opts = { [Annotation.SyncOptions]: 'PrunePropagationPolicy=orphan' };
  assert.equal(
    (await h.run([deployment('web', { replicas: 0, annotations: opts }), configMap('c', {})])).phase,
    'Succeeded',
  );
  const replicaSets = async () =>
    (await h.client.list('apps/v1', 'ReplicaSet', { namespace: h.ns })).items.map(
      (o) => o.metadata.name ?? '',
    );
  await eventually('the ReplicaSet to appear', async () => (await replicaSets()).length === 1);
  const r = await h.run([configMap('c', {})]);
  assert.equal(actions(r)['Deployment/web'], 'pruned');
  await eventually('the Deployment to be deleted', async () => {
    return !(await h.client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.ns, name: 'web' }));
  });
  const [rs] = (await h.client.list('apps/v1', 'ReplicaSet', { namespace: h.ns })).items;
  assert.ok(rs, 'the ReplicaSet was orphaned, not deleted');
  assert.equal(rs.metadata.ownerReferences, undefined, 'orphaned: its owner reference is gone');
});

test("an API error about a Secret's value never carries the value into the result", async () => {
  const h = await harness('sync-secret-error');
  const canary = 4242424242;
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'bad' },
    // stringData takes strings: the API server refuses the number, quoting it.
    stringData: { token: canary },
  };
  const result = await h.run([secret, configMap('ok', { a: '1' })]);
  const failed = result.resources.find((r) => r.ref.name === 'bad');
  assert.ok(failed && /stringData/.test(failed.message), `the failure names the field: ${failed?.message}`);
  const everything = JSON.stringify(result);
  assert.ok(!everything.includes(String(canary)), `the value stays out of the result: ${everything}`);
});
