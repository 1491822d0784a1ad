/**
 * ApplicationSet benchmark against the local control plane and a local Git HTTP server, both
 * controllers in-process sharing one Git source (as `trueup controller` runs them):
 *   cold  - a git directories set over N directories (one ConfigMap each) applied before the
 *           controllers start on an empty Git cache: time to N Applications generated, and to
 *           all N Synced + Healthy
 *   push  - a new directory committed, then a signed webhook push: time from the push to the
 *           new Application Synced + Healthy (several rounds; median and max)
 * Usage: npx tsx bench/appset/bench.ts [N=500] [rounds=5]
 * Prints a Markdown section for bench/RESULTS.md on stdout; progress on stderr.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as k8s from '@kubernetes/client-node';
import type { Application } from '../../src/api/application.js';
import { AppSetController } from '../../src/appset/controller.js';
import { TreeRenderPort } from '../../src/controller/adapters/render.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { Controller } from '../../src/controller/controller.js';
import { installCrds } from '../../src/controller/install-crd.js';
import { createClusterClient } from '../../src/kube/index.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createWebhookHandler, pushMatchesSource } from '../../src/server/webhook.js';
import { GitSource } from '../../src/source/index.js';
import { startControlPlane } from '../../test/control-plane/control-plane.js';
import { GitHttpServer } from '../../test/support/git-server.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const n = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 5);

const cm = (name: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { service: name } });
const ready = (a: Application | undefined) =>
  a?.status?.sync?.status === 'Synced' && a.status.health?.status === 'Healthy';

async function until<T>(
  what: string,
  f: () => T | undefined | false,
  limitMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${limitMs} ms`);
    await sleep(everyMs);
  }
}

const cp = await startControlPlane({ log });
const git = await GitHttpServer.start();
const cache = await mkdtemp(join(tmpdir(), 'bench-appset-'));
try {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const client = await createClusterClient(kc, { maxSockets: 32 });
  await installCrds(client);
  const stamp = Date.now();
  const appNs = `bench-appset-${stamp}`;
  const dest = `bench-appset-dest-${stamp}`;
  for (const name of [appNs, dest])
    await client.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      { fieldManager: 'bench', force: true },
    );
  const repo = await git.createRepo('monorepo');
  const repoURL = git.url('monorepo');
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    files[`apps/${name}/config.yaml`] = cm(name);
  }
  await repo.commit(files, 'services');
  await client.create(
    {
      apiVersion: 'trueup.dev/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'services', namespace: appNs },
      spec: {
        generators: [{ git: { repoURL, revision: 'main', directories: [{ path: 'apps/*' }] } }],
        template: {
          metadata: { name: '{{path.basename}}' },
          spec: {
            source: { repoURL, targetRevision: 'main', path: '{{path}}' },
            destination: { namespace: dest },
            syncPolicy: { automated: { prune: true, selfHeal: true } },
          },
        },
      },
    } as never,
    { fieldManager: 'bench' },
  );

  const source = new GitSourcePort(new GitSource({ cacheDir: cache }));
  const start = performance.now();
  const controller = new Controller({
    client,
    config: { concurrency: 10, requeueInterval: 3_600_000, namespaces: [appNs] },
    source,
    render: new TreeRenderPort(),
  });
  const sets = new AppSetController({
    client,
    source,
    goEngine: () => Promise.reject(new Error('no Go templates in this bench')),
    namespaces: [appNs],
    concurrency: 2,
    requeueInterval: 3_600_000,
    clock: systemClock,
  });
  await Promise.all([controller.start(), sets.start()]);
  const apps = () => controller.apps();
  await until('all generated', () => apps().length >= n, 30 * 60_000, 50);
  const generated = performance.now() - start;
  log(`  ${n} Applications generated in ${(generated / 1000).toFixed(1)} s`);
  let peakRss = 0;
  await until(
    'all Synced',
    () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      return apps().filter(ready).length === n;
    },
    30 * 60_000,
    200,
  );
  const allSynced = performance.now() - start;
  log(`  ${n} Synced + Healthy in ${(allSynced / 1000).toFixed(1)} s`);

  /** Rounds of: commit a new directory, push; time to its app generated and to it Synced + Healthy. */
  async function pushRounds(
    variant: string,
    refreshApps: boolean,
  ): Promise<{ generated: number[]; synced: number[] }> {
    const webhook = createWebhookHandler({
      secret: 'bench',
      refresh: (m) => (refreshApps ? controller.refreshRepo(m) : []),
      refreshSets: (push) => sets.refreshRepos((url, rev) => pushMatchesSource(push, url, rev)),
    });
    const out = { generated: [] as number[], synced: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      const name = `new-${variant}-${r}`;
      await repo.commit({ [`apps/${name}/config.yaml`]: cm(name) }, `add ${name}`);
      const body = Buffer.from(
        JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: repoURL } }),
      );
      const sig = `sha256=${createHmac('sha256', 'bench').update(body).digest('hex')}`;
      const t0 = performance.now();
      await webhook({ headers: { 'x-github-event': 'push', 'x-hub-signature-256': sig }, body });
      await until(`${name} generated`, () => apps().some((a) => a.metadata.name === name), 120_000, 5);
      out.generated.push(performance.now() - t0);
      await until(`${name} Synced`, () => ready(apps().find((a) => a.metadata.name === name)), 120_000, 5);
      out.synced.push(performance.now() - t0);
      log(
        `  ${variant}: push → ${name} generated in ${out.generated.at(-1)?.toFixed(0)} ms, Synced in ${out.synced.at(-1)?.toFixed(0)} ms`,
      );
      // Let the refreshed apps settle before the next round.
      await controller.queue.whenIdle();
    }
    return out;
  }
  const setsOnly = await pushRounds('sets', false);
  const full = await pushRounds('all', true);
  await Promise.all([controller.stop(), sets.stop()]);
  client.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;
  const cell = (xs: number[]) => `${median(xs).toFixed(0)} ms (${Math.max(...xs).toFixed(0)} ms)`;
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
  process.stdout.write(
    [
      '## ApplicationSet',
      '',
      `Generated by \`npx tsx bench/appset/bench.ts ${n} ${rounds}\` (${new Date().toISOString().slice(0, 10)}). A git directories set (\`apps/*\`) over ${n} directories of one ConfigMap each, both controllers in-process sharing one Git source (Application concurrency 10, ApplicationSet concurrency 2), local control plane and Git HTTP server; load average at the end ${load} (2 shared cores).`,
      '',
      '| | time |',
      '| --- | ---: |',
      `| cold start (empty Git cache) to ${n} Applications generated | ${(generated / 1000).toFixed(1)} s |`,
      `| cold start to all ${n} Synced + Healthy | ${(allSynced / 1000).toFixed(1)} s |`,
      `| webhook push of a new directory, the push re-evaluating the set only: to its app generated / Synced + Healthy, median of ${rounds} (max) | ${cell(setsOnly.generated)} / ${cell(setsOnly.synced)} |`,
      `| the same with the push also refreshing the ${n} apps on that repository (what \`trueup controller\`'s webhook does) | ${cell(full.generated)} / ${cell(full.synced)} |`,
      '',
      `Peak RSS during the cold start: ${(peakRss / 2 ** 20).toFixed(0)} MiB. Raw (ms, generated/synced): sets only ${setsOnly.generated.map((g, i) => `${g.toFixed(0)}/${setsOnly.synced[i]?.toFixed(0)}`).join(', ')}; with apps ${full.generated.map((g, i) => `${g.toFixed(0)}/${full.synced[i]?.toFixed(0)}`).join(', ')}.`,
      '',
    ].join('\n'),
  );
} finally {
  await git.close();
  await cp.stop();
  await rm(cache, { recursive: true, force: true });
}
