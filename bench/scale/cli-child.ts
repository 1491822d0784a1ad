/**
 * The cold start with the compiled controller as the child: `bin/trueup controller` (dist/, plain
 * node, no tsx, the same entry as the image), so its RSS is the controller's own. The bench watches
 * the Applications itself (an informer in the parent) for the time to all Ready, reads the child's
 * CPU and RSS from /proc and its requests and reconciles from its /metrics once at the end.
 * `baseline` runs the same process over a namespace without apps: its RSS once idle is what the
 * process holds before any app (code, client, caches empty).
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { KubeObject } from '../../src/api/object.js';
import type { ClusterClient } from '../../src/kube/types.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Informer } from '../../src/runtime/informer.js';
import { freePort } from '../../test/control-plane/processes.js';
import { type CpuLedger, procCpu, procRssMiB } from '../support/proc-cpu.js';
import { isAppReady } from '../support/ready.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'trueup');

export interface CliRunOptions {
  kubeconfig: string;
  appNs: string;
  apps: number;
  cacheDir: string;
  logPath: string;
  client: ClusterClient;
  /** Tracks the child's CPU next to the control plane's (named `controller`). */
  ledger?: CpuLedger;
  /** --cpu-prof into this directory. */
  cpuProfDir?: string;
  /** A heap snapshot into this directory once all apps are Ready (before the child stops). */
  heapSnapshotDir?: string;
  /** Flags for node itself (before bin/trueup), e.g. a V8 heap flag to compare against. */
  nodeFlags?: string[];
}

interface Child {
  pid: number;
  signal(s: NodeJS.Signals): void;
  metricsUrl: string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

async function startCli(o: CliRunOptions, namespace: string): Promise<Child> {
  const port = await freePort();
  const log = createWriteStream(o.logPath, { flags: 'a' });
  const nodeArgs = [
    ...(o.nodeFlags ?? []),
    ...(o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : []),
    ...(o.heapSnapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${o.heapSnapshotDir}`] : []),
  ];
  const c = spawn(process.execPath, [...nodeArgs, BIN, 'controller'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      KUBECONFIG: o.kubeconfig,
      TRUEUP_NAMESPACES: namespace,
      TRUEUP_CACHE_DIR: o.cacheDir,
      TRUEUP_METRICS_ADDRESS: `127.0.0.1:${port}`,
      TRUEUP_CONCURRENCY: '10',
      // Longer than any cold start here, so the passes counted are the cold start's own, not the
      // periodic resync (3 min by default) of the apps that were Ready early in a slow run.
      TRUEUP_REQUEUE_INTERVAL: '30m',
    },
  });
  c.stdout.pipe(log, { end: false });
  c.stderr.pipe(log, { end: false });
  const exited = new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
  if (c.pid === undefined) throw new Error('trueup controller did not start');
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const until = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(metricsUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (c.exitCode !== null || Date.now() > until)
      throw new Error(`trueup controller did not serve /metrics (log ${o.logPath})`);
    await sleep(100);
  }
  return {
    pid: c.pid,
    signal: (s) => c.kill(s),
    metricsUrl,
    exited,
    stop: async () => {
      if (c.exitCode === null) c.kill('SIGTERM');
      await exited;
      log.end();
    },
  };
}

/** Requests per verb and the reconciles, from the controller's /metrics. */
export async function scrape(url: string): Promise<{ requests: Record<string, number>; reconciles: number }> {
  const text = await (await fetch(url)).text();
  const requests: Record<string, number> = {};
  let reconciles = 0;
  for (const line of text.split('\n')) {
    const req = /^trueup_kube_requests_total\{([^}]*)\} (\S+)$/.exec(line);
    if (req) {
      const verb = /verb="([^"]*)"/.exec(req[1] ?? '')?.[1] ?? '?';
      const resource = /resource="([^"]*)"/.exec(req[1] ?? '')?.[1] ?? '?';
      const key = `${verb} ${resource}`;
      requests[key] = (requests[key] ?? 0) + Number(req[2]);
    }
    const rec = /^trueup_app_reconcile_duration_seconds_count(\{[^}]*\})? (\S+)$/.exec(line);
    if (rec) reconciles += Number(rec[2]);
  }
  return { requests, reconciles };
}

/**
 * RSS of the controller over an empty namespace, once it has started and settled (~5 s), and the
 * CPU it spent to get there (start-up: loading modules, connecting, the informers' first lists).
 */
export async function cliBaseline(
  o: CliRunOptions,
): Promise<{ rssMiB: number; peakMiB: number; cpuSeconds: number }> {
  const child = await startCli(o, `${o.appNs}-empty`);
  await sleep(5000);
  const rss = procRssMiB(child.pid);
  const cpuSeconds = procCpu(child.pid)?.self ?? 0;
  await child.stop();
  return { rssMiB: rss?.rss ?? 0, peakMiB: rss?.peak ?? 0, cpuSeconds };
}

export async function cliCold(o: CliRunOptions): Promise<Record<string, unknown>> {
  const ready = new Set<string>();
  const apps = new Informer({
    client: o.client,
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    namespace: o.appNs,
    clock: systemClock,
    random: Math.random,
    onEvent: (type, obj: KubeObject) => {
      const key = obj.metadata.name ?? '';
      if (type !== 'DELETED' && isAppReady(obj)) ready.add(key);
      else ready.delete(key);
    },
  });
  apps.start();
  await apps.whenSynced();
  const start = performance.now();
  const child = await startCli(o, o.appNs);
  o.ledger?.track('controller', child.pid);
  const cpuAtStart = procCpu(child.pid)?.self ?? 0;
  let peakRss = 0;
  /** Seconds from the start to the sample that saw peakRss, and how many apps were Ready then. */
  let sampledPeakAt = 0;
  let readyAtPeak = 0;
  const deadline = Date.now() + 30 * 60_000;
  while (ready.size < o.apps) {
    if (Date.now() > deadline) throw new Error(`only ${ready.size}/${o.apps} Ready after 30 min`);
    if (child.pid && procCpu(child.pid) === undefined)
      throw new Error(`trueup controller exited (log ${o.logPath})`);
    const rssNow = procRssMiB(child.pid)?.rss ?? 0;
    if (rssNow > peakRss) {
      peakRss = rssNow;
      sampledPeakAt = (performance.now() - start) / 1000;
      readyAtPeak = ready.size;
    }
    await sleep(100);
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = o.ledger?.spent();
  const cpuSeconds = (procCpu(child.pid)?.self ?? 0) - cpuAtStart;
  const rss = procRssMiB(child.pid);
  const { requests, reconciles } = await scrape(child.metricsUrl);
  if (o.heapSnapshotDir) await heapSnapshot(child, o.heapSnapshotDir);
  await child.stop();
  await apps.stop();
  return {
    mode: 'cold',
    controller: 'bin/trueup controller (compiled)',
    apps: o.apps,
    seconds,
    reconciles,
    requests,
    cpuSeconds,
    peakRssMiB: Math.max(peakRss, rss?.peak ?? 0),
    // The kernel's high-water mark (VmHWM) may exceed the 100 ms samples: both are given.
    sampledPeakRssMiB: peakRss,
    sampledPeakAt,
    readyAtPeak,
    rssAtEndMiB: rss?.rss,
    ...(o.nodeFlags?.length ? { nodeFlags: o.nodeFlags } : {}),
    ...(cpu ? { cpuByProcess: cpu } : {}),
  };
}

/** Signals the child to write a heap snapshot and waits until the file is complete. */
async function heapSnapshot(child: Child, dir: string): Promise<void> {
  const done = async () => (await readdir(dir)).some((f) => f.endsWith('.heapsnapshot'));
  child.signal('SIGUSR2');
  const until = Date.now() + 120_000;
  while (!(await done()) && Date.now() < until) await sleep(500);
  // The file appears when writing starts: it is complete once its size stops changing.
  let size = -1;
  while (Date.now() < until) {
    const f = (await readdir(dir)).find((n) => n.endsWith('.heapsnapshot'));
    const now = f ? (await stat(join(dir, f))).size : 0;
    if (now === size && now > 0) return;
    size = now;
    await sleep(1000);
  }
}
