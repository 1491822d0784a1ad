/**
 * A reconcile plans (dry run) and then applies; on an app's first sync its objects do not exist
 * yet, so the apply used to read every one of them again (a GET per object, or a LIST per kind
 * and namespace). The controller's sync port lets the apply reuse what the plan just read.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { EngineSyncPort } from '../../src/controller/adapters/sync.js';
import type { SyncTarget } from '../../src/controller/ports.js';
import { createClusterClient } from '../../src/kube/index.js';
import { testCluster, testNamespace } from '../support/cluster.js';

const cluster = await testCluster();
const client = await createClusterClient(cluster.kubeConfig);
after(() => client.close());
const ns = await testNamespace('first-reads');

const object = (kind: 'ConfigMap' | 'Secret', name: string): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: ns },
  ...(kind === 'Secret' ? { stringData: { k: name } } : { data: { k: name } }),
});

test("a first sync's apply reads nothing the plan just read", async () => {
  // Two ConfigMaps are read by GET, four Secrets by one LIST (the engine lists from four up).
  const desired = [
    object('ConfigMap', 'a'),
    object('ConfigMap', 'b'),
    ...['s1', 's2', 's3', 's4'].map((n) => object('Secret', n)),
  ];
  const target: SyncTarget = {
    appNamespace: ns,
    appName: 'reads',
    destinationNamespace: ns,
    syncOptions: [],
    ignoreDifferences: [],
    inventory: [],
  };
  const port = new EngineSyncPort({ client });

  const before = client.counter.snapshot();
  const plan = await port.plan(target, desired);
  const planned = client.counter.snapshot();
  assert.equal(plan.resources.filter((r) => r.status === 'OutOfSync').length, 6);
  assert.equal(planned.get - before.get, 2, 'the plan GETs the ConfigMaps');
  assert.equal(planned.list - before.list, 1, 'the plan LISTs the Secrets');

  const outcome = await port.apply(target, desired, plan, { prune: true, dryRun: false });
  const applied = client.counter.snapshot();
  assert.deepEqual(
    outcome.resources.map((r) => r.result),
    ['created', 'created', 'created', 'created', 'created', 'created'],
  );
  assert.equal(applied.get - planned.get, 0, 'no GET again');
  assert.equal(applied.list - planned.list, 0, 'no LIST again');
  assert.equal(applied.apply - planned.apply, 6);

  // The next round reads the (now existing) objects from the server again as usual.
  const again = await port.plan(target, desired);
  assert.ok(again.resources.every((r) => r.status === 'Synced'));
  const replanned = client.counter.snapshot();
  assert.equal(replanned.get - applied.get + (replanned.list - applied.list), 3);
  const idle = await port.apply(target, desired, again, { prune: true, dryRun: false });
  assert.ok(idle.resources.every((r) => r.result === 'unchanged'));
});

test('an object created by someone else between plan and apply is found (the apply reads it again)', async () => {
  const desired = [object('ConfigMap', 'raced')];
  const target: SyncTarget = {
    appNamespace: ns,
    appName: 'raced',
    destinationNamespace: ns,
    syncOptions: [],
    ignoreDifferences: [],
    inventory: [],
  };
  let informer: KubeObject | undefined;
  const port = new EngineSyncPort({ client, live: () => informer });
  const plan = await port.plan(target, desired);
  assert.equal(plan.resources[0]?.status, 'OutOfSync');
  // Someone creates it; the informers see it before the apply reads.
  informer = await client.create(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raced', namespace: ns }, data: { k: 'other' } },
    { fieldManager: 'someone' },
  );
  const outcome = await port.apply(target, desired, plan, { prune: true, dryRun: false });
  assert.equal(outcome.resources[0]?.result, 'configured');
});
