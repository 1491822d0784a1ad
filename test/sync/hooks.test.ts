/**
 * Waves and hooks with running workloads (simulated nodes): a wave waits for its Deployment to
 * be available; a PreSync Job runs before the sync; a failing PreSync Job stops the sync, the
 * old version keeps running and the SyncFail hook runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Annotation } from '../../src/api/application.js';
import type { KubeObject } from '../../src/api/object.js';
import { actions, configMap, deployment, harness } from './harness.js';

function job(name: string, opts: { fail?: boolean; hook: string; deletePolicy?: string }): KubeObject {
  const annotations: Record<string, string> = { [Annotation.Hook]: opts.hook };
  if (opts.deletePolicy) annotations[Annotation.HookDeletePolicy] = opts.deletePolicy;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, annotations },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { annotations: opts.fail ? { 'sim.trueup.dev/fail': 'true' } : {} },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'migrate', image: 'registry.example/migrate:1' }],
        },
      },
    },
  };
}

const ts = (o: KubeObject | undefined) => Date.parse(String(o?.metadata.creationTimestamp));

function imageOf(d: KubeObject | undefined): string | undefined {
  const spec = d?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
  return spec?.template?.spec?.containers?.[0]?.image;
}

test('a wave waits until the previous wave is healthy (a Deployment rolled out)', async () => {
  const h = await harness('sync-wave-health');
  const web = deployment('web', { replicas: 2 });
  const tpl = (web.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template;
  tpl.metadata.annotations = { 'sim.trueup.dev/ready-delay': '3s' };
  const after = configMap('after', { a: '1' }, { [Annotation.SyncWave]: '1' });
  const r = await h.run([after, web]);
  assert.equal(r.phase, 'Succeeded', r.message);
  const d = await h.client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.ns, name: 'web' });
  const available = (
    d?.status as { conditions?: { type: string; status: string; lastTransitionTime: string }[] } | undefined
  )?.conditions?.find((c) => c.type === 'Available' && c.status === 'True');
  assert.ok(available, 'the Deployment is available');
  assert.equal((d?.status as { readyReplicas?: number } | undefined)?.readyReplicas, 2);
  const cm = await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'after' });
  assert.ok(ts(cm) - ts(d) >= 3000, 'wave 1 was applied only after the pods became ready (3 s delay)');
});

test('a PreSync Job hook runs to completion before the sync; HookSucceeded deletes it', async () => {
  const h = await harness('sync-presync');
  const r = await h.run([
    job('migrate', { hook: 'PreSync', deletePolicy: 'HookSucceeded' }),
    configMap('app', { v: '1' }),
  ]);
  assert.equal(r.phase, 'Succeeded', r.message);
  assert.deepEqual(
    r.resources.map((x) => `${x.hook ?? 'sync'}:${x.ref.name}:${x.action}`),
    ['PreSync:migrate:created', 'sync:app:created'],
  );
  assert.match(r.resources[0]?.message ?? '', /succeeded/);
  const j = await h.client.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: h.ns, name: 'migrate' });
  assert.ok(j === undefined || j.metadata.deletionTimestamp, 'the succeeded hook is deleted');
});

test('a failing PreSync Job stops the sync: the old version keeps running, SyncFail hooks run', async () => {
  const h = await harness('sync-presync-fail');
  const v1 = deployment('web', { replicas: 1, image: 'registry.example/web:1' });
  assert.equal((await h.run([v1])).phase, 'Succeeded');
  const v2 = deployment('web', { replicas: 1, image: 'registry.example/web:2' });
  const onFail = configMap('sync-failed', { reason: 'migration' }, { [Annotation.Hook]: 'SyncFail' });
  const r = await h.run([job('migrate', { hook: 'PreSync', fail: true }), onFail, v2]);
  assert.equal(r.phase, 'Failed');
  assert.match(r.message, /PreSync hook failed/);
  const a = actions(r);
  assert.equal(a['PreSync:Job/migrate'], 'failed');
  assert.equal(a['SyncFail:ConfigMap/sync-failed'], 'created');
  assert.equal(a['Deployment/web'], 'skipped');
  assert.match(
    r.resources.find((x) => x.hook === 'PreSync')?.message ?? '',
    /Job.*migrate.*Degraded.*failed/,
  );
  const d = await h.client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.ns, name: 'web' });
  assert.equal(imageOf(d), 'registry.example/web:1', 'the old version keeps running');
  assert.ok(
    await h.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: h.ns, name: 'sync-failed' }),
  );

  // The migration is fixed in Git: BeforeHookCreation replaces the failed Job, and v2 rolls out.
  const failedUid = (
    await h.client.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: h.ns, name: 'migrate' })
  )?.metadata.uid;
  const fixed = await h.run([job('migrate', { hook: 'PreSync' }), onFail, v2]);
  assert.equal(fixed.phase, 'Succeeded', fixed.message);
  const j = await h.client.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: h.ns, name: 'migrate' });
  assert.notEqual(j?.metadata.uid, failedUid, 'the failed Job was deleted before the new one was created');
  const d2 = await h.client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.ns, name: 'web' });
  assert.equal(imageOf(d2), 'registry.example/web:2');
});
