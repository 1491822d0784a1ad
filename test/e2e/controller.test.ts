/**
 * The controller end to end: real control plane, real Git over HTTP, controller in-process.
 * One seed-style monorepo: an app-of-apps root whose path holds two child Applications, one with
 * selfHeal and one without.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { createWebhookHandler } from '../../src/server/webhook.js';
import { testNamespace } from '../support/cluster.js';
import { widgetCrd } from '../support/fixtures.js';
import { appManifest, condition, configMap, e2eEnv, waitFor, yaml } from './support.js';

const env = await e2eEnv('e2e');
const dest = await testNamespace('e2e-dest');
const repo = await env.git.createRepo('gitops');
const repoURL = env.git.url('gitops');
const { appNs } = env;

const kustomization = (resources: string[]) =>
  yaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });

await repo.commit({
  'apps/root/heal.yaml': yaml(appManifest('heal', appNs, repoURL, 'apps/heal', dest, { selfHeal: true })),
  'apps/root/watch.yaml': yaml(appManifest('watch', appNs, repoURL, 'apps/watch', dest, { selfHeal: false })),
  'apps/heal/kustomization.yaml': kustomization(['config.yaml', 'extra.yaml']),
  'apps/heal/config.yaml': configMap('heal-config', { color: 'blue' }),
  'apps/heal/extra.yaml': configMap('heal-extra', { keep: 'me' }),
  'apps/watch/config.yaml': configMap('watch-config', { size: 'small' }),
});
await env.kubectl(['apply', '-f', '-'], yaml(appManifest('root', appNs, repoURL, 'apps/root', appNs)));
const controller = await env.controller();

const cmData = async (name: string) =>
  ((await env.get('v1', 'ConfigMap', dest, name))?.data as Record<string, string> | undefined) ?? undefined;

test('app-of-apps converges: the root creates its children, they sync, and their health rolls up', async () => {
  for (const name of ['root', 'heal', 'watch']) {
    await waitFor(`${name} Ready`, async () => condition(await env.app(name), 'Ready')?.status === 'True');
  }
  const root = await env.app('root');
  assert.equal(root?.status?.sync?.status, 'Synced');
  assert.equal(root?.status?.health?.status, 'Healthy');
  assert.deepEqual(root?.status?.resources?.map((r) => [r.kind, r.name, r.health?.status]).sort(), [
    ['Application', 'heal', 'Healthy'],
    ['Application', 'watch', 'Healthy'],
  ]);
  assert.deepEqual(await cmData('heal-config'), { color: 'blue' });
  assert.deepEqual(await cmData('watch-config'), { size: 'small' });
  const live = await env.get('v1', 'ConfigMap', dest, 'heal-config');
  assert.equal(
    live?.metadata.annotations?.['trueup.dev/tracking-id'],
    `${appNs}/heal:/ConfigMap:${dest}/heal-config`,
  );
  const heal = await env.app('heal');
  assert.equal(heal?.status?.history?.length, 1);
  assert.match(condition(heal, 'Ready')?.message ?? '', /^synced to main@sha1:[0-9a-f]{40}; Healthy$/);
  // kubectl wait works on the condition.
  assert.match(
    await env.kubectl(['wait', '--for=condition=Ready', '-n', appNs, 'tapp/root', '--timeout=5s']),
    /met/,
  );
  // Events on the Application.
  const events = await env.kubectl([
    'get',
    'events',
    '-n',
    appNs,
    '--field-selector',
    'involvedObject.name=heal',
    '-o',
    'json',
  ]);
  assert.match(events, /"reason": "Synced"/);
});

test('a new commit is applied after a refresh annotation; a removed file is pruned', async () => {
  const sha = await repo.commit(
    { 'apps/heal/config.yaml': configMap('heal-config', { color: 'green' }) },
    'green',
  );
  await env.kubectl(['annotate', '-n', appNs, 'tapp/heal', 'trueup.dev/refresh=normal']);
  await waitFor('green applied', async () => (await cmData('heal-config'))?.color === 'green');
  await waitFor('revision reported', async () => (await env.app('heal'))?.status?.sync?.revision === sha);
  const heal = await waitFor('the refresh annotation removed', async () => {
    const a = await env.app('heal');
    return a?.metadata.annotations?.['trueup.dev/refresh'] === undefined && a;
  });
  assert.equal(heal?.status?.history?.length, 2);

  await repo.commit({
    'apps/heal/extra.yaml': null,
    'apps/heal/kustomization.yaml': kustomization(['config.yaml']),
  });
  await env.kubectl(['annotate', '-n', appNs, 'tapp/heal', 'trueup.dev/refresh=hard']);
  await waitFor('extra pruned', async () => (await cmData('heal-extra')) === undefined);
  const heal2 = await waitFor('status lists only heal-config', async () => {
    const a = await env.app('heal');
    return a?.status?.resources?.length === 1 && a;
  });
  assert.deepEqual(
    heal2.status?.resources?.map((r) => r.name),
    ['heal-config'],
  );
  assert.equal(condition(heal2, 'Ready')?.status, 'True');
  assert.equal(heal2.status?.sync?.status, 'Synced');
});

test('a signed webhook push refreshes the apps on that repo and branch', async () => {
  const handler = createWebhookHandler({ secret: 'hook', refresh: (m) => controller.refreshRepo(m) });
  const sha = await repo.commit(
    { 'apps/heal/config.yaml': configMap('heal-config', { color: 'red' }) },
    'red',
  );
  const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: repoURL } }));
  const sig = `sha256=${createHmac('sha256', 'hook').update(body).digest('hex')}`;
  const res = await handler({ headers: { 'x-github-event': 'push', 'x-hub-signature-256': sig }, body });
  assert.equal(res.status, 200);
  assert.deepEqual(((res.body as { refreshed: string[] }).refreshed ?? []).sort(), [
    `${appNs}/heal`,
    `${appNs}/root`,
    `${appNs}/watch`,
  ]);
  await waitFor('red applied', async () => (await cmData('heal-config'))?.color === 'red');
  for (const name of ['root', 'heal', 'watch']) {
    await waitFor(`${name} at the new revision`, async () => {
      const a = await env.app(name);
      return a?.status?.sync?.revision === sha && a.status.sync.syncedRevision === sha;
    });
  }
});

test('kubectl edit is reverted with selfHeal, and reported without it', async () => {
  await env.kubectl([
    'patch',
    'configmap',
    '-n',
    dest,
    'heal-config',
    '--type=merge',
    '-p',
    '{"data":{"color":"hacked"}}',
  ]);
  await waitFor('drift reverted', async () => (await cmData('heal-config'))?.color === 'red');

  await env.kubectl([
    'patch',
    'configmap',
    '-n',
    dest,
    'watch-config',
    '--type=merge',
    '-p',
    '{"data":{"size":"huge"}}',
  ]);
  const watch = await waitFor('watch OutOfSync', async () => {
    const a = await env.app('watch');
    return a?.status?.sync?.status === 'OutOfSync' && a;
  });
  assert.equal(condition(watch, 'Ready')?.reason, 'OutOfSync');
  assert.match(condition(watch, 'Ready')?.message ?? '', /1 resource\(s\) differ .*self-heal is off/);
  assert.equal((await cmData('watch-config'))?.size, 'huge', 'not reverted');
  assert.equal(watch.status?.resources?.find((r) => r.name === 'watch-config')?.status, 'OutOfSync');
});

test('a broken commit sets a clear Stalled condition and prunes nothing; the next good commit recovers', async () => {
  await repo.commit(
    { 'apps/heal/kustomization.yaml': 'resources: [config.yaml]\nbogusField: 1\n' },
    'broken',
  );
  await env.kubectl(['annotate', '-n', appNs, 'tapp/heal', 'trueup.dev/refresh=normal']);
  const broken = await waitFor('heal Stalled', async () => {
    const a = await env.app('heal');
    return condition(a, 'Stalled')?.status === 'True' && a;
  });
  assert.equal(condition(broken, 'Ready')?.reason, 'RenderFailed');
  assert.match(condition(broken, 'Ready')?.message ?? '', /apps\/heal/);
  assert.match(condition(broken, 'Ready')?.message ?? '', /bogusField/);
  assert.ok(await cmData('heal-config'), 'nothing pruned');
  await repo.commit(
    {
      'apps/heal/kustomization.yaml': kustomization(['config.yaml']),
      'apps/heal/config.yaml': configMap('heal-config', { color: 'fixed' }),
    },
    'fixed',
  );
  await env.kubectl(['annotate', '-n', appNs, 'tapp/heal', 'trueup.dev/refresh=normal']);
  await waitFor('recovered', async () => (await cmData('heal-config'))?.color === 'fixed');
  await waitFor('heal Ready again', async () => condition(await env.app('heal'), 'Ready')?.status === 'True');
  assert.equal(condition(await env.app('heal'), 'Stalled')?.status, 'False');
});

// The CRD's CEL rules refuse what trueup cannot use before it is stored; the controller's own
// check of the same rules (for objects stored under an older, looser CRD) is unit-tested in
// src/controller/reconciler.test.ts.
test('an SSH repoURL is refused by the API server with the reason, and no Application is stored', async () => {
  const bad = appManifest('ssh', appNs, 'git@example.com:org/repo.git', '.', dest);
  await assert.rejects(env.kubectl(['apply', '-f', '-'], yaml(bad)), (err: Error) => {
    assert.match(
      err.message,
      /spec\.source\.repoURL: Invalid value.*only http\(s\) Git URLs are supported \(no SSH\)/,
    );
    return true;
  });
  assert.equal(await env.app('ssh'), undefined);
});

test('deleting an Application with the finalizer deletes its resources; without it they stay', async () => {
  await repo.commit({
    'apps/fin/config.yaml': configMap('fin-config', { a: '1' }),
    'apps/nofin/config.yaml': configMap('nofin-config', { a: '1' }),
  });
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(appManifest('fin', appNs, repoURL, 'apps/fin', dest, { finalizer: true })),
  );
  await env.kubectl(['apply', '-f', '-'], yaml(appManifest('nofin', appNs, repoURL, 'apps/nofin', dest)));
  await waitFor('fin applied', async () => (await cmData('fin-config')) && (await cmData('nofin-config')));
  await env.kubectl(['delete', '-n', appNs, 'tapp/fin', 'tapp/nofin', '--wait=true', '--timeout=60s']);
  await waitFor('fin-config deleted', async () => (await cmData('fin-config')) === undefined);
  assert.ok(await cmData('nofin-config'), 'left in place without the finalizer');
  assert.equal(await env.app('fin'), undefined);
});

test('a CRD and its custom resource in one app: applied in order, and the new kind is watched for self-heal', async () => {
  const group = `${appNs}.e2e.trueup.dev`;
  const crd = widgetCrd(group);
  const widget = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w' }, spec: { size: 3 } };
  await repo.commit({ 'apps/crd/crd.yaml': yaml(crd), 'apps/crd/widget.yaml': yaml(widget) });
  await env.kubectl(['apply', '-f', '-'], yaml(appManifest('crd', appNs, repoURL, 'apps/crd', dest)));
  await waitFor(
    'crd app Ready',
    async () => condition(await env.app('crd'), 'Ready')?.status === 'True',
    90_000,
  );
  const size = async () =>
    ((await env.get(`${group}/v1`, 'Widget', dest, 'w'))?.spec as { size?: number })?.size;
  assert.equal(await size(), 3);
  await env.kubectl([
    'patch',
    `widgets.${group}`,
    '-n',
    dest,
    'w',
    '--type=merge',
    '-p',
    '{"spec":{"size":9}}',
  ]);
  await waitFor('widget edit reverted', async () => (await size()) === 3, 60_000);
  await env.kubectl(['delete', `crd/widgets.${group}`, '--wait=false']);
});
