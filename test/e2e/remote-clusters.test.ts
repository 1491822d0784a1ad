/**
 * Remote clusters against two real control planes: a second control plane registered through a
 * cluster Secret (Argo CD's format, a ServiceAccount bearer token minted there by TokenRequest)
 * gets an app synced to it; an edit there is reverted (self-heal over that cluster's informers);
 * stopping its API server marks only its app Unknown (ClusterUnreachable, naming the server,
 * never the token) while an app on the controller's own cluster keeps syncing a new commit;
 * starting it again recovers. An app naming an unregistered cluster is refused, nothing applied.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { connectCluster } from '../../src/cluster/connect.js';
import { startControlPlane } from '../control-plane/control-plane.js';
import { testNamespace } from '../support/cluster.js';
import { kubectl } from '../support/kubectl.js';
import { appManifest, condition, configMap, e2eEnv, waitFor, yaml } from './support.js';

const env = await e2eEnv('remote');
const home = await testNamespace('remote-home');
const localDest = await testNamespace('remote-local');
const repo = await env.git.createRepo('remote');
const repoURL = env.git.url('remote');

// The second cluster: its own etcd and API server (no controller manager: nothing here needs it).
const east = await startControlPlane({ controllerManager: false });
after(() => east.stop());
const onEast = async (args: string[], input?: string) =>
  (await kubectl(east.kubeconfigPath, args, input)).stdout;
await onEast(['create', 'namespace', 'far']);
await onEast(['create', 'serviceaccount', 'trueup', '-n', 'default']);
await onEast([
  'create',
  'clusterrolebinding',
  'trueup-admin',
  '--clusterrole=cluster-admin',
  '--serviceaccount=default:trueup',
]);
const token = (await onEast(['create', 'token', 'trueup', '-n', 'default', '--duration=2h'])).trim();
assert.ok(token.length > 20, 'a token was minted');
const caData = east.kubeconfig.clusters[0]?.cluster['certificate-authority-data'] ?? '';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const clusterSecret: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'east', namespace: home, labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
  data: {
    name: b64('east'),
    server: b64(east.server),
    config: b64(JSON.stringify({ bearerToken: token, tlsClientConfig: { caData } })),
  },
} as KubeObject;
await env.kubectl(['apply', '-f', '-'], yaml(clusterSecret));

const kustomization = yaml({
  apiVersion: 'kustomize.config.k8s.io/v1beta1',
  kind: 'Kustomization',
  resources: ['cm.yaml'],
});
await repo.commit({
  'far/kustomization.yaml': kustomization,
  'far/cm.yaml': configMap('far-config', { v: '1' }),
  'near/kustomization.yaml': kustomization,
  'near/cm.yaml': configMap('near-config', { v: '1' }),
});

const onCluster = (app: KubeObject, destination: Record<string, string>) => {
  (app.spec as { destination: Record<string, string> }).destination = destination;
  return app;
};
await env.kubectl(
  ['apply', '-f', '-'],
  yaml(onCluster(appManifest('far', env.appNs, repoURL, 'far', 'far'), { name: 'east', namespace: 'far' })),
);
await env.kubectl(['apply', '-f', '-'], yaml(appManifest('near', env.appNs, repoURL, 'near', localDest)));
await env.kubectl(
  ['apply', '-f', '-'],
  yaml(
    onCluster(appManifest('nowhere', env.appNs, repoURL, 'far', 'far'), {
      server: 'https://west.example:6443',
      namespace: 'far',
    }),
  ),
);

// Every log line the controller writes is kept, to check that the token never appears.
const logged: string[] = [];
const keep = (obj: object, msg: string) => {
  logged.push(`${msg} ${JSON.stringify(obj)}`);
};
const controller = await env.controller({
  clusters: { namespace: home, connect: (entry) => connectCluster(entry) },
  log: { info: keep, warn: keep, error: keep, debug: keep },
});

const eastValue = async () => {
  const out = await onEast(['get', 'configmap', 'far-config', '-n', 'far', '-o', 'jsonpath={.data.v}']).catch(
    () => '',
  );
  return out.trim();
};
const nearValue = async () =>
  ((await env.get('v1', 'ConfigMap', localDest, 'near-config')) as { data?: { v?: string } } | undefined)
    ?.data?.v;
const status = async (name: string) => {
  const app = await env.app(name);
  return { sync: app?.status?.sync?.status, health: app?.status?.health?.status, app };
};

test('an app whose destination names the registered cluster syncs there, not here', async () => {
  await waitFor('far synced on east', async () => (await eastValue()) === '1', 120_000);
  await waitFor('far Synced and Healthy', async () => {
    const s = await status('far');
    return s.sync === 'Synced' && s.health === 'Healthy';
  });
  assert.equal(await env.get('v1', 'ConfigMap', 'far', 'far-config'), undefined);
  await waitFor('near synced here', async () => (await nearValue()) === '1');
});

test('an unregistered cluster: the app is refused by name, nothing applied', async () => {
  const app = await waitFor('nowhere held', async () => {
    const a = await env.app('nowhere');
    return condition(a, 'Stalled')?.reason === 'ClusterNotFound' ? a : undefined;
  });
  assert.match(
    condition(app, 'Ready')?.message ?? '',
    /cluster server https:\/\/west\.example:6443 is not registered: no cluster Secret in namespace/,
  );
  assert.equal(app.status?.sync?.status, 'Unknown');
});

test('self-heal on the remote cluster: an edit there is reverted', async () => {
  await onEast([
    'patch',
    'configmap',
    'far-config',
    '-n',
    'far',
    '--type',
    'merge',
    '-p',
    '{"data":{"v":"edited"}}',
  ]);
  await waitFor('the edit on east reverted', async () => (await eastValue()) === '1');
});

test('a stopped cluster marks only its app Unknown; the local app keeps syncing; restarting recovers', async () => {
  await east.stopApiServer();
  const held = await waitFor('far Unknown', async () => {
    const s = await status('far');
    return s.sync === 'Unknown' &&
      s.health === 'Unknown' &&
      condition(s.app, 'Ready')?.reason === 'ClusterUnreachable'
      ? s.app
      : undefined;
  });
  const message = condition(held, 'Ready')?.message ?? '';
  assert.match(message, new RegExp(`cluster ${east.server.replace(/[.]/g, '\\.')} is unreachable`));
  assert.ok(!message.includes(token), 'the condition does not carry the token');

  await repo.commit({ 'near/cm.yaml': configMap('near-config', { v: '2' }) });
  controller.refreshRepo((app) => app.metadata.name === 'near');
  await waitFor('near synced the new commit while east is down', async () => (await nearValue()) === '2');
  const near = await status('near');
  assert.equal(near.sync, 'Synced');
  assert.equal((await status('far')).sync, 'Unknown', 'far is still held');

  await east.startApiServer();
  let last = '';
  await waitFor(
    'far recovers',
    async () => {
      const s = await status('far');
      last = JSON.stringify({ sync: s.sync, health: s.health, ready: condition(s.app, 'Ready') });
      return s.sync === 'Synced' && s.health === 'Healthy' && condition(s.app, 'Ready')?.status === 'True';
    },
    120_000,
  ).catch((err) => {
    throw new Error(`${String(err)}; last status ${last}`);
  });
  await onEast([
    'patch',
    'configmap',
    'far-config',
    '-n',
    'far',
    '--type',
    'merge',
    '-p',
    '{"data":{"v":"again"}}',
  ]);
  await waitFor('self-heal works again on east', async () => (await eastValue()) === '1', 120_000);
});

test('the token appears in no log line, event or status', async () => {
  assert.ok(logged.length > 0);
  assert.deepEqual(
    logged.filter((l) => l.includes(token)),
    [],
  );
  const events = await env.kubectl(['get', 'events', '-n', env.appNs, '-o', 'json']);
  assert.ok(!events.includes(token));
  const apps = await env.kubectl(['get', 'applications.trueup.dev', '-n', env.appNs, '-o', 'json']);
  assert.ok(!apps.includes(token));
});
