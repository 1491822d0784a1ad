/**
 * A reconcile plans once and executes that plan: the reads happen while planning, and the
 * execution reads nothing again (on an app's first sync, where the informers know none of the
 * objects yet, it used to read each twice).
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

test("a first sync's execution reads nothing the plan read", async () => {
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
  const plan = await port.plan(target, desired, { prune: true });
  const planned = client.counter.snapshot();
  assert.deepEqual(
    plan.objects.map((p) => p.action),
    ['create', 'create', 'create', 'create', 'create', 'create'],
  );
  assert.equal(planned.get - before.get, 2, 'the plan GETs the ConfigMaps');
  assert.equal(planned.list - before.list, 1, 'the plan LISTs the Secrets');

  const change = await port.execute(plan);
  const applied = client.counter.snapshot();
  assert.deepEqual(
    change.resources.map((r) => r.action),
    ['created', 'created', 'created', 'created', 'created', 'created'],
  );
  assert.equal(applied.get - planned.get, 0, 'no GET again');
  assert.equal(applied.list - planned.list, 0, 'no LIST again');
  assert.equal(applied.apply - planned.apply, 6);

  // The next round reads the (now existing) objects from the server again as usual.
  const again = await port.plan(target, desired, { prune: true });
  assert.ok(again.objects.every((p) => p.action === 'unchanged'));
  const replanned = client.counter.snapshot();
  assert.equal(replanned.get - applied.get + (replanned.list - applied.list), 3);
  const idle = await port.execute(again);
  assert.ok(idle.resources.every((r) => r.action === 'unchanged'));
  assert.equal(client.counter.snapshot().apply, replanned.apply, 'an idle execution writes nothing');
});

test('an object created by someone else between plan and execute is taken over by the apply', async () => {
  const desired = [object('ConfigMap', 'raced')];
  const target: SyncTarget = {
    appNamespace: ns,
    appName: 'raced',
    destinationNamespace: ns,
    syncOptions: [],
    ignoreDifferences: [],
    inventory: [],
  };
  const port = new EngineSyncPort({ client });
  const plan = await port.plan(target, desired, { prune: true });
  assert.equal(plan.objects[0]?.action, 'create');
  await client.create(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raced', namespace: ns }, data: { k: 'other' } },
    { fieldManager: 'someone' },
  );
  const change = await port.execute(plan);
  assert.equal(change.phase, 'Succeeded');
  const live = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'raced' });
  assert.deepEqual(live?.data, { k: 'raced' }, 'server-side apply with force wins the field');
  const next = await port.plan(target, desired, { prune: true });
  assert.equal(next.objects[0]?.action, 'unchanged');
});

test("the watch echo of the port's own apply is known in sync; a later edit is not", async () => {
  const desired = [object('ConfigMap', 'echo')];
  const target: SyncTarget = {
    appNamespace: ns,
    appName: 'echo',
    destinationNamespace: ns,
    syncOptions: [],
    ignoreDifferences: [],
    inventory: [],
  };
  const port = new EngineSyncPort({ client });
  const address = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'echo' };
  const change = await port.execute(await port.plan(target, desired, { prune: true }));
  assert.equal(change.phase, 'Succeeded');
  const applied = await client.get(address);
  assert.ok(applied);
  assert.equal(port.knownInSync(`${ns}/echo`, applied), true, 'the object as applied');
  assert.equal(port.knownInSync(`${ns}/other`, applied), false, 'another app knows nothing of it');
  const edited = await client.apply(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'echo', namespace: ns }, data: { k: 'edited' } },
    { fieldManager: 'kubectl-edit', force: true },
  );
  assert.equal(port.knownInSync(`${ns}/echo`, edited), false, 'an edit has another resourceVersion');
});

test('while an app is writing, its echo is recognised once the apply answers (the watch may deliver it first)', async () => {
  const desired = [object('ConfigMap', 'early-echo')];
  const target: SyncTarget = {
    appNamespace: ns,
    appName: 'early',
    destinationNamespace: ns,
    syncOptions: [],
    ignoreDifferences: [],
    inventory: [],
  };
  // The apply's answer is held back after the server has written the object, as when the watch
  // event of that write reaches the informer before the answer reaches the engine.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  let written: KubeObject | undefined;
  const slow = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'apply') {
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return async (...args: Parameters<typeof client.apply>) => {
        written = await target.apply(...args);
        await held;
        return written;
      };
    },
  });
  const port = new EngineSyncPort({ client: slow });
  const key = `${ns}/early`;
  assert.equal(port.writing(key), undefined, 'not writing before execute');
  const run = port.execute(await port.plan(target, desired, { prune: true }));
  const writing = port.writing(key);
  assert.ok(writing, 'writing while execute runs');
  await waitUntilWritten(() => written);
  const echo = written as KubeObject;
  assert.equal(port.knownInSync(key, echo), false, 'the answer is not recorded yet');
  let settled = false;
  void writing.then(() => {
    settled = true;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, 'writing has not ended while the answer is held');
  release();
  await writing;
  assert.equal(port.knownInSync(key, echo), true, 'once written, the early echo is known as ours');
  assert.equal((await run).phase, 'Succeeded');
  assert.equal(port.writing(key), undefined, 'not writing after execute');
});

async function waitUntilWritten(get: () => KubeObject | undefined): Promise<void> {
  for (let i = 0; i < 500 && !get(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(get(), 'the apply reached the server');
}
