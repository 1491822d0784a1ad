/**
 * Field ownership: ignored fields are neither drift nor overwritten (an HPA or `kubectl scale`
 * owning spec.replicas), immutable fields fail clearly and are recreated with Force=true,
 * Replace=true uses PUT.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Annotation } from '../../src/api/application.js';
import type { KubeObject } from '../../src/api/object.js';
import { writesIn } from '../../src/kube/index.js';
import { actions, configMap, deployment, eventually, harness } from './harness.js';

const replicasOf = (d: KubeObject | undefined) => (d?.spec as { replicas?: number } | undefined)?.replicas;

test('ignoreDifferences jsonPointers: a scaled replicas field is not drift and is not overwritten', async () => {
  const h = await harness('sync-ignore');
  const ignoreDifferences = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }];
  const objects = [deployment('web', { replicas: 2 })];
  assert.equal((await h.run(objects, { ignoreDifferences })).phase, 'Succeeded');
  await h.kubectl('-n', h.ns, 'scale', 'deployment/web', '--replicas=4');
  const before = h.client.counter.snapshot();
  const again = await h.run(objects, { ignoreDifferences });
  assert.deepEqual(actions(again), { 'Deployment/web': 'unchanged' });
  assert.equal(writesIn(h.client.counter.since(before)), 0);
  const addr = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.ns, name: 'web' };
  assert.equal(replicasOf(await h.client.get(addr)), 4);

  // A real change elsewhere is applied, and still leaves replicas alone.
  const changed = await h.run([deployment('web', { replicas: 2, image: 'registry.example/app:2' })], {
    ignoreDifferences,
  });
  assert.deepEqual(actions(changed), { 'Deployment/web': 'configured' });
  const live = await h.client.get(addr);
  assert.equal(replicasOf(live), 4);
  const image = (live?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)
    ?.template.spec.containers[0]?.image;
  assert.equal(image, 'registry.example/app:2');
});

test('ignoreDifferences managedFieldsManagers: the HPA controller owns replicas and the sync does not fight it', async () => {
  const h = await harness('sync-hpa');
  const hpa: KubeObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 3,
      maxReplicas: 5,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
    },
  };
  const ignoreDifferences = [
    { group: 'apps', kind: 'Deployment', managedFieldsManagers: ['kube-controller-manager'] },
  ];
  const objects = [deployment('web', { replicas: 1 }), hpa];
  assert.equal((await h.run(objects, { ignoreDifferences })).phase, 'Succeeded');
  const addr = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.ns, name: 'web' };
  // The HPA controller raises replicas to minReplicas through the scale subresource.
  await eventually('the HPA to scale to 3', async () => replicasOf(await h.client.get(addr)) === 3, 60_000);
  const again = await h.run(objects, { ignoreDifferences });
  assert.equal(again.phase, 'Succeeded', again.message);
  assert.equal(actions(again)['Deployment/web'], 'unchanged');
  assert.equal(replicasOf(await h.client.get(addr)), 3, 'the sync left the HPA-owned replicas alone');
  // Without the rule, the same live state is drift: the proof that the rule is what keeps it.
  h.cache.clear();
  const without = await h.run(objects, { dryRun: true });
  assert.equal(actions(without)['Deployment/web'], 'configured');
});

test('an immutable selector change fails naming the object, and Force=true deletes and recreates', async () => {
  const h = await harness('sync-immutable');
  assert.equal((await h.run([deployment('web', { labels: { app: 'web' } })])).phase, 'Succeeded');
  const changed = deployment('web', { labels: { app: 'web', tier: 'front' } });
  const failed = await h.run([changed]);
  assert.equal(failed.phase, 'Failed');
  const r = failed.resources.find((x) => x.ref.name === 'web');
  assert.equal(r?.action, 'failed');
  assert.match(r?.message ?? '', new RegExp(`Deployment.apps ${h.ns}/web: .*immutable.*Force=true`));
  const addr = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.ns, name: 'web' };
  const uidBefore = (await h.client.get(addr))?.metadata.uid;

  const forced = deployment('web', {
    labels: { app: 'web', tier: 'front' },
    annotations: { [Annotation.SyncOptions]: 'Force=true' },
  });
  const ok = await h.run([forced]);
  assert.equal(ok.phase, 'Succeeded', ok.message);
  assert.match(ok.resources.find((x) => x.ref.name === 'web')?.message ?? '', /recreated/);
  const live = await h.client.get(addr);
  assert.notEqual(live?.metadata.uid, uidBefore);
  assert.deepEqual((live?.spec as { selector: unknown } | undefined)?.selector, {
    matchLabels: { app: 'web', tier: 'front' },
  });
});

test('Replace=true replaces the object with PUT', async () => {
  const h = await harness('sync-replace');
  const opts = { [Annotation.SyncOptions]: 'Replace=true' };
  assert.equal((await h.run([configMap('c', { a: '1' }, opts)])).phase, 'Succeeded');
  await h.kubectl('-n', h.ns, 'patch', 'configmap/c', '--type=merge', '-p', '{"data":{"extra":"x"}}');
  const before = h.client.counter.snapshot();
  const r = await h.run([configMap('c', { a: '2' }, opts)]);
  assert.equal(r.phase, 'Succeeded', r.message);
  const used = h.client.counter.since(before);
  assert.equal(used.replace, 1);
  assert.equal(used.apply, 0);
  const live = await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'c' });
  assert.deepEqual(live?.data, { a: '2' }, 'PUT drops the field kubectl added');
});

test('objects tracked by another app are neither adopted nor pruned (warning, or error with FailOnSharedResource)', async () => {
  const h = await harness('sync-shared');
  const other = {
    ...configMap('shared', { owner: 'other' }),
  };
  other.metadata.namespace = h.ns;
  other.metadata.annotations = { [Annotation.TrackingId]: `${h.ns}/other:/ConfigMap:${h.ns}/shared` };
  await h.client.apply(other, { fieldManager: 'other', force: true });
  const r = await h.run([configMap('shared', { owner: 'me' }), configMap('mine', { a: '1' })]);
  assert.equal(r.phase, 'Succeeded', r.message);
  assert.equal(actions(r)['ConfigMap/shared'], 'skipped');
  assert.match(r.warnings.join('\n'), /already managed by application .*\/other/);
  const live = await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'shared' });
  assert.deepEqual(live?.data, { owner: 'other' });

  const strict = await h.run([configMap('shared', { owner: 'me' }), configMap('mine', { a: '1' })], {
    syncOptions: ['FailOnSharedResource=true'],
  });
  assert.equal(strict.phase, 'Failed');
  assert.equal(actions(strict)['ConfigMap/shared'], 'failed');

  // An object of ours that another app has since taken over is not pruned either.
  await h.kubectl(
    '-n',
    h.ns,
    'annotate',
    '--overwrite',
    'configmap/mine',
    `${Annotation.TrackingId}=${h.ns}/other:/ConfigMap:${h.ns}/mine`,
  );
  const pruning = await h.run([configMap('unrelated', { a: '1' })]);
  assert.equal(pruning.phase, 'Succeeded', pruning.message);
  assert.equal(actions(pruning)['ConfigMap/mine'], undefined);
  assert.match(pruning.warnings.join('\n'), /mine: not pruned, now managed by application .*\/other/);
  assert.ok(await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'mine' }));
});
