/**
 * AppProjects against the real control plane and Git server: kubectl refuses what trueup cannot
 * honour yet; a project bounds repositories, destinations and kinds (a violating app applies
 * nothing and says which rule refused what; a permitted one syncs); an app whose project appears
 * later syncs then (the project informer re-queues it); a deny window holds automated syncs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { testNamespace } from '../support/cluster.js';
import { appManifest, condition, configMap, e2eEnv, waitFor, yaml } from './support.js';

const env = await e2eEnv('proj');
const projNs = await testNamespace('proj-home');
const dest = await testNamespace('proj-dest');
const repo = await env.git.createRepo('proj');
const repoURL = env.git.url('proj');
const { appNs } = env;

const kustomization = (resources: string[]) =>
  yaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });
const clusterRole = yaml({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'proj-e2e-reader' },
  rules: [],
});
await repo.commit({
  'ok/kustomization.yaml': kustomization(['cm.yaml']),
  'ok/cm.yaml': configMap('proj-ok', { v: '1' }),
  'wide/kustomization.yaml': kustomization(['cm.yaml', 'role.yaml']),
  'wide/cm.yaml': configMap('proj-wide', { v: '1' }),
  'wide/role.yaml': clusterRole,
  'later/kustomization.yaml': kustomization(['cm.yaml']),
  'later/cm.yaml': configMap('proj-later', { v: '1' }),
  'held/kustomization.yaml': kustomization(['cm.yaml']),
  'held/cm.yaml': configMap('proj-held', { v: '1' }),
});

const project = (name: string, spec: Record<string, unknown>): KubeObject =>
  ({
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'AppProject',
    metadata: { name, namespace: projNs },
    spec,
  }) as KubeObject;
const teamA = {
  sourceRepos: [repoURL],
  destinations: [{ server: '*', namespace: dest }],
  sourceNamespaces: [appNs],
};
const apply = (o: KubeObject) => env.kubectl(['apply', '-f', '-'], yaml(o));
const withProject = (o: KubeObject, name: string) => {
  (o.spec as { project?: string }).project = name;
  return o;
};

await apply(project('team-a', teamA));
await apply(
  project('held', {
    ...teamA,
    syncWindows: [{ kind: 'deny', schedule: '* * * * *', duration: '1h', applications: ['*'] }],
  }),
);
await apply(withProject(appManifest('ok', appNs, repoURL, 'ok', dest), 'team-a'));
await apply(withProject(appManifest('wide', appNs, repoURL, 'wide', dest), 'team-a'));
await apply(withProject(appManifest('later', appNs, repoURL, 'later', dest), 'team-later'));
await apply(withProject(appManifest('held', appNs, repoURL, 'held', dest), 'held'));
await env.controller({ projectNamespace: projNs });

test('kubectl refuses destinationServiceAccounts (impersonation is not there yet) with the reason', async () => {
  await assert.rejects(
    apply(
      project('imp', {
        ...teamA,
        destinationServiceAccounts: [{ server: '*', namespace: '*', defaultServiceAccount: 'x' }],
      }),
    ),
    /destinationServiceAccounts \(impersonation\) is not supported yet/,
  );
});

test('a permitted app syncs', async () => {
  await waitFor('ok synced', async () => (await env.app('ok'))?.status?.sync?.status === 'Synced');
  assert.ok(await env.get('v1', 'ConfigMap', dest, 'proj-ok'));
});

test('an app deploying a kind its project does not permit applies nothing and names the rule', async () => {
  const app = await waitFor('wide refused', async () => {
    const a = await env.app('wide');
    return condition(a, 'Ready')?.reason === 'ProjectViolation' && a;
  });
  assert.equal(
    condition(app, 'Ready')?.message,
    'project team-a: cluster-scoped ClusterRole.rbac.authorization.k8s.io proj-e2e-reader is not permitted (clusterResourceWhitelist)',
  );
  assert.equal(condition(app, 'Stalled')?.status, 'True');
  assert.equal(
    await env.get('v1', 'ConfigMap', dest, 'proj-wide'),
    undefined,
    'nothing of the app is applied',
  );
  assert.equal(
    await env.get('rbac.authorization.k8s.io/v1', 'ClusterRole', '', 'proj-e2e-reader'),
    undefined,
  );
});

test('an app whose project does not exist yet is refused, then syncs once the project is created', async () => {
  await waitFor('later refused', async () =>
    /project team-later does not exist in namespace/.test(
      condition(await env.app('later'), 'Ready')?.message ?? '',
    ),
  );
  await apply(project('team-later', teamA));
  await waitFor('later synced', async () => (await env.app('later'))?.status?.sync?.status === 'Synced');
});

test('an open deny window holds the automated sync and says so; the diff still shows', async () => {
  const app = await waitFor('held', async () => {
    const a = await env.app('held');
    return condition(a, 'Ready')?.reason === 'SyncWindowClosed' && a;
  });
  assert.match(
    condition(app, 'Ready')?.message ?? '',
    /sync window deny \* \* \* \* \* for 1h \(UTC\) denies syncs now/,
  );
  assert.equal(app.status?.sync?.status, 'OutOfSync');
  assert.equal(await env.get('v1', 'ConfigMap', dest, 'proj-held'), undefined);
});
