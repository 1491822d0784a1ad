/**
 * AppProjects against the real control plane and Git server: a project bounds repositories, destinations and kinds (a violating app applies
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
  'imp/kustomization.yaml': kustomization(['cm.yaml']),
  'imp/cm.yaml': configMap('proj-imp', { v: '1' }),
  'impwide/kustomization.yaml': kustomization(['cm.yaml', 'role.yaml']),
  'impwide/cm.yaml': configMap('proj-impwide', { v: '1' }),
  'impwide/role.yaml': clusterRole.replace('proj-e2e-reader', 'proj-e2e-impwide'),
  'projwide/kustomization.yaml': kustomization(['cm.yaml', 'role.yaml']),
  'projwide/cm.yaml': configMap('proj-projwide', { v: '1' }),
  'projwide/role.yaml': clusterRole.replace('proj-e2e-reader', 'proj-e2e-projwide'),
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
// The ServiceAccount `deployer` (in the apps' namespace, as Flux's serviceAccountName) may manage
// ConfigMaps in the destination and nothing else.
await env.kubectl(['create', 'serviceaccount', 'deployer', '-n', appNs]);
await env.kubectl([
  'create',
  'role',
  'cm-deployer',
  '-n',
  dest,
  '--verb=get,list,watch,create,update,patch,delete',
  '--resource=configmaps',
]);
await env.kubectl([
  'create',
  'rolebinding',
  'cm-deployer',
  '-n',
  dest,
  '--role=cm-deployer',
  `--serviceaccount=${appNs}:deployer`,
]);
const asDeployer = (o: KubeObject) => {
  (o.spec as { serviceAccountName?: string }).serviceAccountName = 'deployer';
  return o;
};
await apply(asDeployer(appManifest('imp', appNs, repoURL, 'imp', dest)));
await apply(asDeployer(appManifest('impwide', appNs, repoURL, 'impwide', dest)));
await apply(
  project('by-sa', {
    ...teamA,
    clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    destinationServiceAccounts: [
      { server: '*', namespace: dest, defaultServiceAccount: `${appNs}:deployer` },
    ],
  }),
);
await apply(withProject(appManifest('projwide', appNs, repoURL, 'projwide', dest), 'by-sa'));
await env.controller({ projectNamespace: projNs });

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

test('an app syncing as a ServiceAccount gets what its RBAC allows', async () => {
  await waitFor('imp synced', async () => (await env.app('imp'))?.status?.sync?.status === 'Synced');
  assert.ok(await env.get('v1', 'ConfigMap', dest, 'proj-imp'));
});

test("an app syncing as a ServiceAccount fails on what its RBAC forbids, with the API server's Forbidden", async () => {
  const app = await waitFor('impwide refused by RBAC', async () => {
    const a = await env.app('impwide');
    return /forbidden/i.test(JSON.stringify(a?.status ?? {})) && a;
  });
  const text = JSON.stringify(app.status);
  assert.match(text, new RegExp(`system:serviceaccount:${appNs}:deployer`));
  assert.match(text, /clusterroles/);
  assert.equal(
    await env.get('rbac.authorization.k8s.io/v1', 'ClusterRole', '', 'proj-e2e-impwide'),
    undefined,
  );
});

test("a project's destinationServiceAccounts make its apps sync as that ServiceAccount", async () => {
  const app = await waitFor('projwide refused by RBAC', async () => {
    const a = await env.app('projwide');
    return /forbidden/i.test(JSON.stringify(a?.status ?? {})) && a;
  });
  assert.match(JSON.stringify(app.status), new RegExp(`system:serviceaccount:${appNs}:deployer`));
  assert.equal(
    await env.get('rbac.authorization.k8s.io/v1', 'ClusterRole', '', 'proj-e2e-projwide'),
    undefined,
  );
});
