/** Helm's hook annotations read as Argo CD reads them (through the one hook reader, order.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { isHookObject } from './annotations.js';
import { hookDeletePolicies, hookOf, waveOf } from './order.js';

const job = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', annotations },
});

test('helm.sh/hook events map to phases as Argo CD maps them (table)', () => {
  const cases: [Record<string, string>, string | undefined, boolean][] = [
    [{}, undefined, false],
    [{ 'helm.sh/hook': 'pre-install' }, 'PreSync', true],
    [{ 'helm.sh/hook': 'pre-upgrade' }, 'PreSync', true],
    [{ 'helm.sh/hook': 'pre-install,pre-upgrade' }, 'PreSync', true],
    [{ 'helm.sh/hook': 'post-install' }, 'PostSync', true],
    [{ 'helm.sh/hook': 'post-upgrade, post-install' }, 'PostSync', true],
    // A test (or delete/rollback) hook has no phase: never applied.
    [{ 'helm.sh/hook': 'test' }, 'Skip', true],
    [{ 'helm.sh/hook': 'test-success' }, 'Skip', true],
    [{ 'helm.sh/hook': 'pre-delete,post-rollback' }, 'Skip', true],
    [{ 'helm.sh/hook': 'test,post-install' }, 'PostSync', true],
    // Helm 2's CRD marker is not a hook.
    [{ 'helm.sh/hook': 'crd-install' }, undefined, false],
    [{ 'helm.sh/hook': '' }, undefined, false],
    // Ours and Argo CD's win over Helm's.
    [{ 'helm.sh/hook': 'pre-install', 'argocd.argoproj.io/hook': 'PostSync' }, 'PostSync', true],
    [{ 'helm.sh/hook': 'test', 'trueup.dev/hook': 'Sync' }, 'Sync', true],
  ];
  for (const [annotations, want, hook] of cases) {
    const obj = job(annotations);
    assert.equal(hookOf(obj, 'Job/migrate'), want, JSON.stringify(annotations));
    assert.equal(isHookObject(obj), hook, JSON.stringify(annotations));
  }
});

test('an unknown Helm hook event is an error naming the object', () => {
  assert.throws(
    () => hookOf(job({ 'helm.sh/hook': 'pre-instal' }), 'Job web/migrate'),
    /Job web\/migrate: helm\.sh\/hook "pre-instal": pre-instal is not a Helm hook event/,
  );
});

test('helm.sh/hook-weight is the wave unless a sync-wave is set (table)', () => {
  const cases: [Record<string, string>, number][] = [
    [{ 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '-5' }, -5],
    [{ 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '3' }, 3],
    [{ 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '' }, 0],
    [{ 'helm.sh/hook': 'pre-install' }, 0],
    [{ 'helm.sh/hook-weight': '2', 'argocd.argoproj.io/sync-wave': '7' }, 7],
    [{ 'helm.sh/hook-weight': '2', 'trueup.dev/sync-wave': '-1' }, -1],
  ];
  for (const [annotations, want] of cases) assert.equal(waveOf(job(annotations), 'Job/migrate'), want);
  assert.throws(
    () => waveOf(job({ 'helm.sh/hook-weight': 'high' }), 'Job/m'),
    /Job\/m: helm\.sh\/hook-weight "high" is not an integer/,
  );
});

test('helm.sh/hook-delete-policy maps to ours, merged with ours as Argo CD (table)', () => {
  const cases: [Record<string, string>, string[]][] = [
    [{ 'helm.sh/hook': 'pre-install' }, ['BeforeHookCreation']],
    [{ 'helm.sh/hook-delete-policy': 'hook-succeeded' }, ['HookSucceeded']],
    [
      { 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' },
      ['BeforeHookCreation', 'HookSucceeded'],
    ],
    [{ 'helm.sh/hook-delete-policy': 'hook-failed' }, ['HookFailed']],
    [
      { 'helm.sh/hook-delete-policy': 'hook-failed', 'trueup.dev/hook-delete-policy': 'HookSucceeded' },
      ['HookSucceeded', 'HookFailed'],
    ],
  ];
  for (const [annotations, want] of cases)
    assert.deepEqual(hookDeletePolicies(job(annotations), 'Job/migrate'), want, JSON.stringify(annotations));
  assert.throws(
    () => hookDeletePolicies(job({ 'helm.sh/hook-delete-policy': 'always' }), 'Job/m'),
    /Job\/m: helm\.sh\/hook-delete-policy "always" is not one of before-hook-creation, hook-succeeded, hook-failed/,
  );
});
