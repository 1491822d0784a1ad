/**
 * Controller benchmarks against the local control plane and a local Git HTTP server, the
 * controller in-process (its own process per scenario, so peak RSS is that scenario's):
 *   selfheal   - 50 `kubectl edit`-style changes to a managed ConfigMap; time from the edit being
 *                visible on a watch to the revert being visible (p50/p99)
 *   scale N    - N Applications (3 ConfigMaps each, one repo, kustomize namePrefix per app)
 *                from a cold start (empty Git cache) to all Synced + Healthy + Ready; peak RSS;
 *                then one idle reconcile of every app and the API requests it made
 * Usage: npx tsx bench/controller/bench.ts [selfheal] [scale 100] [scale 1000]   (default: all three)
 * Prints a Markdown section for bench/RESULTS.md on stdout; progress on stderr.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../src/api/object.js';
import { TreeRenderPort } from '../../src/controller/adapters/render.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { Controller, type ControllerMetrics } from '../../src/controller/controller.js';
import { installCrds } from '../../src/controller/install-crd.js';
import { createClusterClient } from '../../src/kube/index.js';
import type { ClusterClient } from '../../src/kube/types.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Informer } from '../../src/runtime/informer.js';
import { GitSource } from '../../src/source/index.js';
import { startControlPlane } from '../../test/control-plane/control-plane.js';
import { countingReconciles } from '../../test/support/counting-metrics.js';
import { GitHttpServer } from '../../test/support/git-server.js';
import { isAppReady } from '../support/ready.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

const cm = (name: string, data: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

async function namespace(client: ClusterClient, name: string): Promise<string> {
  await client.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    { fieldManager: 'bench', force: true },
  );
  return name;
}

function appObject(name: string, ns: string, repoURL: string, dest: string, prefix?: string): KubeObject {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: ns },
    spec: {
      source: {
        repoURL,
        targetRevision: 'main',
        path: 'app',
        ...(prefix ? { kustomize: { namePrefix: prefix } } : {}),
      },
      destination: { namespace: dest },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    } as never,
  };
}

function controllerFor(client: ClusterClient, appNs: string, cacheDir: string, metrics?: ControllerMetrics) {
  return new Controller({
    client,
    config: { concurrency: 10, requeueInterval: 180_000, namespaces: [appNs] },
    source: new GitSourcePort(new GitSource({ cacheDir })),
    render: new TreeRenderPort(),
    ...(metrics ? { metrics } : {}),
  });
}

/** Child: self-heal latency. */
async function selfHeal(kubeconfig: string, repoURL: string): Promise<Record<string, unknown>> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const client = await createClusterClient(kc);
  const watcher = await createClusterClient(kc);
  const appNs = await namespace(client, `bench-heal-apps-${Date.now()}`);
  const dest = await namespace(client, `bench-heal-${Date.now()}`);
  const cache = await mkdtemp(join(tmpdir(), 'bench-heal-'));
  const controller = controllerFor(client, appNs, cache);
  await controller.start();
  await client.create(appObject('heal', appNs, repoURL, dest, 'heal-'), { fieldManager: 'bench' });
  // Our own watch on the ConfigMap, as a user running `kubectl get -w` would see it.
  const seen: { value: string; at: number }[] = [];
  const inf = new Informer({
    client: watcher,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: dest,
    clock: systemClock,
    random: Math.random,
    onEvent: (_t, o) => {
      const v = (o.data as Record<string, string> | undefined)?.value;
      if (o.metadata.name === 'heal-config-0' && v) seen.push({ value: v, at: performance.now() });
    },
  });
  inf.start();
  const deadline = Date.now() + 120_000;
  while (!seen.some((s) => s.value === 'v0')) {
    if (Date.now() > deadline) throw new Error('the app never synced');
    await sleep(50);
  }
  const latencies: number[] = [];
  for (let i = 0; i < 50; i++) {
    const marker = `edited-${i}`;
    // A foreign field manager forcing a new value: what `kubectl edit`/`kubectl apply` does to the field.
    await client.apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'heal-config-0', namespace: dest },
        data: { value: marker },
      },
      { fieldManager: 'kubectl-edit', force: true },
    );
    const until = Date.now() + 30_000;
    for (;;) {
      const edit = seen.findIndex((s) => s.value === marker);
      const revert = edit >= 0 ? seen.slice(edit + 1).find((s) => s.value === 'v0') : undefined;
      if (edit >= 0 && revert) {
        latencies.push(revert.at - (seen[edit] as { at: number }).at);
        break;
      }
      if (Date.now() > until) throw new Error(`edit ${i} was not reverted within 30 s`);
      await sleep(5);
    }
    await sleep(100);
  }
  await inf.stop();
  await controller.stop();
  client.close();
  watcher.close();
  await rm(cache, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    n: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1),
    min: latencies[0],
  };
}

/** Child: N apps from a cold start, then one idle reconcile each. */
async function scale(kubeconfig: string, repoURL: string, n: number): Promise<Record<string, unknown>> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const client = await createClusterClient(kc, { maxSockets: 32 });
  const stamp = Date.now();
  const appNs = await namespace(client, `bench-apps-${n}-${stamp}`);
  const dest = await namespace(client, `bench-dest-${n}-${stamp}`);
  // The Applications exist before the controller starts (a cold start of an existing install).
  const names = Array.from({ length: n }, (_, i) => `a${String(i).padStart(4, '0')}`);
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(
      names
        .slice(i, i + 25)
        .map((name) =>
          client.create(appObject(name, appNs, repoURL, dest, `${name}-`), { fieldManager: 'bench' }),
        ),
    );
  }
  const rssBefore = process.memoryUsage().rss;
  const cache = await mkdtemp(join(tmpdir(), 'bench-scale-'));
  const counting = countingReconciles();
  const start = performance.now();
  const controller = controllerFor(client, appNs, cache, counting.metrics);
  await controller.start();
  let ready = 0;
  let peakRss = 0;
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    ready = controller.apps().filter((a) => isAppReady(a as unknown as KubeObject)).length;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (ready === n) break;
    if (Date.now() > deadline) throw new Error(`only ${ready}/${n} Ready after 30 min`);
    await sleep(200);
  }
  const elapsed = performance.now() - start;
  const coldReconciles = counting.passes();
  const coldCounts = client.counter.snapshot();
  log(`  scale ${n}: all Ready in ${(elapsed / 1000).toFixed(1)} s after ${coldReconciles} reconciles`);

  // Idle: let the last events settle, then reconcile every app once more.
  await sleep(3000);
  await controller.queue.whenIdle();
  const before = client.counter.snapshot();
  const reconcilesBefore = counting.passes();
  for (const name of names) controller.queue.add(`${appNs}/${name}`);
  await sleep(50);
  await controller.queue.whenIdle();
  const after = client.counter.snapshot();
  const idleReconciles = counting.passes() - reconcilesBefore;
  const idle: Record<string, number> = {};
  let idleTotal = 0;
  for (const [verb, count] of Object.entries(after)) {
    const d = count - (before[verb as keyof typeof before] ?? 0);
    if (d) idle[verb] = d;
    idleTotal += d;
  }
  await controller.stop();
  const maxRssKb = process.resourceUsage().maxRSS;
  client.close();
  await rm(cache, { recursive: true, force: true });
  return {
    n,
    seconds: elapsed / 1000,
    coldReconciles,
    coldRequests: Object.fromEntries(Object.entries(coldCounts).filter(([, v]) => v > 0)),
    peakRssMiB: Math.max(peakRss, maxRssKb * 1024) / 2 ** 20,
    rssBeforeMiB: rssBefore / 2 ** 20,
    idleReconciles,
    idleRequests: idle,
    idleRequestsPerReconcile: idleTotal / Math.max(1, idleReconciles),
  };
}

async function child(): Promise<void> {
  const [, , , scenario, kubeconfig, repoURL, n] = process.argv;
  const result =
    scenario === 'selfheal'
      ? await selfHeal(kubeconfig as string, repoURL as string)
      : await scale(kubeconfig as string, repoURL as string, Number(n));
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

function runChild(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'child', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line)
        reject(new Error(`${args.join(' ')} failed (exit ${code}): ${out.slice(-2000)}`));
      else resolve(JSON.parse(line.slice(7)) as Record<string, unknown>);
    });
  });
}

async function parent(): Promise<void> {
  const args = process.argv.slice(2);
  const plan: string[][] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === 'selfheal') plan.push(['selfheal']);
    else if (args[i] === 'scale') plan.push(['scale', args[++i] ?? '100']);
  }
  if (plan.length === 0) plan.push(['selfheal'], ['scale', '100'], ['scale', '1000']);
  log('[bench] starting the control plane and the Git server');
  const cp = await startControlPlane({ log });
  const git = await GitHttpServer.start();
  try {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    const admin = await createClusterClient(kc);
    await installCrds(admin);
    admin.close();
    const repo = await git.createRepo('bench');
    await repo.commit({
      'app/kustomization.yaml': JSON.stringify({ resources: ['a.yaml', 'b.yaml', 'c.yaml'] }),
      'app/a.yaml': cm('config-0', { value: 'v0' }),
      'app/b.yaml': cm('config-1', { value: 'v1' }),
      'app/c.yaml': cm('config-2', { value: 'v2' }),
    });
    const results: Record<string, Record<string, unknown>> = {};
    for (const p of plan) {
      log(`[bench] ${p.join(' ')}`);
      const [scenario, n] = p as [string, string | undefined];
      results[p.join(' ')] = await runChild([
        scenario,
        cp.kubeconfigPath,
        git.url('bench'),
        ...(n ? [n] : []),
      ]);
      log(`[bench]   ${JSON.stringify(results[p.join(' ')])}`);
    }
    process.stdout.write(
      `${JSON.stringify({ results, loadavg: loadavg(), node: process.version }, null, 2)}\n`,
    );
  } finally {
    await git.close();
    await cp.stop();
  }
}

if (process.argv[2] === 'child') await child();
else await parent();
