/**
 * The real kube-apiserver restarted (SIGTERM, then a new process on the same address and etcd)
 * while the controller runs: its watches resume against the new process, a manual edit made
 * after the restart is reverted, and a new commit is applied. This file restarts the API
 * server, so it owns a control plane instead of sharing the test run's.
 */
import { after, test } from 'node:test';
import { startControlPlane } from '../control-plane/control-plane.js';
import { SHARED_CONTROL_PLANE_ENV, testNamespace } from '../support/cluster.js';
import { appManifest, condition, configMap, e2eEnv, waitFor, yaml } from './support.js';

const cp = await startControlPlane();
process.env[SHARED_CONTROL_PLANE_ENV] = cp.dir;
const env = await e2eEnv('apirestart');
// Registered after e2eEnv's hooks, so the controllers stop before their API server does.
after(() => cp.stop());

test('kube-apiserver restarted while the controller runs: watches resume, drift is reverted, new commits land', async () => {
  const dest = await testNamespace('apirestart-dest');
  const repo = await env.git.createRepo('apirestart');
  await repo.commit({ 'app/config.yaml': configMap('settings', { v: '1' }) });
  await env.controller();
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(appManifest('restarted', env.appNs, env.git.url('apirestart'), 'app', dest)),
  );
  await waitFor('app Ready', async () => condition(await env.app('restarted'), 'Ready')?.status === 'True');
  const value = async () => ((await env.get('v1', 'ConfigMap', dest, 'settings'))?.data as { v?: string })?.v;
  await waitFor('first commit applied', async () => (await value()) === '1');

  await cp.restartApiServer();

  await env.kubectl([
    'patch',
    'configmap',
    '-n',
    dest,
    'settings',
    '--type=merge',
    '-p',
    '{"data":{"v":"edited"}}',
  ]);
  await waitFor('edit made after the restart reverted', async () => (await value()) === '1', 90_000);

  const sha = await repo.commit({ 'app/config.yaml': configMap('settings', { v: '2' }) });
  await env.kubectl([
    'annotate',
    '-n',
    env.appNs,
    'tapp/restarted',
    'trueup.dev/refresh=normal',
    '--overwrite',
  ]);
  await waitFor('new commit applied', async () => (await value()) === '2', 90_000);
  await waitFor(
    'revision reported',
    async () => (await env.app('restarted'))?.status?.sync?.revision === sha,
  );
});
