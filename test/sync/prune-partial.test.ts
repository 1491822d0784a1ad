/**
 * A prune that partly fails (RBAC forbids deleting Secrets) deletes what it can and keeps the
 * survivors in the inventory, so the next sync tries them again.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../src/api/object.js';
import { createClusterClient } from '../../src/kube/index.js';
import { MemoryInventory, sync } from '../../src/sync/index.js';
import { testCluster, testNamespace } from '../support/cluster.js';
import { configMap, eventually } from './harness.js';

test('partial prune failure keeps the survivors in the inventory', async () => {
  const cluster = await testCluster();
  const ns = await testNamespace('sync-prune-partial');
  const admin = await createClusterClient(cluster.kubeConfig);
  after(() => admin.close());
  const rbac = (kind: string, body: Record<string, unknown>): KubeObject =>
    ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind,
      metadata: { name: 'syncer', namespace: ns },
      ...body,
    }) as KubeObject;
  await admin.apply(
    rbac('Role', {
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          verbs: ['get', 'list', 'create', 'patch', 'update', 'delete'],
        },
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'patch', 'update'] },
      ],
    }),
    { fieldManager: 'test', force: true },
  );
  const user = await cluster.mintUser(`syncer-${ns}`);
  await admin.apply(
    rbac('RoleBinding', {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'syncer' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: user.user }],
    }),
    { fieldManager: 'test', force: true },
  );
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(user.kubeconfigPath);
  const client = await createClusterClient(kc);
  after(() => client.close());
  const inventory = new MemoryInventory();
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    stringData: { k: 'v' },
  };
  const run = (objects: KubeObject[]) =>
    sync(
      { app: { namespace: ns, name: 'app' }, destinationNamespace: ns, objects, prune: true },
      { client, inventory },
    );

  const first = await run([configMap('keep', { a: '1' }), configMap('gone', { a: '1' }), secret]);
  assert.equal(first.phase, 'Succeeded', first.message);

  const second = await run([configMap('keep', { a: '1' })]);
  assert.equal(second.phase, 'Failed');
  const byName = Object.fromEntries(second.resources.map((r) => [r.ref.name, r]));
  assert.equal(byName.gone?.action, 'pruned');
  assert.equal(byName.s?.action, 'failed');
  assert.match(byName.s?.message ?? '', /Secret .*\/s: .*forbidden/);
  assert.deepEqual(
    inventory.entries?.map((e) => `${e.kind}/${e.name}`),
    ['ConfigMap/keep', 'Secret/s'],
    'the pruned object left the inventory, the survivor stayed',
  );
  await eventually(
    'gone to be deleted',
    async () => !(await admin.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'gone' })),
  );
});
