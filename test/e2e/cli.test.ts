/**
 * `trueup controller` as a real process against the current kubeconfig, and `trueup app
 * list|get|diff|sync` against it: a manual app is reported OutOfSync, diffed, and synced by a
 * recorded operation; /metrics shows it and the process's Git and API request counters; SIGTERM
 * stops the controller cleanly. The UI is served over HTTPS from --ui-tls-cert-file/--ui-tls-key-file.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { testNamespace } from '../support/cluster.js';
import { httpsCall, selfSignedCert } from '../support/tls.js';
import {
  appManifest,
  condition,
  configMap,
  e2eEnv,
  spawnController,
  trueupCli,
  waitFor,
  yaml,
} from './support.js';

const env = await e2eEnv('cli');
const dest = await testNamespace('cli-dest');
const repo = await env.git.createRepo('cli');
const repoURL = env.git.url('cli');
await repo.commit({ 'app/config.yaml': configMap('manual-config', { mode: 'manual' }) });
const cache = await mkdtemp(join(tmpdir(), 'trueup-cli-cache-'));
after(() => rm(cache, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return trueupCli(env.kubeconfigPath, env.appNs, args, { TRUEUP_CACHE_DIR: cache });
}

let controller: ChildProcess | undefined;
let output = '';
let metricsURL = '';
after(() => controller?.kill('SIGKILL'));

test('trueup controller starts against the kubeconfig and serves /metrics', async () => {
  const tls = await selfSignedCert();
  controller = spawnController(env, cache, [
    '--metrics-address',
    '127.0.0.1:0',
    '--ui-address',
    '127.0.0.1:0',
    '--ui-tls-cert-file',
    tls.certFile,
    '--ui-tls-key-file',
    tls.keyFile,
    '--install-crd',
    '--log-level',
    'warn',
  ]);
  controller.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  controller.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  metricsURL = await waitFor('serving line', async () => /serving (http:\/\/\S+)\/metrics/.exec(output)?.[1]);
  const res = await fetch(`${metricsURL}/readyz`);
  assert.equal(res.status, 200);
  // --ui-address: the UI on its own port, over HTTPS with the --ui-tls-* files, closed without a token.
  const uiURL = await waitFor('UI line', async () => /UI at (https:\/\/\S+)/.exec(output)?.[1]);
  assert.equal((await httpsCall(`${uiURL}/api/v1/applications`, tls.cert)).status, 401);
  assert.equal((await httpsCall(`${uiURL}/login`, tls.cert)).status, 200);
  assert.equal((await fetch(`${metricsURL}/api/v1/applications`)).status, 404, 'not on the metrics port');
});

test('a manual app is reported OutOfSync; app list/diff show it; app sync records an operation the controller runs', async () => {
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(appManifest('manual', env.appNs, repoURL, 'app', dest, { automated: false })),
  );
  await waitFor(
    'manual OutOfSync',
    async () => (await env.app('manual'))?.status?.sync?.status === 'OutOfSync',
  ).catch((err) => {
    throw new Error(`${err}\ncontroller output:\n${output.slice(-3000)}`);
  });

  const list = await cli(['app', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^NAME\s+SYNC\s+HEALTH\s+REVISION\s+READY\s+MESSAGE$/m);
  assert.match(
    list.stdout,
    /^manual\s+OutOfSync\s+Missing\s+[0-9a-f]{7}\s+False\s+1 resource\(s\) differ .*automated sync is off/m,
  );

  const diff = await cli(['app', 'diff', 'manual']);
  assert.equal(diff.code, 1, diff.stderr);
  assert.match(diff.stderr, /1 of 1 object\(s\) differ/);
  assert.match(diff.stdout, /ConfigMap/);
  assert.match(diff.stdout, /mode: manual/);

  const sync = await cli(['app', 'sync', 'manual', '--prune', '--timeout', '60']);
  assert.equal(sync.code, 0, sync.stderr + sync.stdout);
  assert.match(sync.stdout, /^Succeeded: synced main@sha1:[0-9a-f]+: 1 created/);
  const app = await env.app('manual');
  assert.equal(app?.operation, undefined, 'the operation is removed once run');
  assert.equal(app?.status?.operationState?.operation?.initiatedBy?.username !== undefined, true);
  assert.ok(await env.get('v1', 'ConfigMap', dest, 'manual-config'));
  await waitFor('manual Ready', async () => condition(await env.app('manual'), 'Ready')?.status === 'True');

  const get = await cli(['app', 'get', 'manual']);
  assert.equal(get.code, 0, get.stderr);
  assert.match(get.stdout, /^Sync:\s+Synced to [0-9a-f]{40}$/m);
  assert.match(get.stdout, /^ConfigMap\s+\S+\s+manual-config\s+Synced\s+Healthy/m);
  // History: each entry with the result of its sync and who asked for it.
  assert.match(get.stdout, /^ID\s+REVISION\s+DEPLOYED\s+RESULT\s+BY$/m);
  assert.match(get.stdout, /^0\s+[0-9a-f]{40}\s+\S+\s+Succeeded\s+\S+$/m);
  assert.equal((await cli(['app', 'diff', 'manual'])).code, 0);
});

test('app refresh --hard is taken up by the controller; app rollback syncs back to a history entry', async () => {
  // Its own app (the next test counts the syncs of `manual`).
  await repo.commit({ 'rolling/config.yaml': configMap('rolling-config', { mode: 'one' }) }, 'rolling one');
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(appManifest('rolling', env.appNs, repoURL, 'rolling', dest, { automated: false })),
  );
  await waitFor(
    'rolling OutOfSync',
    async () => (await env.app('rolling'))?.status?.sync?.status === 'OutOfSync',
  );
  const one = await cli(['app', 'sync', 'rolling', '--timeout', '60']);
  assert.equal(one.code, 0, one.stderr + one.stdout);
  // A new commit: the hard refresh makes the controller query the branch again at once.
  await repo.commit({ 'rolling/config.yaml': configMap('rolling-config', { mode: 'two' }) }, 'rolling two');
  const refresh = await cli(['app', 'refresh', 'rolling', '--hard']);
  assert.equal(refresh.code, 0, refresh.stderr);
  assert.match(refresh.stderr, /hard refresh of .*\/rolling requested/);
  await waitFor(
    'OutOfSync with the new commit',
    async () => (await env.app('rolling'))?.status?.sync?.status === 'OutOfSync',
  );
  await waitFor(
    'the refresh annotation removed once taken up',
    async () => (await env.app('rolling'))?.metadata.annotations?.['trueup.dev/refresh'] === undefined,
  );
  const two = await cli(['app', 'sync', 'rolling', '--timeout', '60']);
  assert.equal(two.code, 0, two.stderr + two.stdout);
  const mode = async () =>
    ((await env.get('v1', 'ConfigMap', dest, 'rolling-config'))?.data as { mode?: string } | undefined)?.mode;
  assert.equal(await mode(), 'two');
  const first = (await env.app('rolling'))?.status?.history?.[0];
  assert.ok(first);
  const rollback = await cli(['app', 'rollback', 'rolling', String(first.id), '--timeout', '60']);
  assert.equal(rollback.code, 0, rollback.stderr + rollback.stdout);
  assert.match(rollback.stdout, /^Succeeded:/);
  assert.equal(await mode(), 'one');
  assert.equal((await env.app('rolling'))?.status?.history?.at(-1)?.revision, first.revision);
  const refused = await cli(['app', 'rollback', 'rolling', '99']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /no history entry 99 \[HistoryNotFound\]/);
});

test('/metrics carries the app; SIGTERM stops the controller cleanly', async () => {
  const text = await waitFor('metrics', async () => {
    const t = await (await fetch(`${metricsURL}/metrics`)).text();
    return /trueup_app_info\{[^}]*name="manual"[^}]*sync_status="Synced"/.test(t) && t;
  });
  assert.match(text, /trueup_app_sync_total\{[^}]*name="manual"[^}]*phase="Succeeded"\} 1/);
  // The process's own Git HTTP client and API transport are instrumented: requests to the app's
  // repository (labelled as trueup_app_info labels it) and to the API server are counted.
  const repo = /trueup_app_info\{[^}]*name="manual"[^}]*\}/.exec(text)?.[0].match(/repo="([^"]*)"/)?.[1];
  assert.ok(repo, 'trueup_app_info carries the repo label');
  const value = (metric: string, labels: Record<string, string>) => {
    // The sum over the series carrying these labels.
    let sum = 0;
    for (const line of text.split('\n')) {
      const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
      if (m?.[1] !== metric || !Object.entries(labels).every(([k, v]) => m[2]?.includes(`${k}="${v}"`)))
        continue;
      sum += Number(m[3]);
    }
    return sum;
  };
  for (const request_type of ['ls-remote', 'fetch']) {
    assert.ok(value('trueup_git_requests_total', { repo, request_type }) > 0, `${request_type} counted`);
    assert.ok(
      value('trueup_git_request_duration_seconds_count', { repo, request_type }) > 0,
      `${request_type} timed`,
    );
  }
  assert.ok(
    value('trueup_kube_requests_total', { verb: 'list', resource: 'applications', code: '200' }) > 0,
    'Applications listed',
  );
  assert.ok(
    value('trueup_kube_requests_total', { verb: 'patch', resource: 'configmaps' }) > 0,
    'ConfigMap applied',
  );
  const exited = new Promise<number | null>((r) => controller?.once('exit', (code) => r(code)));
  controller?.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.doesNotMatch(output, /"level":(50|60)/, 'no error logs');
});
