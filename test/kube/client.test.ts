/** The ClusterClient adapter against the real API server: verbs, discovery, typed errors, counting. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { RetryClass } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/object.js';
import {
  createClusterClient,
  isImmutableFieldError,
  isKubeApiError,
  KubeErrorCode,
} from '../../src/kube/index.js';
import { testCluster, testNamespace } from '../support/cluster.js';

async function setup(prefix: string) {
  const cluster = await testCluster();
  const ns = await testNamespace(prefix);
  const client = await createClusterClient(cluster.kubeConfig);
  after(() => client.close());
  return { ns, client };
}

const cm = (ns: string, name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data,
});

test('discovery gives the RESTMapping with namespaced-ness; unknown kinds are a waiting error', async () => {
  const { client } = await setup('kube-disc');
  const d = await client.mapping('apps/v1', 'Deployment');
  assert.deepEqual(d, {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    resource: 'deployments',
    namespaced: true,
    hasStatus: true,
  });
  assert.equal((await client.mapping('v1', 'Namespace')).namespaced, false);
  await assert.rejects(client.mapping('nope.example.com/v1', 'Thing'), (e: unknown) => {
    return (
      isKubeApiError(e, KubeErrorCode.KindUnknown) &&
      e.retry === RetryClass.Waiting &&
      /Thing/.test(e.message)
    );
  });
  const before = client.counter.snapshot().discovery;
  await client.mapping('apps/v1', 'StatefulSet');
  assert.equal(client.counter.snapshot().discovery, before, 'discovery is cached per group-version');
});

test('apply, dry-run apply, get, list, delete; each counted by verb', async () => {
  const { ns, client } = await setup('kube-verbs');
  const dry = await client.apply(cm(ns, 'a', { k: 'v' }), {
    fieldManager: 'test',
    force: true,
    dryRun: true,
  });
  assert.deepEqual(dry.data, { k: 'v' });
  assert.equal(
    await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }),
    undefined,
  );
  const created = await client.apply(cm(ns, 'a', { k: 'v' }), { fieldManager: 'test', force: true });
  assert.ok(created.metadata.resourceVersion);
  const list = await client.list('v1', 'ConfigMap', { namespace: ns });
  assert.ok(
    list.items.some((o) => o.metadata.name === 'a' && o.kind === 'ConfigMap' && o.apiVersion === 'v1'),
  );
  assert.equal(await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }), true);
  assert.equal(await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }), false);
  const c = client.counter.snapshot();
  assert.equal(c.dryRunApply, 1);
  assert.equal(c.apply, 1);
  assert.equal(c.delete, 2);
  assert.ok(c.get >= 1 && c.list >= 1);
  assert.equal(client.counter.writes, 3);
});

test('API errors become typed errors naming the object, with retry classes', async () => {
  const { ns, client } = await setup('kube-errors');
  const bad = { ...cm(ns, 'Bad_Name', {}) };
  await assert.rejects(client.apply(bad, { fieldManager: 'test', force: true }), (e: unknown) => {
    return (
      isKubeApiError(e, KubeErrorCode.Invalid) &&
      e.retry === RetryClass.Terminal &&
      e.message.startsWith(`ConfigMap ${ns}/Bad_Name: `)
    );
  });
  const unknownField = { ...cm(ns, 'u', {}), spec: { x: 1 } } as KubeObject;
  await assert.rejects(
    client.apply(unknownField, { fieldManager: 'test', force: true }),
    (e: unknown) =>
      isKubeApiError(e) && (e.code === KubeErrorCode.Invalid || e.code === KubeErrorCode.BadRequest),
  );
  // A conflict: another manager owns the field and force is off.
  await client.apply(cm(ns, 'c', { k: 'one' }), { fieldManager: 'first', force: true });
  await assert.rejects(
    client.apply(cm(ns, 'c', { k: 'two' }), { fieldManager: 'second', force: false }),
    (e: unknown) => {
      return isKubeApiError(e, KubeErrorCode.Conflict) && e.retry === RetryClass.Transient;
    },
  );
  // An immutable field.
  const job = (image: string): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: ns },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image }] } } },
  });
  await client.apply(job('a:1'), { fieldManager: 'test', force: true });
  await assert.rejects(client.apply(job('a:2'), { fieldManager: 'test', force: true }), (e: unknown) =>
    isImmutableFieldError(e),
  );
});

test('patchStatus writes the status subresource; watch streams events until aborted', async () => {
  const { ns, client } = await setup('kube-watch');
  const seen: string[] = [];
  const ac = new AbortController();
  const list = await client.list('v1', 'ConfigMap', { namespace: ns });
  const done = client.watch(
    'v1',
    'ConfigMap',
    { namespace: ns, resourceVersion: list.resourceVersion },
    (type, o) => {
      // The controller-manager may publish kube-root-ca.crt into the new namespace after the
      // LIST (it does under load): only the object this test writes counts.
      if (o.metadata.name !== 'w') return;
      seen.push(`${type}:${o.metadata.name}`);
      if (seen.length >= 2) ac.abort();
    },
    ac.signal,
  );
  await client.apply(cm(ns, 'w', { a: '1' }), { fieldManager: 'test', force: true });
  await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'w' });
  await done;
  assert.deepEqual(seen, ['ADDED:w', 'DELETED:w']);

  const dep: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: ns },
    spec: {
      replicas: 0,
      selector: { matchLabels: { a: 'b' } },
      template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    },
  };
  await client.apply(dep, { fieldManager: 'test', force: true });
  const patched = await client.patchStatus(
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'd' },
    { observedGeneration: 99 },
    { fieldManager: 'test' },
  );
  assert.equal((patched.status as { observedGeneration?: number }).observedGeneration, 99);
  assert.equal(client.counter.snapshot().patchStatus, 1);
});
