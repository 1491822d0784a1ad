/**
 * Scale bench (issue 20): N Applications (3 ConfigMaps each, one repo, a kustomize namePrefix per
 * app, all in one destination namespace) against the local control plane and a local Git HTTP
 * server, the controller in its own child process (so its peak RSS and request counts are its own):
 *   cold    - the Applications exist, the controller starts with an empty Git cache: time to all
 *             Synced + Healthy + Ready, the API requests per verb, peak RSS
 *   warm    - (after cold) a new controller process over the same, fully synced apps: time until
 *             every app has been reconciled once and the queue is idle, its requests (the goal:
 *             0 writes, 0 dry-runs), every app still Ready
 *   shards  - a fresh control plane, N apps, two controller processes at once, each with its own
 *             shard (the replicas' consistent hash): time until both have all their apps Ready
 * Usage: npx tsx bench/scale/bench.ts [--apps 10000] [--scenarios cold,warm,shards]
 *   [--controller cli|inproc] [--identity token|cert] [--cpu-prof DIR] [--heap-snapshot DIR]
 *   [--node-flags='--flag1 --flag2']
 * --node-flags: passed to node for the controller children (cli: before bin/trueup; inproc: before
 * --import tsx), e.g. --node-flags=--heap-growing-percent=50 (a heap flag also stops the
 * controller's own --heap-growing-percent=20, src/cli/heap-growth.ts). The cold start reports
 * the peak RSS it sampled, when (sampledPeakAt, seconds from the start) and how many apps were
 * Ready then.
 * --controller: the cold start's child is `bin/trueup controller` (cli, the default: compiled, plain
 * node, so its RSS is the controller's own; a baseline run over no apps is reported next to it) or
 * the in-process wiring under tsx (inproc: the request counter of the ClusterClient, as before).
 * --heap-snapshot (cli): the child writes a heap snapshot there once all apps are Ready.
 * warm and shards always run the in-process child. --identity: the children connect with a
 * ServiceAccount token (token, the default: what `trueup controller` has in a cluster; the API
 * server caches its verification) or the admin's client certificate (cert: verified on every
 * request, ~10 % of kube-apiserver's CPU; the figures before 2026-12-06 03:30 were made so). --cpu-prof: the cold child writes a V8 CPU
 * profile there. The cold start reports the CPU seconds of every process (controller, etcd,
 * kube-apiserver, kube-controller-manager, the bench and its git http-backend children) and of the
 * whole machine (all engineers' work) from /proc.
 * Prints JSON results on stdout (machine load average included); progress on stderr.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../src/api/object.js';
import { TreeRenderPort } from '../../src/controller/adapters/render.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { Controller } from '../../src/controller/controller.js';
import { createClusterClient } from '../../src/kube/index.js';
import { shard, shardedClient, shardOf } from '../../src/runtime/sharding.js';
import { GitSource } from '../../src/source/index.js';
import type { ControlPlane } from '../../test/control-plane/control-plane.js';
import { countingReconciles } from '../../test/support/counting-metrics.js';
import { CpuLedger } from '../support/proc-cpu.js';
import { isAppReady } from '../support/ready.js';
import { cliBaseline, cliCold } from './cli-child.js';
import { APP_NAMESPACE, appName, createApps, DEST_NAMESPACE, withCluster } from './setup.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;

/**
 * Child: one controller process over `appNs` (its shard only when shards > 1). mode `cold`: wait
 * for all its apps Ready; mode `warm`: wait for one reconcile of each app and an idle queue.
 */
async function child(args: string[]): Promise<Record<string, unknown>> {
  const [mode, kubeconfig, appNs, n, shards, index] = args as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const total = Number(n);
  const shardCount = Number(shards);
  const owner = shard(Number(index), shardCount);
  const expected = Array.from({ length: total }, (_, i) => appName(i)).filter(
    (name) => shardOf(appNs, name, shardCount) === owner.index,
  ).length;
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const raw = await createClusterClient(kc, { maxSockets: 32 });
  const client = shardCount > 1 ? shardedClient(raw, owner) : raw;
  const cache = await mkdtemp(join(tmpdir(), 'bench-scale-'));
  const counting = countingReconciles();
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  const controller = new Controller({
    client,
    config: { concurrency: 10, requeueInterval: 180_000, namespaces: [appNs] },
    source: new GitSourcePort(new GitSource({ cacheDir: cache })),
    render: new TreeRenderPort(),
    metrics: counting.metrics,
  });
  await controller.start();
  let peakRss = 0;
  const deadline = Date.now() + 30 * 60_000;
  const cpuStart = process.cpuUsage();
  for (;;) {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const apps = controller.apps() as unknown as KubeObject[];
    const ready = apps.filter(isAppReady).length;
    const done =
      mode === 'cold'
        ? ready === expected
        : counting.passes() >= expected && controller.queue.depth === 0 && ready === expected;
    if (done) break;
    if (Date.now() > deadline) throw new Error(`only ${ready}/${expected} Ready after 30 min`);
    await sleep(100);
  }
  if (mode === 'warm') await controller.queue.whenIdle();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const counts = Object.fromEntries(
    Object.entries(raw.counter.snapshot()).filter(([, v]) => v > 0),
  ) as Record<string, number>;
  log(`  ${mode} shard ${owner.index}/${shardCount}: ${expected} apps in ${seconds.toFixed(1)} s`);
  const reconciles = counting.passes();
  await controller.stop();
  raw.close();
  await rm(cache, { recursive: true, force: true });
  return {
    mode,
    shard: `${owner.index}/${shardCount}`,
    apps: expected,
    seconds,
    reconciles,
    requests: counts,
    writes: raw.counter.writes,
    dryRuns: raw.counter.dryRuns,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMiB: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / MiB,
    rssBeforeMiB: rssBefore / MiB,
    loadavgAtEnd: loadavg(),
  };
}

/** The control plane's processes and the bench (itself, and the git http-backend children it reaps). */
function ledgerOf(cp: ControlPlane): CpuLedger {
  const ledger = new CpuLedger();
  for (const p of cp.processes()) ledger.track(p.name, p.pid);
  ledger.track('bench', process.pid);
  ledger.track('bench children (git http-backend)', process.pid, 'children');
  return ledger;
}

function runChild(
  args: string[],
  o: { ledger?: CpuLedger; cpuProfDir?: string; nodeFlags?: string[] } = {},
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const prof = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [];
    const node = [...(o.nodeFlags ?? []), ...prof];
    const c = spawn(process.execPath, [...node, '--import', 'tsx', import.meta.filename, 'child', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    o.ledger?.track('controller', c.pid);
    let out = '';
    let cpu: ReturnType<CpuLedger['spent']> | undefined;
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // Before the child is reaped (the bench's children figure would then include it).
      if (!cpu && o.ledger && out.includes('RESULT ')) cpu = o.ledger.spent();
    });
    c.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`${args[0]} failed (exit ${code}): ${out.slice(-2000)}`));
      else
        resolve({
          ...(JSON.parse(line.slice(7)) as Record<string, unknown>),
          ...(cpu ? { cpuByProcess: cpu } : {}),
        });
    });
  });
}

async function parent(): Promise<void> {
  const { values } = parseArgs({
    options: {
      apps: { type: 'string', default: '10000' },
      scenarios: { type: 'string', default: 'cold,warm,shards' },
      controller: { type: 'string', default: 'cli' },
      identity: { type: 'string', default: 'token' },
      'cpu-prof': { type: 'string' },
      'heap-snapshot': { type: 'string' },
      'node-flags': { type: 'string', default: '' },
    },
  });
  const nodeFlags = (values['node-flags'] ?? '').split(/\s+/).filter(Boolean);
  if (values.controller !== 'cli' && values.controller !== 'inproc')
    throw new Error(`--controller ${values.controller}: cli or inproc`);
  if (values.identity !== 'token' && values.identity !== 'cert')
    throw new Error(`--identity ${values.identity}: token or cert`);
  const identity = values.identity;
  const cpuProfDir = values['cpu-prof'];
  const n = Number(values.apps);
  const scenarios = new Set((values.scenarios ?? '').split(',').filter(Boolean));
  const results: Record<string, unknown> = {
    apps: n,
    identity,
    controller: values.controller,
    loadavgAtStart: loadavg(),
    node: process.version,
    ...(nodeFlags.length ? { nodeFlags } : {}),
  };
  const appNs = APP_NAMESPACE;
  const dest = DEST_NAMESPACE;
  if (scenarios.has('cold') || scenarios.has('warm')) {
    await withCluster(identity, async (kubeconfig, repoURL, client, cp) => {
      log(`[bench] creating ${n} Applications`);
      await createApps(client, appNs, dest, repoURL, n);
      if (values.controller === 'cli') {
        const cacheDir = await mkdtemp(join(tmpdir(), 'bench-scale-cli-'));
        const o = {
          kubeconfig,
          appNs,
          apps: n,
          cacheDir,
          client,
          logPath: join(cp.dir, 'trueup-controller.log'),
          nodeFlags,
        };
        log('[bench] baseline: bin/trueup controller over no apps');
        const baseline = await cliBaseline(o);
        log(`[bench] cold start (bin/trueup controller, log ${o.logPath})`);
        results.cold = {
          ...(await cliCold({
            ...o,
            ledger: ledgerOf(cp),
            ...(cpuProfDir ? { cpuProfDir } : {}),
            ...(values['heap-snapshot'] ? { heapSnapshotDir: values['heap-snapshot'] } : {}),
          })),
          baselineRssMiB: baseline.rssMiB,
          baselineStartupCpuSeconds: baseline.cpuSeconds,
        };
        await rm(cacheDir, { recursive: true, force: true });
      } else {
        log('[bench] cold start');
        results.cold = await runChild(['cold', kubeconfig, appNs, String(n), '1', '0'], {
          ledger: ledgerOf(cp),
          nodeFlags,
          ...(cpuProfDir ? { cpuProfDir } : {}),
        });
      }
      log(`[bench]   ${JSON.stringify(results.cold)}`);
      if (scenarios.has('warm')) {
        log('[bench] warm restart');
        results.warm = await runChild(['warm', kubeconfig, appNs, String(n), '1', '0'], { nodeFlags });
        log(`[bench]   ${JSON.stringify(results.warm)}`);
      }
    });
  }
  if (scenarios.has('shards')) {
    await withCluster(identity, async (kubeconfig, repoURL, client) => {
      log(`[bench] creating ${n} Applications`);
      await createApps(client, appNs, dest, repoURL, n);
      log('[bench] cold start over 2 shards');
      const start = performance.now();
      const both = await Promise.all(
        ['0', '1'].map((i) => runChild(['cold', kubeconfig, appNs, String(n), '2', i], { nodeFlags })),
      );
      results.shards = { seconds: (performance.now() - start) / 1000, replicas: both };
      log(`[bench]   ${JSON.stringify(results.shards)}`);
    });
  }
  results.loadavgAtEnd = loadavg();
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

if (process.argv[2] === 'child') {
  const result = await child(process.argv.slice(3));
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
} else await parent();
