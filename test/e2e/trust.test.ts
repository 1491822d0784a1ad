/**
 * Issue #11's trust breakers, end to end (real control plane, real Git, controller in-process):
 * hooks are not desired state; `trueup app sync --prune` with Prune=false objects finishes (the
 * app also has a PreSync hook: before the fix, the finished hook entered the inventory, the app
 * never settled and the command timed out); status says `requiresPruning` on objects Git no
 * longer has.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Application } from '../../src/api/application.js';
import { appSync } from '../../src/cli/app-cli.js';
import { testNamespace } from '../support/cluster.js';
import { appManifest, configMap, e2eEnv, waitFor, yaml } from './support.js';

const env = await e2eEnv('trust');
const dest = await testNamespace('trust-dest');
const repo = await env.git.createRepo('trust');
const repoURL = env.git.url('trust');
const { appNs } = env;

const kustomization = (resources: string[]) =>
  yaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });

const presyncJob = yaml({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: {
    name: 'migrate',
    annotations: { 'trueup.dev/hook': 'PreSync', 'trueup.dev/hook-delete-policy': 'BeforeHookCreation' },
  },
  spec: {
    backoffLimit: 0,
    template: {
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'migrate', image: 'registry.example/migrate:1' }],
      },
    },
  },
});
const pvc = yaml({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', annotations: { 'trueup.dev/sync-options': 'Prune=false' } },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
});
const pdb = yaml({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web' },
  spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
});

await repo.commit({
  'hooks/kustomization.yaml': kustomization(['config.yaml', 'migrate.yaml']),
  'hooks/config.yaml': configMap('hooks-config', { v: '1' }),
  'hooks/migrate.yaml': presyncJob,
  'keep/kustomization.yaml': kustomization(['config.yaml', 'pvc.yaml', 'pdb.yaml', 'migrate.yaml']),
  'keep/migrate.yaml': presyncJob.replace('"migrate"', '"keep-migrate"'),
  'keep/config.yaml': configMap('keep-config', { v: '1' }),
  'keep/pvc.yaml': pvc,
  'keep/pdb.yaml': pdb,
});
await env.kubectl(['apply', '-f', '-'], yaml(appManifest('hooks', appNs, repoURL, 'hooks', dest)));
const keep = appManifest('keep', appNs, repoURL, 'keep', dest, { prune: false });
await env.kubectl(['apply', '-f', '-'], yaml(keep));
await env.controller();

const refresh = (name: string) =>
  env.kubectl(['annotate', '--overwrite', '-n', appNs, `tapp/${name}`, 'trueup.dev/refresh=normal']);
const synced = (name: string, sha: string) =>
  waitFor(`${name} synced to ${sha}`, async () => {
    const a = await env.app(name);
    return a?.status?.sync?.revision === sha && a.status.operationState?.phase === 'Succeeded' && a;
  });
const names = (a: Application | undefined) =>
  (a?.status?.resources ?? []).map((r) => `${r.kind}/${r.name}`).sort();

test('a finished PreSync hook is never listed, never requires pruning, never makes the app OutOfSync', async () => {
  const first = await waitFor('hooks Synced and Healthy', async () => {
    const a = await env.app('hooks');
    return a?.status?.sync?.status === 'Synced' && a.status.health?.status === 'Healthy' && a;
  });
  assert.deepEqual(names(first), ['ConfigMap/hooks-config']);
  const job = await env.get('batch/v1', 'Job', dest, 'migrate');
  assert.ok(job, 'the hook ran');
  // The next commit runs the hook again (BeforeHookCreation deletes the finished one first).
  const sha = await repo.commit({ 'hooks/config.yaml': configMap('hooks-config', { v: '2' }) }, 'v2');
  await refresh('hooks');
  await synced('hooks', sha);
  // Passes after the sync (the Job's informer knows the finished Job by now) still see no hook.
  await refresh('hooks');
  const after = await waitFor('refresh handled', async () => {
    const a = await env.app('hooks');
    return a?.metadata.annotations?.['trueup.dev/refresh'] === undefined && a;
  });
  assert.deepEqual(names(after), ['ConfigMap/hooks-config']);
  assert.equal(after.status?.sync?.status, 'Synced');
  assert.ok(!after.status?.resources?.some((r) => r.requiresPruning));
  assert.ok(await env.get('batch/v1', 'Job', dest, 'migrate'), 'the hook is not pruned');
});

test('Git drops a Prune=false PVC and a PDB: status says requiresPruning; app sync --prune prunes the PDB, keeps the PVC, exits 0', async () => {
  await waitFor('keep synced', async () => (await env.app('keep'))?.status?.sync?.status === 'Synced');
  const sha = await repo.commit(
    { 'keep/kustomization.yaml': kustomization(['config.yaml', 'migrate.yaml']) },
    'drop two',
  );
  await refresh('keep');
  const pending = await waitFor('both require pruning', async () => {
    const a = await env.app('keep');
    return (
      a?.status?.sync?.revision === sha &&
      (a.status.resources ?? []).filter((r) => r.requiresPruning).length === 2 &&
      a
    );
  });
  assert.equal(pending.status?.sync?.status, 'OutOfSync', 'automated prune is off: they stay');
  for (const r of pending.status?.resources?.filter((x) => x.requiresPruning) ?? [])
    assert.match(r.message ?? '', /^requires pruning/, `${r.kind} ${r.name}`);
  assert.ok(await env.get('policy/v1', 'PodDisruptionBudget', dest, 'web'));

  let stdout = '';
  let stderr = '';
  const code = await appSync(
    'keep',
    { namespace: appNs, kubeconfig: env.kubeconfigPath, prune: true, timeout: '90' },
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
  );
  assert.equal(code, 0, `${stdout}${stderr}`);
  assert.match(stdout, /^Succeeded: synced .*: 0 created, 0 configured, 1 pruned/);
  assert.match(stderr, /sync of .*keep requested/);
  assert.equal(await env.get('policy/v1', 'PodDisruptionBudget', dest, 'web'), undefined, 'PDB pruned');
  assert.ok(await env.get('v1', 'PersistentVolumeClaim', dest, 'data'), 'Prune=false wins over --prune');
  const after = await env.app('keep');
  assert.deepEqual(
    after?.status?.resources?.filter((r) => r.requiresPruning).map((r) => [r.kind, r.name, r.message]),
    [['PersistentVolumeClaim', 'data', 'requires pruning (Prune=false: kept)']],
  );
  assert.equal(after?.operation, undefined);
  assert.equal(
    after?.status?.operationState?.generation !== undefined,
    true,
    'the operation run is recorded',
  );
});

test("an Application with Argo CD's resources finalizer is deleted with its resources (no hang in Terminating)", async () => {
  await repo.commit({ 'argo/config.yaml': configMap('argo-config', { v: '1' }) }, 'argo app');
  const manifest = appManifest('argo-final', appNs, repoURL, 'argo', dest);
  manifest.metadata.finalizers = ['resources-finalizer.argocd.argoproj.io'];
  await env.kubectl(['apply', '-f', '-'], yaml(manifest));
  await waitFor(
    'argo-final synced',
    async () => (await env.app('argo-final'))?.status?.sync?.status === 'Synced',
  );
  assert.ok(await env.get('v1', 'ConfigMap', dest, 'argo-config'));
  await env.kubectl(['delete', '-n', appNs, 'tapp/argo-final', '--wait=false']);
  await waitFor('the Application is gone', async () => (await env.app('argo-final')) === undefined);
  const left = await env.get('v1', 'ConfigMap', dest, 'argo-config');
  assert.ok(left === undefined || left.metadata.deletionTimestamp, 'its ConfigMap is deleted');
});
