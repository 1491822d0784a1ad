/**
 * The admission guard (deploy/guard): in a namespace labelled trueup.dev/guard=enabled, a person's
 * change to an object trueup manages is denied by the API server with a message that points at
 * Git; the controller still syncs; the break-glass group may change it; objects trueup does not
 * manage and namespaces without the label are untouched. The policy applied is the shipped one,
 * with the controller's identity set to the one this test's controller runs as.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testNamespace } from '../support/cluster.js';
import { appManifest, configMap, e2eEnv, waitFor, yaml } from './support.js';

const env = await e2eEnv('guard');
const dest = await testNamespace('guard-dest');
const repo = await env.git.createRepo('guard');
const repoURL = env.git.url('guard');
const SHIPPED_CONTROLLER = 'system:serviceaccount:trueup-system:trueup-controller';

const whoami = (await env.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).trim();
const shipped = await env.kubectl(['kustomize', `${import.meta.dirname}/../../deploy/guard`]);
assert.ok(shipped.includes(SHIPPED_CONTROLLER), 'the shipped policy exempts the controller ServiceAccount');
await env.kubectl(['apply', '--server-side', '-f', '-'], shipped.replaceAll(SHIPPED_CONTROLLER, whoami));
after(() => env.kubectl(['delete', '-k', `${import.meta.dirname}/../../deploy/guard`, '--ignore-not-found']));
await env.kubectl(['label', '--overwrite', 'namespace', dest, 'trueup.dev/guard=enabled']);
// jane may edit ConfigMaps in the namespace (RBAC): only the guard stands in her way.
await env.kubectl([
  'create',
  'role',
  'cm-editor',
  '-n',
  dest,
  '--verb=get,list,create,update,patch,delete',
  '--resource=configmaps',
]);
await env.kubectl(['create', 'rolebinding', 'jane-edit', '-n', dest, '--role=cm-editor', '--user=jane']);

await repo.commit({
  'app/kustomization.yaml': yaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['cm.yaml'],
  }),
  'app/cm.yaml': configMap('guarded', { v: '1' }),
});
await env.kubectl(['apply', '-f', '-'], yaml(appManifest('guarded', env.appNs, repoURL, 'app', dest)));
await env.controller();
const dataV = async () =>
  ((await env.get('v1', 'ConfigMap', dest, 'guarded')) as { data?: { v?: string } } | undefined)?.data?.v;
await waitFor('guarded synced', async () => (await dataV()) === '1');

const asJane = (args: string[], groups: string[] = []) =>
  env.kubectl(['--as', 'jane', ...groups.flatMap((g) => ['--as-group', g]), '-n', dest, ...args]);
const patch = (value: string) => [
  'patch',
  'configmap',
  'guarded',
  '--type',
  'merge',
  '-p',
  JSON.stringify({ data: { v: value } }),
];

test("a person's edit of a managed object is denied with a message that points at Git", async () => {
  // The API server picks a new policy up within a moment: poll for the denial (bounded).
  const denial = await waitFor('the guard denies', async () => {
    try {
      await asJane(patch('jane'));
      return undefined;
    } catch (err) {
      // Only the guard's denial counts (not, say, RBAC's).
      return /is managed by trueup/.test(String(err)) ? String(err) : undefined;
    }
  });
  assert.match(
    denial,
    /ConfigMap guarded is managed by trueup \(.*guarded.*\): change it in Git and let trueup sync it/,
  );
  await assert.rejects(asJane(['delete', 'configmap', 'guarded']), /is managed by trueup/);
});

test('the controller still syncs the object', async () => {
  await repo.commit({ 'app/cm.yaml': configMap('guarded', { v: '2' }) });
  await env.kubectl([
    'annotate',
    '--overwrite',
    '-n',
    env.appNs,
    'tapp/guarded',
    'trueup.dev/refresh=normal',
  ]);
  await waitFor('v2 synced', async () => (await dataV()) === '2');
});

test('objects trueup does not manage are untouched by the guard', async () => {
  await env.kubectl(['create', 'configmap', 'janes', '-n', dest]);
  await assert.doesNotReject(
    asJane(['patch', 'configmap', 'janes', '--type', 'merge', '-p', '{"data":{"a":"b"}}']),
  );
});

test('the break-glass group may change a managed object', async () => {
  // Admitted (self-heal then reverts it to Git's value, as it should).
  await assert.doesNotReject(asJane(patch('emergency'), ['trueup:break-glass', 'system:authenticated']));
});

test('a namespace without the label is not guarded', async () => {
  await env.kubectl(['label', 'namespace', dest, 'trueup.dev/guard-']);
  await waitFor('the guard lets go', async () => {
    try {
      await asJane(patch('unguarded'));
      return true;
    } catch {
      return false;
    }
  });
});
