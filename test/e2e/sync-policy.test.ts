/**
 * The sync policy as the production process runs it: `trueup controller` as a real process
 * (one for the file, Git polled only hourly so nothing happens by timer) against the real
 * control plane and Git server. Retry with the spec's backoff up to `retry.limit`,
 * `revisionHistoryLimit`, `allowEmpty`, the hard refresh annotation, and the webhook with its
 * secret from the environment (as the install manifests set it).
 *
 * Every assertion is on what Argo CD users read (status fields, conditions, events, live
 * objects), polled with a bound; none on timing.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Application } from '../../src/api/application.js';
import type { KubeObject } from '../../src/api/object.js';
import { testNamespace } from '../support/cluster.js';
import { appManifest, condition, configMap, e2eEnv, spawnController, waitFor, yaml } from './support.js';

const env = await e2eEnv('policy');
const dest = await testNamespace('policy-dest');
const WEBHOOK_SECRET = 'policy-webhook-secret';

const cache = await mkdtemp(join(tmpdir(), 'trueup-policy-cache-'));
after(() => rm(cache, { recursive: true, force: true }));
let output = '';
const proc: ChildProcess = spawnController(
  env,
  cache,
  ['--metrics-address', '127.0.0.1:0', '--requeue-interval', '1h', '--log-level', 'warn'],
  ['ignore', 'pipe', 'pipe'],
  { TRUEUP_WEBHOOK_SECRET: WEBHOOK_SECRET },
);
proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
after(() => proc.kill('SIGKILL'));
const url = await waitFor(
  'the serving line',
  async () => /serving (http:\/\/\S+)\/metrics/.exec(output)?.[1],
  120_000,
);

async function apply(obj: KubeObject): Promise<void> {
  await env.kubectl(['apply', '-f', '-'], yaml(obj));
}

async function annotate(name: string, annotation: string): Promise<void> {
  await env.kubectl(['annotate', '--overwrite', '-n', env.appNs, `tapp/${name}`, annotation]);
}

async function events(name: string, reason: string): Promise<string[]> {
  const list = await env.client.list('v1', 'Event', {
    namespace: env.appNs,
    fieldSelector: `involvedObject.name=${name},reason=${reason}`,
  });
  return list.items.map((e) => String((e as { message?: unknown }).message));
}

async function syncedAt(name: string, sha: string): Promise<Application> {
  return waitFor(`${name} synced at ${sha.slice(0, 7)}`, async () => {
    const a = await env.app(name);
    return a?.status?.sync?.syncedRevision === sha && a?.status?.sync?.status === 'Synced' && a;
  });
}

test('the process serves /healthz ok while idle', async () => {
  const res = await fetch(`${url}/healthz`);
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(await res.text(), 'ok\n');
});

test('retry: a sync the API refuses is retried with the spec backoff and stops at retry.limit', async () => {
  const repo = await env.git.createRepo('retry');
  const bad = JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'refused' },
    // The API server refuses keys with spaces: the apply fails on every attempt.
    data: { 'not a valid key': 'x' },
  });
  await repo.commit({ 'app/good.yaml': configMap('retry-good', { v: '1' }), 'app/refused.yaml': bad });
  const app = appManifest('retry', env.appNs, env.git.url('retry'), 'app', dest);
  (app.spec as { syncPolicy: Record<string, unknown> }).syncPolicy.retry = {
    limit: 2,
    backoff: { duration: '1s', factor: 2, maxDuration: '10s' },
  };
  await apply(app);

  const failed = await waitFor(
    'the sync Failed after its retries',
    async () => {
      const a = await env.app('retry');
      return a?.status?.operationState?.phase === 'Failed' && a;
    },
    120_000,
  );
  const op = failed.status?.operationState;
  assert.equal(op?.retryCount, 2, 'retried retry.limit times');
  assert.match(op?.message ?? '', /3 attempt/);
  assert.match(op?.message ?? '', /refused/);
  assert.equal(condition(failed, 'Stalled')?.status, 'True');
  assert.equal(condition(failed, 'Ready')?.status, 'False');
  // The schedule came from the spec: 1s, then 1s x 2.
  const warnings = await waitFor('three SyncFailed events', async () => {
    const list = await events('retry', 'SyncFailed');
    return list.length >= 3 && list;
  });
  assert.equal(warnings.length, 3, warnings.join('\n'));
  assert.ok(
    warnings.some((m) => /attempt 1\b.*retrying in 1s/.test(m)),
    warnings.join('\n'),
  );
  assert.ok(
    warnings.some((m) => /attempt 2\b.*retrying in 2s/.test(m)),
    warnings.join('\n'),
  );

  // Stops there: a later pass (a drift of the good object wakes the app) reports the drift
  // but does not sync that revision again.
  await env.kubectl([
    'patch',
    'configmap',
    '-n',
    dest,
    'retry-good',
    '--type=merge',
    '-p',
    '{"data":{"v":"edited"}}',
  ]);
  const later = await waitFor('the drift seen by a later pass', async () => {
    const a = await env.app('retry');
    const good = a?.status?.resources?.find((r) => r.name === 'retry-good');
    return good?.status === 'OutOfSync' && a;
  });
  assert.equal(later.status?.operationState?.retryCount, 2);
  assert.equal(later.status?.operationState?.phase, 'Failed');
  assert.equal((await events('retry', 'SyncFailed')).length, 3, 'no further attempt');
  const live = await env.get('v1', 'ConfigMap', dest, 'retry-good');
  assert.equal((live?.data as { v?: string })?.v, 'edited', 'the failed revision is not re-applied');
});

test('revisionHistoryLimit: after N+1 synced commits, status.history holds the last N', async () => {
  const repo = await env.git.createRepo('history');
  const shas = [await repo.commit({ 'app/cm.yaml': configMap('history-cm', { v: '0' }) })];
  const app = appManifest('history', env.appNs, env.git.url('history'), 'app', dest);
  (app.spec as { revisionHistoryLimit?: number }).revisionHistoryLimit = 2;
  await apply(app);
  await syncedAt('history', shas[0] as string);
  for (const v of ['1', '2']) {
    const sha = await repo.commit({ 'app/cm.yaml': configMap('history-cm', { v }) }, `v${v}`);
    shas.push(sha);
    await annotate('history', 'trueup.dev/refresh=normal');
    await syncedAt('history', sha);
  }
  const a = await env.app('history');
  assert.deepEqual(
    a?.status?.history?.map((h) => h.revision),
    shas.slice(1),
    'the two latest deployments, oldest first',
  );
  const ids = a?.status?.history?.map((h) => h.id) ?? [];
  assert.ok((ids[1] ?? 0) > (ids[0] ?? 0), `ids increase: ${ids.join(',')}`);
});

test('allowEmpty: a commit that empties the path prunes nothing unless allowEmpty is true', async () => {
  const repo = await env.git.createRepo('empty');
  await repo.commit({
    'app/one.yaml': configMap('empty-one', { v: '1' }),
    'app/two.yaml': configMap('empty-two', { v: '1' }),
  });
  await apply(appManifest('empty', env.appNs, env.git.url('empty'), 'app', dest, { prune: true }));
  await waitFor('empty Ready', async () => condition(await env.app('empty'), 'Ready')?.status === 'True');

  // The path stays (a README keeps it) but holds no manifest any more.
  const emptied = await repo.commit(
    { 'app/one.yaml': null, 'app/two.yaml': null, 'app/README.md': '# nothing deployed here\n' },
    'empty the path',
  );
  await annotate('empty', 'trueup.dev/refresh=normal');
  const refused = await waitFor('the empty render refused', async () => {
    const a = await env.app('empty');
    return a?.status?.sync?.revision === emptied && condition(a, 'Ready')?.reason === 'EmptyRender' && a;
  });
  assert.match(condition(refused, 'Ready')?.message ?? '', /allowEmpty/);
  assert.equal(refused.status?.sync?.status, 'OutOfSync');
  for (const name of ['empty-one', 'empty-two']) {
    assert.ok(
      await env.get('v1', 'ConfigMap', dest, name),
      `${name} was pruned although allowEmpty is false`,
    );
  }

  await env.kubectl([
    'patch',
    'tapp',
    '-n',
    env.appNs,
    'empty',
    '--type=merge',
    '-p',
    '{"spec":{"syncPolicy":{"automated":{"prune":true,"selfHeal":true,"allowEmpty":true}}}}',
  ]);
  await waitFor('both pruned once allowEmpty is true', async () => {
    const [one, two] = await Promise.all([
      env.get('v1', 'ConfigMap', dest, 'empty-one'),
      env.get('v1', 'ConfigMap', dest, 'empty-two'),
    ]);
    return !one && !two;
  });
  const done = await syncedAt('empty', emptied);
  assert.deepEqual(done.status?.resources ?? [], []);
});

test('hard refresh: the app resolves its branch again and re-renders (Git is not polled meanwhile)', async () => {
  const repo = await env.git.createRepo('hard');
  const first = await repo.commit({ 'app/cm.yaml': configMap('hard-cm', { v: '1' }) });
  await apply(appManifest('hard', env.appNs, env.git.url('hard'), 'app', dest, { selfHeal: false }));
  await syncedAt('hard', first);

  const second = await repo.commit({ 'app/cm.yaml': configMap('hard-cm', { v: '2' }) }, 'v2');
  // A live edit wakes the app (its watch): it reports the drift at the revision it knows,
  // since without a refresh it does not ask Git again before the poll interval (1h).
  await env.kubectl([
    'patch',
    'configmap',
    '-n',
    dest,
    'hard-cm',
    '--type=merge',
    '-p',
    '{"data":{"v":"edited"}}',
  ]);
  const drifted = await waitFor('the drift reported', async () => {
    const a = await env.app('hard');
    return a?.status?.sync?.status === 'OutOfSync' && a;
  });
  assert.equal(drifted.status?.sync?.revision, first, 'no Git query without a refresh');

  const refsBefore = env.git.count('refs');
  await annotate('hard', 'trueup.dev/refresh=hard');
  await syncedAt('hard', second);
  const live = await env.get('v1', 'ConfigMap', dest, 'hard-cm');
  assert.equal((live?.data as { v?: string })?.v, '2', 'the new commit rendered and applied');
  assert.ok(env.git.count('refs') > refsBefore, 'the branch was resolved against the Git server again');
  await waitFor('the annotation removed once done', async () => {
    const a = await env.app('hard');
    return a && a.metadata.annotations?.['trueup.dev/refresh'] === undefined;
  });
});

test('webhook: the process refuses an unsigned push and acts on one signed with the secret from its environment', async () => {
  const repo = await env.git.createRepo('hooked');
  const first = await repo.commit({ 'app/cm.yaml': configMap('hooked-cm', { v: '1' }) });
  await apply(appManifest('hooked', env.appNs, env.git.url('hooked'), 'app', dest));
  await syncedAt('hooked', first);
  const second = await repo.commit({ 'app/cm.yaml': configMap('hooked-cm', { v: '2' }) }, 'v2');
  const body = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: env.git.url('hooked') } });
  const post = (headers: Record<string, string>) =>
    fetch(`${url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers },
      body,
    });
  const unsigned = await post({});
  assert.equal(unsigned.status, 401);
  assert.doesNotMatch(await unsigned.text(), new RegExp(WEBHOOK_SECRET), 'the secret is never echoed');
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
  const signed = await post({ 'x-hub-signature-256': signature });
  assert.equal(signed.status, 200);
  assert.deepEqual(((await signed.json()) as { refreshed: string[] }).refreshed, [`${env.appNs}/hooked`]);
  await syncedAt('hooked', second);
  assert.doesNotMatch(output, new RegExp(WEBHOOK_SECRET), 'the secret is never logged');
});
