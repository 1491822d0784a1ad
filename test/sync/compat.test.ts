/**
 * Sync options and annotations Argo CD users bring, against the real control plane: Argo CD's
 * annotations as aliases, Prune=confirm, Delete=false, compare-options IgnoreExtraneous,
 * SkipDryRunOnMissingResource and RespectIgnoreDifferences=false.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineSyncPort } from '../../src/controller/adapters/sync.js';
import { MemoryInventory, plan, planVerdict, sync } from '../../src/sync/index.js';
import { actions, configMap, harness } from './harness.js';

test("Argo CD's sync-options and hook annotations act as ours", async () => {
  const h = await harness('sync-argo');
  const kept = configMap('kept', { a: '1' }, { 'argocd.argoproj.io/sync-options': 'Prune=false' });
  const hook = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'argo-hook',
      annotations: {
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
      },
    },
    spec: {
      backoffLimit: 0,
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'registry.example/m:1' }] },
      },
    },
  };
  const first = await h.run([kept, configMap('other', { a: '1' }), hook]);
  assert.equal(first.phase, 'Succeeded', first.message);
  assert.equal(actions(first)['PreSync:Job/argo-hook'], 'created');
  assert.deepEqual(
    h.inventory.entries?.map((e) => e.name),
    ['kept', 'other'],
    'the hook is not in the inventory',
  );
  const second = await h.run([configMap('other', { a: '2' })]);
  assert.equal(second.phase, 'Succeeded', second.message);
  assert.equal(actions(second)['ConfigMap/kept'], 'skipped');
  assert.ok(await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'kept' }));
});

test('Prune=confirm: pruned only once confirmed', async () => {
  const h = await harness('sync-confirm');
  await h.run([
    configMap('careful', { a: '1' }, { 'trueup.dev/sync-options': 'Prune=confirm' }),
    configMap('x', {}),
  ]);
  const waiting = await h.run([configMap('x', {})]);
  assert.equal(actions(waiting)['ConfigMap/careful'], 'skipped');
  assert.match(waiting.resources.find((r) => r.ref.name === 'careful')?.message ?? '', /--prune --confirm/);
  const confirmed = await h.run([configMap('x', {})], { pruneConfirmed: true });
  assert.equal(actions(confirmed)['ConfigMap/careful'], 'pruned');
});

test('Delete=false: kept when the app is deleted; the rest goes', async () => {
  const h = await harness('sync-delete-false');
  await h.run([
    configMap('stays', { a: '1' }, { 'trueup.dev/sync-options': 'Delete=false' }),
    configMap('goes', {}),
  ]);
  const port = new EngineSyncPort({ client: h.client });
  const { remaining } = await port.deleteAll({
    appNamespace: h.ns,
    appName: 'app',
    destinationNamespace: h.ns,
    syncOptions: [],
    ignoreDifferences: [],
    inventory: h.inventory.entries ?? [],
  });
  assert.equal(remaining, 0);
  assert.ok(await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'stays' }));
  // Deleted in the foreground: gone, or going (the garbage collector finishes it).
  const goes = await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'goes' });
  assert.ok(goes === undefined || goes.metadata.deletionTimestamp, 'goes is deleted');
});

test('Delete=confirm: deleted with the app only once confirmed', async () => {
  const h = await harness('sync-delete-confirm');
  await h.run([configMap('asks', { a: '1' }, { 'trueup.dev/sync-options': 'Delete=confirm' })]);
  const port = new EngineSyncPort({ client: h.client });
  const target = {
    appNamespace: h.ns,
    appName: 'app',
    destinationNamespace: h.ns,
    syncOptions: [],
    ignoreDifferences: [],
    inventory: h.inventory.entries ?? [],
  };
  assert.deepEqual(await port.deleteAll(target, { confirmed: false }), { remaining: 0, unconfirmed: 1 });
  const still = await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'asks' });
  assert.equal(still?.metadata.deletionTimestamp, undefined);
  assert.deepEqual(await port.deleteAll(target, { confirmed: true }), { remaining: 0, unconfirmed: 0 });
  const gone = await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'asks' });
  assert.ok(gone === undefined || gone.metadata.deletionTimestamp);
});

test('compare-options IgnoreExtraneous: left Git, requires pruning, and the app stays Synced', async () => {
  const h = await harness('sync-extraneous');
  await h.run([
    configMap('extra', { a: '1' }, { 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' }),
    configMap('x', {}),
  ]);
  const p = await plan(
    {
      app: { namespace: h.ns, name: 'app' },
      destinationNamespace: h.ns,
      objects: [configMap('x', {})],
      inventory: h.inventory.entries ?? [],
    },
    { client: h.client },
  );
  const v = planVerdict(p);
  assert.deepEqual([v.syncStatus, v.requiresPruning, v.changes], ['Synced', 1, 0]);
});

test('SkipDryRunOnMissingResource: a kind not served yet is planned as a create, and fails at apply with the reason', async () => {
  const h = await harness('sync-missing-kind');
  const gadget = { apiVersion: 'later.example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: {} };
  const refused = await h.run([gadget, configMap('x', {})], { dryRun: true });
  assert.equal(refused.phase, 'Failed');
  assert.equal(actions(refused)['Gadget/g'], 'failed');
  const p = await plan(
    {
      app: { namespace: h.ns, name: 'app' },
      destinationNamespace: h.ns,
      objects: [gadget, configMap('x', {})],
      inventory: [],
      syncOptions: ['SkipDryRunOnMissingResource=true'],
    },
    { client: h.client },
  );
  assert.deepEqual(
    p.objects.map((o) => [o.id.kind, o.action]),
    [
      ['Gadget', 'create'],
      ['ConfigMap', 'create'],
    ],
  );
  const applied = await sync(
    {
      app: { namespace: h.ns, name: 'app' },
      destinationNamespace: h.ns,
      objects: [gadget],
      syncOptions: ['SkipDryRunOnMissingResource=true'],
    },
    { client: h.client, inventory: new MemoryInventory() },
  );
  assert.equal(applied.phase, 'Failed');
  assert.match(applied.resources.find((r) => r.ref.kind === 'Gadget')?.message ?? '', /Gadget/);
});

test('RespectIgnoreDifferences=false: an apply writes the ignored fields from Git too', async () => {
  const h = await harness('sync-respect');
  const ignore = [{ kind: 'ConfigMap', jsonPointers: ['/data/b'] }];
  await h.run([configMap('c', { a: '1', b: 'git' })], { ignoreDifferences: ignore });
  await h.kubectl('-n', h.ns, 'patch', 'configmap/c', '--type=merge', '-p', '{"data":{"b":"edited"}}');
  const data = async () =>
    (await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'c' }))?.data;
  await h.run([configMap('c', { a: '2', b: 'git' })], { ignoreDifferences: ignore });
  assert.deepEqual(await data(), { a: '2', b: 'edited' }, 'by default ignored fields keep their live values');
  await h.run([configMap('c', { a: '3', b: 'git' })], {
    ignoreDifferences: ignore,
    syncOptions: ['RespectIgnoreDifferences=false'],
  });
  assert.deepEqual(await data(), { a: '3', b: 'git' });
});

test('ignoreDifferences jqPathExpressions: a list item selected by jq never counts as drift', async () => {
  const h = await harness('sync-jq');
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: {
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 8080 },
        { name: 'metrics', port: 9090, targetPort: 9090 },
      ],
    },
  };
  const ignore = [{ kind: 'Service', jqPathExpressions: ['.spec.ports[] | select(.name == "metrics")'] }];
  const first = await h.run([service], { ignoreDifferences: ignore });
  assert.equal(first.phase, 'Succeeded', first.message);
  // Someone else retunes the metrics port (another index would not matter: jq selects by name).
  await h.kubectl(
    '-n',
    h.ns,
    'patch',
    'service/web',
    '--type=json',
    '-p',
    '[{"op":"replace","path":"/spec/ports/1/targetPort","value":9999}]',
  );
  const ignored = await h.run([service], { ignoreDifferences: ignore });
  assert.equal(actions(ignored)['Service/web'], 'unchanged', 'the jq-selected port is not drift');
  const counted = await h.run([service], { ignoreDifferences: [] });
  assert.equal(actions(counted)['Service/web'], 'configured', 'without the rule the same edit is drift');
  await assert.rejects(
    h.run([service], { ignoreDifferences: [{ kind: 'Service', jqPathExpressions: ['.spec.ports[] |'] }] }),
    /jqPathExpressions \.spec\.ports\[\] \|/,
  );
});
