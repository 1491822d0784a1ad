import assert from 'node:assert/strict';
import { test } from 'node:test';
import { application, cm, harness } from '../../test/support/reconciler-harness.js';
import { TrueupError } from '../api/errors.js';
import { renderKey } from './render-cache.js';

const auto = (extra: Record<string, boolean> = {}) => ({
  syncPolicy: { automated: { prune: true, selfHeal: true, ...extra } },
});

test('an automated app is applied, turns Synced/Healthy/Ready and records history', async () => {
  const h = harness(application(auto()));
  h.git.commit('main', 'c1', [cm('one'), cm('two')]);
  const r = await h.run();
  assert.deepEqual(h.cluster.applies.sort(), ['/ConfigMap/web/one', '/ConfigMap/web/two']);
  const s = h.writer.app.status;
  assert.equal(s?.sync?.status, 'Synced');
  assert.equal(s?.sync?.revision, 'c1');
  assert.equal(s?.health?.status, 'Healthy');
  assert.equal(h.condition('Ready')?.status, 'True');
  assert.equal(h.condition('Ready')?.observedGeneration, 1);
  assert.equal(h.condition('Stalled')?.status, 'False');
  assert.equal(s?.observedGeneration, 1);
  assert.deepEqual(
    s?.history?.map((e) => [e.id, e.revision]),
    [[0, 'c1']],
  );
  // Each entry carries the result of the sync that deployed it.
  const entry = s?.history?.[0];
  assert.deepEqual(
    [entry?.phase, entry?.message, entry?.initiatedBy],
    ['Succeeded', 'synced main@sha1:c1: 2 created, 0 configured, 0 pruned', { automated: true }],
  );
  assert.ok(entry?.deployStartedAt && entry.deployStartedAt <= entry.deployedAt);
  assert.equal(s?.operationState?.phase, 'Succeeded');
  assert.deepEqual(
    s?.resources?.map((x) => [x.kind, x.name, x.status, x.health?.status]),
    [
      ['ConfigMap', 'one', 'Synced', 'Healthy'],
      ['ConfigMap', 'two', 'Synced', 'Healthy'],
    ],
  );
  assert.match(h.writer.events.join('\n'), /Normal Synced: synced main@sha1:c1: 2 created/);
  assert.deepEqual(r, {});
});

test('an idle reconcile writes nothing and resolves/renders from cache', async () => {
  const h = harness(application(auto()));
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  const writes = h.writer.statusWrites;
  const events = h.writer.events.length;
  await h.clock.advance(10_000);
  await h.run();
  await h.run();
  assert.equal(h.writer.statusWrites, writes);
  assert.equal(h.writer.events.length, events);
  assert.equal(h.git.resolves, 1);
  assert.equal(h.git.renders, 1);
  assert.equal(h.cluster.applies.length, 1);
});

test('the revision is resolved again once the poll interval has passed', async () => {
  const h = harness(application(auto()));
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  h.git.commit('main', 'c2', [cm('one', { a: '2' })]);
  await h.clock.advance(60_000);
  await h.run();
  assert.equal(h.writer.app.status?.sync?.revision, 'c1', 'still within the interval');
  await h.clock.advance(120_000);
  await h.run();
  assert.equal(h.writer.app.status?.sync?.revision, 'c2');
  assert.deepEqual(h.cluster.objects.get('/ConfigMap/web/one')?.data, { a: '2' });
  assert.deepEqual(
    h.writer.app.status?.history?.map((e) => e.revision),
    ['c1', 'c2'],
  );
});

test('history keeps revisionHistoryLimit entries', async () => {
  const h = harness(application({ ...auto(), revisionHistoryLimit: 2 }));
  for (const sha of ['c1', 'c2', 'c3']) {
    h.git.commit('main', sha, [cm('one', { v: sha })]);
    await h.clock.advance(200_000);
    await h.run();
  }
  assert.deepEqual(
    h.writer.app.status?.history?.map((e) => [e.id, e.revision]),
    [
      [1, 'c2'],
      [2, 'c3'],
    ],
  );
});

test('drift is reverted with selfHeal and reported without it', async () => {
  for (const selfHeal of [true, false]) {
    const h = harness(application(auto({ selfHeal })));
    h.git.commit('main', 'c1', [cm('one')]);
    await h.run();
    h.cluster.objects.set('/ConfigMap/web/one', cm('one', { a: 'edited' }));
    await h.run();
    const live = h.cluster.objects.get('/ConfigMap/web/one')?.data as Record<string, string>;
    if (selfHeal) {
      assert.equal(live.a, '1');
      assert.equal(h.writer.app.status?.sync?.status, 'Synced');
      assert.match(h.writer.events.join('\n'), /DriftCorrected: re-applied 1 drifted object/);
    } else {
      assert.equal(live.a, 'edited');
      assert.equal(h.writer.app.status?.sync?.status, 'OutOfSync');
      assert.equal(h.condition('Ready')?.status, 'False');
      assert.equal(h.condition('Ready')?.reason, 'OutOfSync');
      assert.match(h.condition('Ready')?.message ?? '', /1 resource\(s\) differ .*\(self-heal is off\)/);
      assert.equal(h.condition('Stalled')?.status, 'False');
    }
  }
});

test('without automated sync, drift and new revisions are reported only', async () => {
  const h = harness(application());
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  assert.equal(h.cluster.applies.length, 0);
  assert.equal(h.writer.app.status?.sync?.status, 'OutOfSync');
  assert.equal(h.writer.app.status?.resources?.[0]?.health?.status, 'Missing');
  assert.match(h.condition('Ready')?.message ?? '', /automated sync is off/);
});

test('a requested operation syncs a manual app once, is recorded and cleared', async () => {
  const h = harness(
    application({}, { operation: { sync: { prune: true }, initiatedBy: { username: 'cli' } } }),
  );
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  assert.equal(h.cluster.applies.length, 1);
  assert.equal(h.writer.app.operation, undefined);
  assert.equal(h.writer.app.status?.operationState?.phase, 'Succeeded');
  assert.equal(h.writer.app.status?.operationState?.operation?.initiatedBy?.username, 'cli');
  assert.equal(h.writer.app.status?.sync?.status, 'Synced');
  assert.deepEqual(
    h.writer.app.status?.history?.map((e) => [e.revision, e.phase, e.initiatedBy]),
    [['c1', 'Succeeded', { username: 'cli' }]],
  );
});

test('a removed file is pruned with prune: true and only flagged with prune: false', async () => {
  for (const prune of [true, false]) {
    const h = harness(application(auto({ prune })));
    h.git.commit('main', 'c1', [cm('one'), cm('two')]);
    await h.run();
    h.git.commit('main', 'c2', [cm('one')]);
    await h.clock.advance(200_000);
    await h.run();
    if (prune) {
      assert.deepEqual(h.cluster.deletes, ['/ConfigMap/web/two']);
      assert.equal(h.writer.app.status?.sync?.status, 'Synced');
      assert.deepEqual(
        h.writer.app.status?.resources?.map((r) => r.name),
        ['one'],
      );
      assert.match(h.writer.events.join('\n'), /Pruned: pruned 1 object/);
    } else {
      assert.deepEqual(h.cluster.deletes, []);
      assert.equal(h.writer.app.status?.sync?.status, 'OutOfSync');
      assert.equal(
        h.writer.app.status?.resources?.find((r) => r.name === 'two')?.message,
        'requires pruning',
      );
    }
  }
});

test('a broken commit sets a clear Stalled condition, prunes nothing, and the next good commit recovers', async () => {
  const h = harness(application(auto()));
  h.git.commit('main', 'c1', [cm('one'), cm('two')]);
  await h.run();
  h.git.commit(
    'main',
    'c2',
    new TrueupError('KustomizeInvalid', 'apps/web/kustomization.yaml: unknown field "resourcez"'),
  );
  await h.clock.advance(200_000);
  await h.run();
  assert.equal(h.condition('Stalled')?.status, 'True');
  assert.equal(h.condition('Ready')?.reason, 'RenderFailed');
  assert.match(
    h.condition('Ready')?.message ?? '',
    /main@sha1:c2: apps\/web\/kustomization\.yaml: unknown field/,
  );
  assert.equal(h.writer.app.status?.sync?.status, 'Unknown');
  assert.deepEqual(h.cluster.deletes, []);
  assert.equal(h.cluster.objects.size, 2);
  h.git.commit('main', 'c3', [cm('one')]);
  await h.clock.advance(200_000);
  await h.run();
  assert.equal(h.condition('Ready')?.status, 'True');
  assert.equal(h.condition('Stalled')?.status, 'False');
  assert.deepEqual(h.cluster.deletes, ['/ConfigMap/web/two']);
});

test('an invalid spec stalls without a retry loop and without touching Git', async () => {
  const h = harness(
    application({ source: { repoURL: 'git@github.com:org/x.git', targetRevision: 'main', path: '.' } }),
  );
  const r = await h.run();
  assert.deepEqual(r, { requeueAfter: null });
  assert.equal(h.git.resolves, 0);
  assert.equal(h.condition('Stalled')?.status, 'True');
  assert.equal(h.condition('Stalled')?.reason, 'InvalidSpec');
  assert.match(
    h.condition('Ready')?.message ?? '',
    /Application trueup-system\/web: spec\.source\.repoURL .*no SSH/,
  );
});

test('an empty render with prune does not wipe the app unless allowEmpty', async () => {
  for (const allowEmpty of [false, true]) {
    const h = harness(application(auto({ allowEmpty })));
    h.git.commit('main', 'c1', [cm('one')]);
    await h.run();
    h.git.commit('main', 'c2', []);
    await h.clock.advance(200_000);
    await h.run();
    if (allowEmpty) assert.deepEqual(h.cluster.deletes, ['/ConfigMap/web/one']);
    else {
      assert.deepEqual(h.cluster.deletes, []);
      assert.equal(h.condition('Ready')?.reason, 'EmptyRender');
      assert.equal(h.condition('Stalled')?.status, 'True');
    }
  }
});

test('failed syncs retry with the policy backoff, then stop on that revision', async () => {
  const h = harness(
    application({
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: { limit: 2, backoff: { duration: '5s', factor: 3, maxDuration: '1m' } },
      },
    }),
  );
  h.git.commit('main', 'c1', [cm('one')]);
  h.cluster.failApply = 'admission webhook denied';
  assert.deepEqual(await h.run(), { requeueAfter: 5000 });
  assert.equal(h.writer.app.status?.operationState?.phase, 'Running');
  assert.equal(h.condition('Reconciling')?.status, 'True');
  assert.deepEqual(await h.run(), { requeueAfter: 5000 }, 'a pass before the backoff has passed waits');
  assert.equal(h.writer.app.status?.operationState?.retryCount, 0, 'and does not retry');
  await h.clock.advance(5000);
  assert.deepEqual(await h.run(), { requeueAfter: 15_000 });
  await h.clock.advance(15_000);
  assert.deepEqual(await h.run(), {});
  assert.equal(h.writer.app.status?.operationState?.phase, 'Failed');
  assert.equal(h.writer.app.status?.operationState?.retryCount, 2);
  assert.equal(h.condition('Stalled')?.status, 'True');
  assert.match(
    h.condition('Ready')?.message ?? '',
    /failed after 3 attempt\(s\): ConfigMap web\/one: admission webhook denied/,
  );
  const events = h.writer.events.length;
  await h.run();
  assert.equal(h.writer.events.length, events, 'no new attempt on the same revision');
  h.cluster.failApply = undefined;
  h.git.commit('main', 'c2', [cm('one')]);
  await h.clock.advance(200_000);
  await h.run();
  assert.equal(h.condition('Ready')?.status, 'True');
});

test('progressing resources keep Reconciling true and requeue soon', async () => {
  const h = harness(application(auto()));
  h.git.commit('main', 'c1', [{ ...cm('one'), status: { phase: 'Pending' } }]);
  const r = await h.run();
  assert.deepEqual(r, { requeueAfter: 10_000 });
  assert.equal(h.writer.app.status?.health?.status, 'Progressing');
  assert.equal(h.condition('Reconciling')?.status, 'True');
  assert.equal(h.condition('Ready')?.status, 'False');
});

test('a refresh annotation re-resolves at once; hard also drops caches; the annotation is removed', async () => {
  const h = harness(application(auto()));
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  h.git.commit('main', 'c2', [cm('one', { a: '2' })]);
  h.writer.app.metadata.annotations = { 'trueup.dev/refresh': 'hard' };
  await h.run();
  assert.equal(h.writer.app.status?.sync?.revision, 'c2');
  assert.deepEqual(h.git.invalidated, ['https://git.example/org/config.git']);
  assert.deepEqual(h.writer.app.metadata.annotations, {});
});

test('conditions keep their transition time while unchanged', async () => {
  const h = harness(application(auto()));
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  const t = h.condition('Ready')?.lastTransitionTime;
  await h.clock.advance(200_000);
  h.git.commit('main', 'c2', [cm('one', { a: '3' })]);
  await h.run();
  assert.equal(h.condition('Ready')?.lastTransitionTime, t);
});

test("deletion with the finalizer (ours or Argo CD's) deletes the resources then releases; without it nothing is deleted", async () => {
  for (const finalizer of ['trueup.dev/resources-finalizer', 'resources-finalizer.argocd.argoproj.io', '']) {
    const withFinalizer = finalizer !== '';
    const h = harness(application(auto()));
    h.git.commit('main', 'c1', [cm('one'), cm('two')]);
    await h.run();
    h.writer.app.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    h.writer.app.metadata.finalizers = withFinalizer ? [finalizer, 'someone.else/keep'] : [];
    assert.deepEqual(await h.run(), { requeueAfter: null });
    if (withFinalizer) {
      assert.deepEqual(h.cluster.deletes.sort(), ['/ConfigMap/web/one', '/ConfigMap/web/two']);
      assert.deepEqual(h.writer.app.metadata.finalizers, ['someone.else/keep'], finalizer);
    } else {
      assert.deepEqual(h.cluster.deletes, []);
      assert.equal(h.cluster.objects.size, 2);
    }
  }
});

test('an unresolvable ref is reported; a transient source error is thrown for backoff', async () => {
  const h = harness(application(auto()));
  await h.run();
  assert.equal(h.condition('Ready')?.reason, 'RevisionUnresolved');
  assert.equal(h.condition('Stalled')?.status, 'True');
  h.git.resolve = async () => {
    throw new TrueupError('GitNetwork', 'connection refused', { retry: 'transient' });
  };
  await h.clock.advance(200_000);
  await assert.rejects(h.run(), /connection refused/);
  assert.equal(h.condition('Reconciling')?.status, 'True');
});

test('without selfHeal, a new revision that changes nothing for the app does not make later drift sync', async () => {
  const h = harness(application(auto({ selfHeal: false })));
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  h.git.commit('main', 'c2', [cm('one')]);
  await h.clock.advance(200_000);
  await h.run();
  assert.equal(h.writer.app.status?.sync?.syncedRevision, 'c2');
  h.cluster.objects.set('/ConfigMap/web/one', cm('one', { a: 'edited' }));
  await h.run();
  await h.run();
  assert.deepEqual(h.cluster.objects.get('/ConfigMap/web/one')?.data, { a: 'edited' });
  assert.equal(h.writer.app.status?.sync?.status, 'OutOfSync');
});

test('a stale cached copy (our own writes not seen yet) does not run an operation twice', async () => {
  const h = harness(application({}, { operation: { sync: {} } }));
  h.git.commit('main', 'c1', [cm('one')]);
  const stale = structuredClone(h.writer.app);
  await h.run();
  const events = h.writer.events.length;
  const writes = h.writer.statusWrites;
  // The informer still hands over the copy from before the sync (with the operation and no status).
  await h.reconciler.reconcile(stale);
  assert.equal(h.writer.events.length, events, 'no second sync');
  assert.equal(h.writer.statusWrites, writes, 'nothing new to write');
  assert.equal(h.cluster.applies.length, 1);
});

test('the last written status is held only until the informer delivers the version that write made', async () => {
  const h = harness(application({}, { operation: { sync: {} } }));
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  const key = `${h.writer.app.metadata.namespace}/${h.writer.app.metadata.name}`;
  const written = h.writer.app.metadata.resourceVersion;
  assert.ok(written);
  assert.equal(h.reconciler.heldStatuses(), 1, 'held while the informer may lag');
  h.reconciler.seen(key, 'another-version');
  assert.equal(h.reconciler.heldStatuses(), 1, 'another version says nothing about our write');
  h.reconciler.seen(key, written);
  assert.equal(h.reconciler.heldStatuses(), 0, 'the informer has our write: our copy goes');
  const writes = h.writer.statusWrites;
  await h.run();
  assert.equal(h.writer.statusWrites, writes, 'the informer copy is the written status: nothing to write');
  assert.equal(h.cluster.applies.length, 1);
});

test('a status write the informer delivered before its answer came back is not held at all', async () => {
  const h = harness(application({}, { operation: { sync: {} } }));
  h.git.commit('main', 'c1', [cm('one')]);
  const key = `${h.writer.app.metadata.namespace}/${h.writer.app.metadata.name}`;
  h.writer.beforeAnswer = (rv) => h.reconciler.seen(key, rv);
  await h.run();
  assert.equal(h.writer.statusWrites, 1);
  assert.equal(h.reconciler.heldStatuses(), 0);
});

test('a reconcile of the version our status write made drops the held copy (no informer event needed)', async () => {
  const h = harness(application({}, { operation: { sync: {} } }));
  h.git.commit('main', 'c1', [cm('one')]);
  const stale = structuredClone(h.writer.app);
  await h.run();
  assert.equal(h.reconciler.heldStatuses(), 1);
  // A stale copy keeps it (the existing rule: our own writes not seen yet).
  await h.reconciler.reconcile(stale);
  assert.equal(h.reconciler.heldStatuses(), 1);
  await h.run();
  assert.equal(h.reconciler.heldStatuses(), 0);
  assert.equal(h.cluster.applies.length, 1, 'one sync in all');
});

test('spec.source.directory reaches the render and is part of its cache key', async () => {
  const source = {
    repoURL: 'https://git.example/org/config.git',
    targetRevision: 'main',
    path: 'apps/web',
    directory: { recurse: true, include: '*.yaml' },
  };
  const h = harness(application({ ...auto(), source }));
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  assert.deepEqual(h.git.lastRender, {
    path: 'apps/web',
    overrides: undefined,
    directory: { recurse: true, include: '*.yaml' },
    chart: { appName: 'web', destinationNamespace: 'web' },
  });
  const key = (directory: unknown) =>
    renderKey(source.repoURL, 'c1', source.path, undefined, directory as typeof source.directory);
  assert.notEqual(key({ recurse: true }), key(undefined));
});

test('the chart context reaches the render: helm fields, app name, destination namespace, Capabilities', async () => {
  const source = {
    repoURL: 'https://git.example/org/config.git',
    targetRevision: 'main',
    path: 'apps/web',
    helm: { valueFiles: ['values-prod.yaml'] },
  };
  let asked = 0;
  const caps = { kubeVersion: 'v1.32.0', apiVersions: ['v1'] };
  const h = harness(application({ ...auto(), source }), {
    capabilities: async () => {
      asked++;
      return caps;
    },
  });
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  assert.deepEqual(h.git.lastRender?.chart, {
    helm: { valueFiles: ['values-prod.yaml'] },
    appName: 'web',
    destinationNamespace: 'web',
    capabilities: caps,
  });
  assert.equal(asked, 1);
});

test('a discovery failure reaches the render as an Error (a chart fails on it, other apps do not)', async () => {
  const h = harness(application(auto()), {
    capabilities: () => Promise.reject(new Error('API server down')),
  });
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  const chart = h.git.lastRender?.chart as { capabilities?: unknown } | undefined;
  assert.ok(chart?.capabilities instanceof Error);
  assert.equal(h.condition('Ready')?.status, 'True');
});

test('discovery is not asked when the app overrides kubeVersion and apiVersions', async () => {
  const source = {
    repoURL: 'https://git.example/org/config.git',
    targetRevision: 'main',
    path: 'apps/web',
    helm: { kubeVersion: 'v1.30.0', apiVersions: ['v1'] },
  };
  let asked = 0;
  const h = harness(application({ ...auto(), source }), {
    capabilities: async () => {
      asked++;
      return { kubeVersion: 'v1.32.0', apiVersions: [] };
    },
  });
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  assert.equal(asked, 0);
});

test('DeleteNamespace: after the objects, the namespace created for the app is deleted unless another app holds objects in it', async () => {
  const cases: [string, string[], string[], string | undefined][] = [
    ['alone', ['trueup-system/web'], [], 'Normal NamespaceDeleted: deleted namespace web'],
    [
      'shared',
      ['trueup-system/web', 'trueup-system/db'],
      ['trueup-system/db'],
      'Warning NamespaceKept: namespace web kept: it still holds objects of trueup-system/db',
    ],
  ];
  for (const [name, appsIn, others, event] of cases) {
    const app = application({
      ...auto(),
      syncPolicy: {
        automated: { prune: true },
        syncOptions: ['CreateNamespace=true', 'DeleteNamespace=true'],
      },
    });
    const h = harness(app, { appsWithObjectsIn: (ns) => (ns === 'web' ? appsIn : []) });
    h.cluster.namespaces.set('web', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'web', annotations: { 'trueup.dev/namespace-created-for': 'trueup-system/web' } },
    });
    h.git.commit('main', 'c1', [cm('one')]);
    await h.run();
    h.writer.app.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    h.writer.app.metadata.finalizers = ['trueup.dev/resources-finalizer'];
    await h.run();
    assert.deepEqual(h.cluster.deletes, ['/ConfigMap/web/one'], name);
    assert.deepEqual(h.cluster.namespaceCleanups, [{ namespace: 'web', otherApps: others }], name);
    assert.equal(h.cluster.namespaces.has('web'), others.length > 0, name);
    assert.ok(h.writer.events.includes(event as string), `${name}: ${h.writer.events.join('; ')}`);
    assert.deepEqual(h.writer.app.metadata.finalizers, [], name);
  }
});

test('without DeleteNamespace the namespace is never touched at deletion', async () => {
  const h = harness(application({ ...auto(), syncPolicy: { syncOptions: ['CreateNamespace=true'] } }));
  h.cluster.namespaces.set('web', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } });
  h.writer.app.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  h.writer.app.metadata.finalizers = ['trueup.dev/resources-finalizer'];
  await h.run();
  assert.deepEqual(h.cluster.namespaceCleanups, []);
  assert.ok(h.cluster.namespaces.has('web'));
  assert.ok(!h.writer.events.some((e) => e.includes('Namespace')));
});
