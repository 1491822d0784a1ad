/**
 * The production sharding wiring: two `trueup controller --shards 2 --leader-elect` processes
 * whose shard comes from POD_NAME's StatefulSet ordinal (as deploy/overlays/sharded runs them),
 * against the real control plane. Each reconciles exactly its shard's Applications (its
 * /metrics lists only those) and holds its shard's Lease; together they cover every app.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { shardOf } from '../../src/runtime/sharding.js';
import { testNamespace } from '../support/cluster.js';
import { appManifest, condition, configMap, e2eEnv, spawnController, waitFor, yaml } from './support.js';

const env = await e2eEnv('shards');
const dest = await testNamespace('shards-dest');
const leaseNs = await testNamespace('shards-lease');
const repo = await env.git.createRepo('shards');
const SHARDS = 2;

// App names until each shard has two (the namespace is random, so the split is computed).
const byShard: string[][] = [[], []];
for (let i = 0; byShard.some((s) => s.length < 2); i++) {
  const name = `app-${i}`;
  const s = byShard[shardOf(env.appNs, name, SHARDS)] as string[];
  if (s.length < 2) s.push(name);
}
const apps = byShard.flat();
const files: Record<string, string> = {};
for (const name of apps) files[`${name}/config.yaml`] = configMap(`${name}-config`, { app: name });
await repo.commit(files);

interface Replica {
  proc: ChildProcess;
  output: string;
  url: string;
}
const replicas: Replica[] = [];
after(() => {
  for (const r of replicas) r.proc.kill('SIGKILL');
});

async function replica(podName: string): Promise<Replica> {
  const cache = await mkdtemp(join(tmpdir(), 'trueup-shards-cache-'));
  after(() => rm(cache, { recursive: true, force: true }));
  const proc = spawnController(
    env,
    cache,
    [
      '--shards',
      String(SHARDS),
      '--leader-elect',
      '--lease-namespace',
      leaseNs,
      '--metrics-address',
      '127.0.0.1:0',
      '--log-level',
      'warn',
    ],
    ['ignore', 'pipe', 'pipe'],
    { POD_NAME: podName },
  );
  const r: Replica = { proc, output: '', url: '' };
  proc.stdout?.on('data', (d: Buffer) => (r.output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (r.output += d.toString()));
  replicas.push(r);
  r.url = await waitFor(
    `${podName} serving`,
    async () => /serving (http:\/\/\S+)\/metrics/.exec(r.output)?.[1],
    120_000,
  );
  return r;
}

async function reconciledBy(r: Replica): Promise<string[]> {
  const text = await (await fetch(`${r.url}/metrics`)).text();
  const names = [...text.matchAll(/^trueup_app_info\{[^}]*\bname="([^"]+)"/gm)].map((m) => m[1] as string);
  return [...new Set(names)].sort();
}

test('two replicas, shard from the pod ordinal: each reconciles only its shard and holds its Lease', async () => {
  // trueup-controller-2 is ordinal 2: shard 2 % 2 = 0, as the second pod of shard 0 in the overlay.
  const [zero, one] = await Promise.all([replica('trueup-controller-2'), replica('trueup-controller-1')]);
  for (const name of apps) {
    await env.kubectl(
      ['apply', '-f', '-'],
      yaml(appManifest(name, env.appNs, env.git.url('shards'), name, dest)),
    );
  }
  for (const name of apps) {
    await waitFor(
      `${name} Ready`,
      async () => condition(await env.app(name), 'Ready')?.status === 'True',
      120_000,
    );
    assert.ok(await env.get('v1', 'ConfigMap', dest, `${name}-config`));
  }
  const expected = byShard.map((s) => [...s].sort());
  await waitFor('each replica reports its shard', async () => {
    const seen = [await reconciledBy(zero), await reconciledBy(one)];
    return JSON.stringify(seen) === JSON.stringify(expected);
  });
  assert.deepEqual(await reconciledBy(zero), expected[0], 'shard 0 (pod ordinal 2)');
  assert.deepEqual(await reconciledBy(one), expected[1], 'shard 1 (pod ordinal 1)');

  // Each shard elects on its own Lease; both replicas lead (one per shard).
  for (const [shard, pod] of [
    [0, 'trueup-controller-2'],
    [1, 'trueup-controller-1'],
  ] as const) {
    const lease = await env.get(
      'coordination.k8s.io/v1',
      'Lease',
      leaseNs,
      `trueup-controller-shard-${shard}`,
    );
    const holder = String((lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '');
    assert.ok(holder.startsWith(`${pod}-`), `shard ${shard} Lease held by ${holder}`);
  }
  for (const r of [zero, one]) {
    const ready = (await (await fetch(`${r.url}/readyz`)).json()) as { role: string };
    assert.equal(ready.role, 'leader');
  }
});
