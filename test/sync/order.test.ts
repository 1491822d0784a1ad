/**
 * Order: a CRD and its custom resources in one sync; sync waves; hooks by phase; a dry run
 * that writes nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Annotation } from '../../src/api/application.js';
import type { KubeObject } from '../../src/api/object.js';
import { uniqueName } from '../support/cluster.js';
import { widgetCrd as crd } from '../support/fixtures.js';
import { actions, configMap, harness } from './harness.js';

test('a CRD and its custom resource in one sync: the CRD is established first', async () => {
  const h = await harness('sync-crd');
  const group = `${uniqueName('g')}.example.com`;
  const widget: KubeObject = {
    apiVersion: `${group}/v1`,
    kind: 'Widget',
    metadata: { name: 'w1' },
    spec: { size: 3 },
  };
  // The custom resource comes first in the render; order is the engine's job.
  const r = await h.run([widget, crd(group)]);
  assert.equal(r.phase, 'Succeeded', r.message);
  assert.deepEqual(actions(r), {
    [`CustomResourceDefinition/widgets.${group}`]: 'created',
    'Widget/w1': 'created',
  });
  const live = await h.client.get({ apiVersion: `${group}/v1`, kind: 'Widget', namespace: h.ns, name: 'w1' });
  assert.deepEqual(live?.spec, { size: 3 });
  const again = await h.run([widget, crd(group)]);
  assert.equal(again.changed, false, JSON.stringify(actions(again)));
  await h.client.delete({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: `widgets.${group}`,
  });
});

const rv = (o: KubeObject | undefined) => Number(o?.metadata.resourceVersion);

test('sync waves apply in order and hooks run in their phases', async () => {
  const h = await harness('sync-waves');
  const wave = (n: number) => ({ [Annotation.SyncWave]: String(n) });
  const hook = (phase: string) => ({ [Annotation.Hook]: phase });
  const objects = [
    configMap('late', { a: '1' }, wave(5)),
    configMap('early', { a: '1' }, wave(-1)),
    configMap('middle', { a: '1' }),
    configMap('post', { a: '1' }, hook('PostSync')),
    configMap('during', { a: '1' }, hook('Sync')),
    configMap('pre', { a: '1' }, hook('PreSync')),
    configMap('skipped', { a: '1' }, hook('Skip')),
  ];
  const r = await h.run(objects);
  assert.equal(r.phase, 'Succeeded', r.message);
  const get = (name: string) => h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name });
  const [pre, early, middle, late, post] = await Promise.all(
    ['pre', 'early', 'middle', 'late', 'post'].map(get),
  );
  assert.ok(rv(pre) < rv(early) && rv(early) < rv(middle) && rv(middle) < rv(late) && rv(late) < rv(post));
  assert.equal(await get('skipped'), undefined, 'Skip hooks are not applied');
  assert.deepEqual(
    r.resources.map((x) => `${x.hook ?? 'sync'}:${x.ref.name}`),
    ['PreSync:pre', 'sync:early', 'sync:middle', 'Sync:during', 'sync:late', 'PostSync:post'],
  );
  assert.deepEqual(
    h.inventory.entries?.map((e) => e.name),
    ['early', 'late', 'middle'],
    'hooks are not in the inventory',
  );
});

test('a hook with generateName is created under a fresh name each sync', async () => {
  const h = await harness('sync-genname');
  const hook: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { generateName: 'report-', annotations: { [Annotation.Hook]: 'PostSync' } },
    data: { a: '1' },
  };
  const first = await h.run([configMap('app', { v: '1' }), hook]);
  assert.equal(first.phase, 'Succeeded', first.message);
  const name1 = first.resources.find((r) => r.hook)?.ref.name ?? '';
  assert.match(name1, /^report-.+/);
  const second = await h.run([configMap('app', { v: '2' }), hook]);
  const name2 = second.resources.find((r) => r.hook)?.ref.name ?? '';
  assert.match(name2, /^report-.+/);
  assert.notEqual(name1, name2);
});

test('a dry run plans without writing', async () => {
  const h = await harness('sync-dry');
  await h.run([configMap('a', { x: '1' }), configMap('b', { x: '1' })]);
  const before = h.client.counter.snapshot();
  const r = await h.run([configMap('a', { x: '2' }), configMap('c', { x: '1' })], { dryRun: true });
  const used = h.client.counter.since(before);
  assert.equal(r.phase, 'Succeeded', r.message);
  assert.deepEqual(actions(r), {
    'ConfigMap/a': 'configured',
    'ConfigMap/b': 'pruned',
    'ConfigMap/c': 'created',
  });
  assert.equal(used.apply + used.create + used.delete + used.replace, 0);
  const withHook = await h.run(
    [configMap('a', { x: '2' }), configMap('m', { x: '1' }, { [Annotation.Hook]: 'PreSync' })],
    {
      dryRun: true,
      prune: false,
    },
  );
  assert.equal(actions(withHook)['PreSync:ConfigMap/m'], 'created');
  assert.match(withHook.resources.find((x) => x.hook)?.message ?? '', /would run as a PreSync hook/);
  assert.equal(
    await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'm' }),
    undefined,
  );
  assert.ok(await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'b' }));
});
