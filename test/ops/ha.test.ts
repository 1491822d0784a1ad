/**
 * High availability with two controller processes against the real control plane: only the
 * replica holding the Lease reconciles; when it is killed (SIGKILL, no release), the other
 * takes the Lease over once it expires and goes on reconciling (it reverts a manual edit).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { installApplicationCrd } from '../../src/controller/install-crd.js';
import { createClusterClient } from '../../src/kube/index.js';
import { testCluster, testNamespace } from '../support/cluster.js';
import { GitHttpServer } from '../support/git-server.js';
import { kubectl } from '../support/kubectl.js';

interface Event {
  identity: string;
  event: string;
  leader?: boolean;
  holder?: string;
}

const FIXTURE = join(import.meta.dirname, 'fixtures', 'ha-controller.ts');
const cluster = await testCluster();
const client = await createClusterClient(cluster.kubeConfig);
after(() => client.close());
await installApplicationCrd(client);
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function replica(appNs: string, leaseNs: string, identity: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, cluster.kubeconfigPath, appNs, leaseNs, identity],
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

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('two controller replicas with leader election', () => {
  it('lets only the leader reconcile, and the standby takes over when the leader is killed', async () => {
    const appNs = await testNamespace('ha-apps');
    const dest = await testNamespace('ha-dest');
    const git = await GitHttpServer.start();
    after(() => git.close());
    const repo = await git.createRepo('config');
    await repo.commit({
      'app/cm.yaml': JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm' },
        data: { a: '1' },
      }),
    });
    const a = replica(appNs, appNs, 'a');
    await a.waitFor('leadership', (e) => e.event === 'leading');
    const b = replica(appNs, appNs, 'b');
    await b.waitFor('the leader', (e) => e.event === 'state' && e.holder === 'a');

    await kubectl(
      cluster.kubeconfigPath,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'trueup.dev/v1alpha1',
        kind: 'Application',
        metadata: { name: 'app', namespace: appNs },
        spec: {
          source: { repoURL: git.url('config'), targetRevision: 'main', path: 'app' },
          destination: { namespace: dest },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      }),
    );
    const data = async () =>
      (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: dest, name: 'cm' }))?.data as
        | Record<string, string>
        | undefined;
    await until('the leader syncs the app', async () => (await data())?.a === '1');
    assert.ok(a.count('reconcile') > 0, 'the leader did not reconcile');
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
    assert.ok(b.count('reconcile') > 0, 'the new leader did not reconcile');

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
});
