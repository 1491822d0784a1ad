/**
 * High availability with two controller processes against the real control plane: only the
 * replica holding the Lease reconciles; when it is killed (SIGKILL, no release), the other
 * takes the Lease over once it expires and goes on reconciling (it reverts a manual edit).
 * Sharding: two replicas, each holding its shard's Lease, reconcile disjoint sets of apps.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { installCrds } from '../../src/controller/install-crd.js';
import { createClusterClient } from '../../src/kube/index.js';
import { shardLeaseName, shardOf } from '../../src/runtime/sharding.js';
import { testCluster, testNamespace } from '../support/cluster.js';
import { appManifest, configMap } from '../support/fixtures.js';
import { GitHttpServer } from '../support/git-server.js';
import { kubectl } from '../support/kubectl.js';
import { eventually } from '../support/wait.js';

/** Cluster, controller and Prometheus act in their own time: an upper bound, not a timing assertion. */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
  eventually(what, probe, 90000);

interface Event {
  identity: string;
  event: string;
  name?: string;
  leader?: boolean;
  holder?: string;
}

const FIXTURE = join(import.meta.dirname, 'fixtures', 'ha-controller.ts');
const TRUEUP = join(import.meta.dirname, 'fixtures', 'trueup.ts');
const cluster = await testCluster();
const client = await createClusterClient(cluster.kubeConfig);
after(() => client.close());
await installCrds(client);
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function replica(appNs: string, leaseNs: string, identity: string, shardArgs: string[] = []) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, cluster.kubeconfigPath, appNs, leaseNs, identity, ...shardArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const events: Event[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => events.push(JSON.parse(line) as Event));
  const has = (match: (e: Event) => boolean) => events.some(match);
  return {
    identity,
    child,
    events,
    count: (name: string) => events.filter((e) => e.event === name).length,
    async waitFor(what: string, match: (e: Event) => boolean) {
      const deadline = Date.now() + 60_000;
      while (!has(match)) {
        if (Date.now() > deadline)
          throw new Error(`${identity}: no ${what}; events ${JSON.stringify(events)}; ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

describe('two controller replicas with leader election', () => {
  it('lets only the leader reconcile, and the standby takes over when the leader is killed', async () => {
    const appNs = await testNamespace('ha-apps');
    const dest = await testNamespace('ha-dest');
    const git = await GitHttpServer.start();
    after(() => git.close());
    const repo = await git.createRepo('config');
    await repo.commit({
      'app/cm.yaml': configMap('cm', { a: '1' }),
    });
    const a = replica(appNs, appNs, 'a');
    await a.waitFor('leadership', (e) => e.event === 'leading');
    const b = replica(appNs, appNs, 'b');
    await b.waitFor('the leader', (e) => e.event === 'state' && e.holder === 'a');

    await kubectl(
      cluster.kubeconfigPath,
      ['apply', '-f', '-'],
      JSON.stringify(appManifest('app', appNs, git.url('config'), 'app', dest)),
    );
    const data = async () =>
      (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: dest, name: 'cm' }))?.data as
        | Record<string, string>
        | undefined;
    await until('the leader syncs the app', async () => (await data())?.a === '1');
    await a.waitFor('a reconcile by the leader', (e) => e.event === 'reconcile');
    assert.equal(b.count('reconcile'), 0, 'the standby reconciled');
    assert.equal(b.count('leading'), 0);

    a.child.kill('SIGKILL');
    await b.waitFor('takeover', (e) => e.event === 'leading');
    await kubectl(cluster.kubeconfigPath, [
      'patch',
      'configmap',
      'cm',
      '-n',
      dest,
      '--type=merge',
      '-p',
      '{"data":{"a":"2"}}',
    ]);
    await until('the new leader reverts the edit', async () => (await data())?.a === '1');
    // Its report of the reconcile arrives after the write it made.
    await b.waitFor('a reconcile by the new leader', (e) => e.event === 'reconcile');

    b.child.kill('SIGTERM');
    await b.waitFor('a clean stop', (e) => e.event === 'stopped');
    const lease = await client.get({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: appNs,
      name: 'trueup-controller',
    });
    assert.equal(
      (lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity,
      '',
      'not released',
    );
  });

  it('runs `trueup controller --leader-elect` twice: one leads, /readyz and metrics tell which, a kill hands over', async () => {
    const appNs = await testNamespace('ha-cli-apps');
    const dest = await testNamespace('ha-cli-dest');
    const git = await GitHttpServer.start();
    after(() => git.close());
    const repo = await git.createRepo('config');
    await repo.commit({
      'app/cm.yaml': configMap('cm', { a: '1' }),
    });
    const start = async (name: string) => {
      const cache = await mkdtemp(join(tmpdir(), `trueup-ha-${name}-`));
      after(() => rm(cache, { recursive: true, force: true }));
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          TRUEUP,
          'controller',
          '--kubeconfig',
          cluster.kubeconfigPath,
          '--namespaces',
          appNs,
          '--leader-elect',
          '--lease-namespace',
          appNs,
          '--metrics-address',
          '127.0.0.1:0',
          '--cache-dir',
          cache,
          '--log-level',
          'warn',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      children.push(child);
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      let url = '';
      await until(`${name} serves /metrics`, async () => {
        url = /serving (http:\/\/\S+)\/metrics/.exec(stderr)?.[1] ?? '';
        return url !== '';
      });
      const role = async () => ((await (await fetch(`${url}/readyz`)).json()) as { role: string }).role;
      const leaderGauge = async () =>
        /^trueup_controller_leader\{shard="0"\} (\d)/m.exec(
          await (await fetch(`${url}/metrics`)).text(),
        )?.[1];
      return { name, child, role, leaderGauge, stderr: () => stderr };
    };
    const first = await start('first');
    await until('first leads', async () => (await first.role()) === 'leader');
    const second = await start('second');
    await until('second is a standby', async () => (await second.role()) === 'standby');
    assert.equal(await first.leaderGauge(), '1');
    assert.equal(await second.leaderGauge(), '0');

    await kubectl(
      cluster.kubeconfigPath,
      ['apply', '-f', '-'],
      JSON.stringify(appManifest('app', appNs, git.url('config'), 'app', dest)),
    );
    const data = async () =>
      (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: dest, name: 'cm' }))?.data as
        | Record<string, string>
        | undefined;
    await until('the leader syncs the app', async () => (await data())?.a === '1');

    first.child.kill('SIGKILL');
    await until('second takes over', async () => (await second.role()) === 'leader');
    assert.equal(await second.leaderGauge(), '1');
    await kubectl(cluster.kubeconfigPath, [
      'patch',
      'configmap',
      'cm',
      '-n',
      dest,
      '--type=merge',
      '-p',
      '{"data":{"a":"2"}}',
    ]);
    await until('the new leader reverts the edit', async () => (await data())?.a === '1');
    second.child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => second.child.on('exit', (c) => r(c)));
    assert.equal(code, 0, second.stderr());
  });

  it('shards Applications by consistent hash: each replica holds its shard Lease and reconciles only its apps', async () => {
    const appNs = await testNamespace('shard-apps');
    const dest = await testNamespace('shard-dest');
    const git = await GitHttpServer.start();
    after(() => git.close());
    const repo = await git.createRepo('config');
    // Three apps on each shard (names picked by the hash, since the namespace name is random).
    const names: string[] = [];
    const perShard = [0, 0];
    for (let i = 0; names.length < 6; i++) {
      const s = shardOf(appNs, `app-${i}`, 2);
      if ((perShard[s] ?? 0) < 3) {
        perShard[s] = (perShard[s] ?? 0) + 1;
        names.push(`app-${i}`);
      }
    }
    const files: Record<string, string> = {};
    for (const name of names) {
      files[`${name}/cm.yaml`] = JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name },
        data: { owner: name },
      });
    }
    await repo.commit(files);
    const replicas = [replica(appNs, appNs, 's0', ['0', '2']), replica(appNs, appNs, 's1', ['1', '2'])];
    for (const r of replicas) await r.waitFor('its shard Lease', (e) => e.event === 'leading');
    for (const name of names) {
      await kubectl(
        cluster.kubeconfigPath,
        ['apply', '-f', '-'],
        JSON.stringify(appManifest(name, appNs, git.url('config'), name, dest)),
      );
    }
    for (const name of names) {
      await until(`${name} synced`, async () =>
        Boolean(await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: dest, name })),
      );
    }
    const expected = [0, 1].map((i) => names.filter((n) => shardOf(appNs, n, 2) === i).sort());
    assert.ok(
      expected[0]?.length && expected[1]?.length,
      `one shard got every app: ${JSON.stringify(expected)}`,
    );
    for (const [i, r] of replicas.entries()) {
      for (const name of expected[i] ?? [])
        await r.waitFor(`${name} reported`, (e) => e.event === 'app' && e.name === name);
      const reported = [
        ...new Set(r.events.filter((e) => e.event === 'app').map((e) => e.name ?? '')),
      ].sort();
      assert.deepEqual(reported, expected[i], `replica s${i} reconciled apps of the other shard`);
      const lease = await client.get({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace: appNs,
        name: shardLeaseName('trueup-controller', i, 2),
      });
      assert.equal((lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity, `s${i}`);
    }
    for (const r of replicas) {
      r.child.kill('SIGTERM');
      await r.waitFor('a clean stop', (e) => e.event === 'stopped');
    }
  });
});
