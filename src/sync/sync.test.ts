import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Annotation } from '../api/application.js';
import { isTrueupError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { compareOptions, isHookObject, ObjectAnnotation, readAnnotation } from './annotations.js';
import { VerdictCache } from './cache.js';
import { idKey, sortIds } from './identity.js';
import { MemoryInventory } from './inventory.js';
import { DEFAULT_SYNC_OPTIONS, objectSyncOptions, parseSyncOptions } from './options.js';
import { compareOrder, hookDeletePolicies, hookOf, isPrerequisite, waveOf } from './order.js';
import { pruneOrder } from './prune.js';

const withAnnotations = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x', annotations },
});

test('sync options: app-wide list, per-object annotation wins, errors name the source', () => {
  const app = parseSyncOptions(
    ['CreateNamespace=true', 'PruneLast=true', 'PrunePropagationPolicy=background'],
    DEFAULT_SYNC_OPTIONS,
    'app a/b',
  );
  assert.equal(app.createNamespace, true);
  assert.equal(app.pruneLast, true);
  assert.equal(app.prunePropagationPolicy, 'Background');
  assert.equal(app.prune, true);
  const obj = objectSyncOptions(
    withAnnotations({ [Annotation.SyncOptions]: 'Prune=false, Force=true,Validate=false' }),
    app,
    'ConfigMap x',
  );
  assert.deepEqual([obj.prune, obj.force, obj.validate, obj.pruneLast], [false, true, false, true]);
  for (const bad of [['Nope=true'], ['Prune=maybe'], ['PrunePropagationPolicy=sideways']]) {
    assert.throws(
      () => parseSyncOptions(bad, DEFAULT_SYNC_OPTIONS, 'ConfigMap web/x'),
      (e: unknown) => isTrueupError(e) && e.message.startsWith('ConfigMap web/x: '),
    );
  }
});

test('waves, hooks and delete policies from annotations', () => {
  assert.equal(waveOf(withAnnotations({}), 'x'), 0);
  assert.equal(waveOf(withAnnotations({ [Annotation.SyncWave]: '-2' }), 'x'), -2);
  assert.throws(
    () => waveOf(withAnnotations({ [Annotation.SyncWave]: 'soon' }), 'ConfigMap x'),
    /ConfigMap x: .*not an integer/,
  );
  assert.equal(hookOf(withAnnotations({}), 'x'), undefined);
  assert.equal(hookOf(withAnnotations({ [Annotation.Hook]: 'PreSync' }), 'x'), 'PreSync');
  assert.throws(() => hookOf(withAnnotations({ [Annotation.Hook]: 'Sometime' }), 'x'), /not one of/);
  assert.deepEqual(hookDeletePolicies(withAnnotations({}), 'x'), ['BeforeHookCreation']);
  assert.deepEqual(
    hookDeletePolicies(withAnnotations({ [Annotation.HookDeletePolicy]: 'HookSucceeded,HookFailed' }), 'x'),
    ['HookSucceeded', 'HookFailed'],
  );
});

test('apply order: wave, then kind (prerequisites first), then namespace and name', () => {
  const items = [
    { wave: 0, kind: 'Deployment', namespace: 'a', name: 'web' },
    { wave: 0, kind: 'Widget', namespace: 'a', name: 'w' },
    { wave: -1, kind: 'ConfigMap', namespace: 'a', name: 'early' },
    { wave: 0, kind: 'CustomResourceDefinition', namespace: '', name: 'widgets' },
    { wave: 0, kind: 'Namespace', namespace: '', name: 'a' },
    { wave: 0, kind: 'ConfigMap', namespace: 'a', name: 'b' },
    { wave: 0, kind: 'ConfigMap', namespace: 'a', name: 'a' },
    { wave: 0, kind: 'ServiceAccount', namespace: 'a', name: 'sa' },
  ];
  assert.deepEqual(
    [...items].sort(compareOrder).map((i) => `${i.wave}:${i.kind}/${i.name}`),
    [
      '-1:ConfigMap/early',
      '0:Namespace/a',
      '0:ServiceAccount/sa',
      '0:ConfigMap/a',
      '0:ConfigMap/b',
      '0:CustomResourceDefinition/widgets',
      '0:Deployment/web',
      '0:Widget/w',
    ],
  );
  assert.ok(
    isPrerequisite('CustomResourceDefinition') &&
      isPrerequisite('ClusterRole') &&
      !isPrerequisite('Deployment'),
  );
});

test('prune order: reverse apply order, PruneLast at the very end', () => {
  const cand = (kind: string, name: string, wave = 0, pruneLast = false) =>
    ({
      id: { group: '', version: 'v1', kind, namespace: 'n', name },
      wave,
      action: 'prune',
      options: { ...DEFAULT_SYNC_OPTIONS, pruneLast },
    }) as Parameters<typeof pruneOrder>[0][number];
  const order = pruneOrder([
    cand('Namespace', 'n'),
    cand('ConfigMap', 'c'),
    cand('Deployment', 'd', 0, true),
    cand('Service', 's', 2),
  ]);
  assert.deepEqual(
    order.map((c) => c.id.name),
    ['s', 'c', 'n', 'd'],
  );
});

test('verdict cache: hit on same hash and resourceVersion; status-only changes still hit; real changes miss', () => {
  const cache = new VerdictCache();
  const live = (rv: string, data: string, status?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', resourceVersion: rv },
    data: { a: data },
    ...(status ? { status: { phase: status } } : {}),
  });
  assert.equal(cache.inSync('k', 'h1', live('1', 'v'), []), false);
  cache.record('k', 'h1', live('1', 'v'), []);
  assert.equal(cache.inSync('k', 'h1', live('1', 'v'), []), true);
  assert.equal(cache.inSync('k', 'h2', live('1', 'v'), []), false, 'desired changed');
  assert.equal(cache.inSync('k', 'h1', live('2', 'v', 'Ready'), []), true, 'only status moved');
  assert.equal(cache.inSync('k', 'h1', live('3', 'edited'), []), false, 'live edited');
  cache.record('j', 'h1', live('1', 'v'), ['/data/a']);
  assert.equal(cache.inSync('j', 'h1', live('4', 'edited'), ['/data/a']), true, 'edit in an ignored field');
});

test('memory inventory sorts and dedupes entries', async () => {
  const inv = new MemoryInventory();
  assert.equal(await inv.load(), undefined);
  const e = (kind: string, name: string) => ({ group: '', version: 'v1', kind, namespace: 'n', name });
  await inv.save([e('Secret', 'b'), e('ConfigMap', 'a'), e('Secret', 'b')]);
  assert.deepEqual((await inv.load())?.map(idKey), ['/ConfigMap/n/a', '/Secret/n/b']);
  assert.equal(sortIds([]).length, 0);
});

test('sync options: Prune=confirm, Delete=false, RespectIgnoreDifferences, SkipDryRunOnMissingResource; SSA-only refusals', () => {
  const o = parseSyncOptions(
    ['Prune=confirm', 'Delete=false', 'RespectIgnoreDifferences=false', 'SkipDryRunOnMissingResource=true'],
    DEFAULT_SYNC_OPTIONS,
    'app',
  );
  assert.deepEqual(
    [o.prune, o.pruneConfirm, o.delete, o.respectIgnoreDifferences, o.skipDryRunOnMissingResource],
    [true, true, false, false, true],
  );
  assert.equal(
    parseSyncOptions(['Prune=false'], o, 'x').pruneConfirm,
    false,
    'a later Prune= replaces confirm',
  );
  assert.equal(
    parseSyncOptions(['ApplyOutOfSyncOnly=true', 'ServerSideApply=true'], o, 'x').applyOutOfSyncOnly,
    true,
  );
  for (const [bad, why] of [
    ['ServerSideApply=false', /trueup always applies with server-side apply/],
    ['ApplyOutOfSyncOnly=false', /only ever applies the objects that differ/],
  ] as const) {
    assert.throws(
      () => parseSyncOptions([bad], DEFAULT_SYNC_OPTIONS, 'Application a/b'),
      (e: unknown) =>
        isTrueupError(e) &&
        e.code === 'SyncOptionInvalid' &&
        why.test(e.message) &&
        e.message.startsWith('Application a/b'),
    );
  }
});

test('Argo CD annotations are read when ours is absent; ours win; messages name the key read', () => {
  const argo = withAnnotations({
    'argocd.argoproj.io/sync-wave': '3',
    'argocd.argoproj.io/hook': 'PostSync',
    'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
    'argocd.argoproj.io/sync-options': 'Prune=false',
    'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
  });
  assert.equal(waveOf(argo, 'x'), 3);
  assert.equal(hookOf(argo, 'x'), 'PostSync');
  assert.deepEqual(hookDeletePolicies(argo, 'x'), ['HookSucceeded']);
  assert.equal(objectSyncOptions(argo, DEFAULT_SYNC_OPTIONS, 'x').prune, false);
  assert.deepEqual(compareOptions(argo), ['IgnoreExtraneous']);
  assert.ok(isHookObject(argo));
  const both = withAnnotations({ [Annotation.SyncWave]: '1', 'argocd.argoproj.io/sync-wave': '3' });
  assert.equal(waveOf(both, 'x'), 1);
  assert.throws(
    () => waveOf(withAnnotations({ 'argocd.argoproj.io/sync-wave': 'soon' }), 'ConfigMap x'),
    /ConfigMap x: argocd.argoproj.io\/sync-wave "soon" is not an integer/,
  );
  assert.equal(readAnnotation(withAnnotations({}), ObjectAnnotation.Hook), undefined);
});
