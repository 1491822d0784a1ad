/**
 * `trueup controller --leader-elect` twice: one replica leads and reconciles, the other stands
 * by (ready, role standby); killing the leader hands over to the standby, which then reconciles.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { testNamespace } from '../support/cluster.js';
import { appManifest, condition, configMap, e2eEnv, spawnController, waitFor, yaml } from './support.js';

const _root = join(import.meta.dirname, '..', '..');
const env = await e2eEnv('leader');
const dest = await testNamespace('leader-dest');
const leaseNs = await testNamespace('leader-lease');
const repo = await env.git.createRepo('leader');
const repoURL = env.git.url('leader');
await repo.commit({
  'one/config.yaml': configMap('one-config', { n: '1' }),
  'two/config.yaml': configMap('two-config', { n: '2' }),
});

interface Replica {
  proc: ChildProcess;
  output: string;
  url: string;
}

const replicas: Replica[] = [];
after(() => {
  for (const r of replicas) r.proc.kill('SIGKILL');
});

async function replica(): Promise<Replica> {
  const cache = await mkdtemp(join(tmpdir(), 'trueup-leader-cache-'));
  after(() => rm(cache, { recursive: true, force: true }));
  const proc = spawnController(env, cache, [
    '--metrics-address',
    '127.0.0.1:0',
    '--leader-elect',
    '--lease-namespace',
    leaseNs,
    '--log-level',
    'warn',
  ]);
  const r: Replica = { proc, output: '', url: '' };
  proc.stdout?.on('data', (d: Buffer) => (r.output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (r.output += d.toString()));
  replicas.push(r);
  r.url = await waitFor('serving line', async () => /serving (http:\/\/\S+)\/metrics/.exec(r.output)?.[1]);
  return r;
}

const role = async (r: Replica) => ((await (await fetch(`${r.url}/readyz`)).json()) as { role: string }).role;

test('one of two replicas leads and reconciles; killing it hands over to the other', async () => {
  const a = await replica();
  const b = await replica();
  const [leader, standby] = await waitFor('a leader and a standby', async () => {
    const roles = [await role(a), await role(b)];
    if (roles.includes('leader') && roles.includes('standby')) return roles[0] === 'leader' ? [a, b] : [b, a];
    return undefined;
  });
  await env.kubectl(['apply', '-f', '-'], yaml(appManifest('one', env.appNs, repoURL, 'one', dest)));
  await waitFor('one Ready', async () => condition(await env.app('one'), 'Ready')?.status === 'True');
  const leaderMetrics = await (await fetch(`${leader.url}/metrics`)).text();
  const standbyMetrics = await (await fetch(`${standby.url}/metrics`)).text();
  assert.match(leaderMetrics, /trueup_app_info\{[^}]*name="one"/);
  assert.doesNotMatch(standbyMetrics, /trueup_app_info\{[^}]*name="one"/, 'the standby reconciles nothing');

  leader.proc.kill('SIGKILL');
  await waitFor('the standby takes over', async () => (await role(standby)) === 'leader', 60_000);
  await env.kubectl(['apply', '-f', '-'], yaml(appManifest('two', env.appNs, repoURL, 'two', dest)));
  await waitFor('two Ready', async () => condition(await env.app('two'), 'Ready')?.status === 'True', 60_000);
  assert.ok(await env.get('v1', 'ConfigMap', dest, 'two-config'));
});
