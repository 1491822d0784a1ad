import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Application } from '../api/application.js';
import { planApps, upToDate, withPolicy } from './plan.js';
import { nextStatus } from './status.js';

function app(name: string, path = name, extra: Partial<Application['metadata']> = {}): Application {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'ns', labels: { 'trueup.dev/application-set': 's' }, ...extra },
    spec: { source: { repoURL: 'https://git.example/r.git', path }, destination: {} },
  } as Application;
}

const summary = (desired: Application[], live: Application[], policy?: Parameters<typeof planApps>[2]) =>
  planApps(desired, live, policy).actions.map((a) =>
    a.action === 'keep'
      ? `keep ${a.name} (${a.reason})`
      : `${a.action} ${a.action === 'delete' ? a.live.metadata.name : a.app.metadata.name}`,
  );

// Argo CD's applicationsSync policies.
const desired = [app('new'), app('changed', 'apps/changed-v2'), app('same')];
const live = [app('changed'), app('same'), app('gone')];
const cases: [Parameters<typeof planApps>[2], string[]][] = [
  [undefined, ['create new', 'update changed', 'keep same (up-to-date)', 'delete gone']],
  ['sync', ['create new', 'update changed', 'keep same (up-to-date)', 'delete gone']],
  ['create-only', ['create new', 'keep changed (policy)', 'keep same (up-to-date)', 'keep gone (policy)']],
  ['create-update', ['create new', 'update changed', 'keep same (up-to-date)', 'keep gone (policy)']],
  ['create-delete', ['create new', 'keep changed (policy)', 'keep same (up-to-date)', 'delete gone']],
];
for (const [policy, want] of cases) {
  test(`applicationsSync ${policy ?? '(default)'}`, () =>
    assert.deepEqual(summary(desired, live, policy), want));
}

test('a live spec with server defaults, extra labels and other finalizers is up to date', () => {
  const live = app('a', 'a', {
    labels: { 'trueup.dev/application-set': 's', extra: 'x' },
    finalizers: ['other'],
  });
  live.spec = {
    ...live.spec,
    source: { repoURL: 'https://git.example/r.git', path: 'a', targetRevision: 'HEAD' },
    destination: { server: 'https://kubernetes.default.svc' },
  };
  assert.equal(upToDate(app('a'), live), true);
  assert.equal(upToDate(app('a', 'b'), live), false);
  // A resources finalizer the set no longer writes must be removed.
  const withFinalizer = app('a', 'a', { finalizers: ['trueup.dev/resources-finalizer'] });
  assert.equal(upToDate(app('a'), withFinalizer), false);
});

test('preserveResourcesOnDeletion: generated apps carry no resources finalizer', () => {
  const a = app('a', 'a', { finalizers: ['trueup.dev/resources-finalizer', 'other'] });
  assert.deepEqual(
    withPolicy([a], { syncPolicy: { preserveResourcesOnDeletion: true } })[0]?.metadata.finalizers,
    ['other'],
  );
  assert.deepEqual(withPolicy([a], {})[0]?.metadata.finalizers, ['trueup.dev/resources-finalizer', 'other']);
});

test('status: conditions keep their transition time while they hold; resources list sync and health', () => {
  const synced = app('web');
  synced.status = { sync: { status: 'Synced' }, health: { status: 'Healthy' } };
  const first = nextStatus(undefined, { kind: 'ok', apps: 1 }, [synced], 3, 't1');
  assert.deepEqual(
    first.conditions?.map((c) => [c.type, c.status, c.lastTransitionTime]),
    [
      ['ErrorOccurred', 'False', 't1'],
      ['ParametersGenerated', 'True', 't1'],
      ['ResourcesUpToDate', 'True', 't1'],
    ],
  );
  assert.deepEqual(first.resources, [
    { name: 'web', namespace: 'ns', status: 'Synced', health: { status: 'Healthy' } },
  ]);
  assert.equal(first.applicationCount, 1);
  assert.equal(first.observedGeneration, 3);
  const failed = nextStatus(first, { kind: 'error', stage: 'template', message: 'boom' }, [synced], 4, 't2');
  assert.deepEqual(
    failed.conditions?.map((c) => [c.type, c.status, c.lastTransitionTime, c.message]),
    [
      ['ErrorOccurred', 'True', 't2', 'boom'],
      ['ParametersGenerated', 'True', 't1', 'Successfully generated parameters for all Applications'],
      ['ResourcesUpToDate', 'False', 't2', 'boom'],
    ],
  );
});
