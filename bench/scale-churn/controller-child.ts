/**
 * The controller under test, in its own process (so its CPU and memory are its own): the real
 * source, renderer, sync engine and health, watching one Application namespace. Prints a
 * `STATS {json}` line every second on stdout: CPU (user+system µs), RSS and heap, API requests
 * by verb, watch events received (all kinds), reconciles, Ready apps, the revisions the apps are synced to, cache sizes, and per
 * queue lane the keys waiting and the waits (s) of the keys started since the last line. On
 * SIGUSR2 (run with --expose-gc) it collects garbage and prints `HEAP {json}`: the heap's
 * retained size, which heapUsed between collections is not; the garbage collections so far
 * (count and pause ms, young and full).
 * Usage (from the benches): controller-child.ts KUBECONFIG APP_NAMESPACE CONCURRENCY REQUEUE_MS
 * With BENCH_CPU_PROFILE=FILE, SIGUSR2 starts the V8 CPU profiler and the next SIGUSR2 writes the
 * profile to FILE (open it in Chrome DevTools or speedscope): a window of the run, not its start.
 * With BENCH_WATCH_COALESCE_MS=N, the client's watch coalescing window (src/kube/watch-lines.ts;
 * 0: each chunk as it arrives); unset, the client's default.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../src/api/object.js';
import { TreeRenderPort } from '../../src/controller/adapters/render.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { Controller, type ControllerMetrics } from '../../src/controller/controller.js';
import { createClusterClient } from '../../src/kube/index.js';
import type { Lane } from '../../src/runtime/queue.js';
import { GitSource } from '../../src/source/index.js';
import { countGarbageCollections } from '../support/gc-counter.js';
import { isAppReady } from '../support/ready.js';

const [kubeconfig, appNs, concurrency, requeueMs] = process.argv.slice(2) as [string, string, string, string];
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const coalesce = process.env.BENCH_WATCH_COALESCE_MS;
const base = await createClusterClient(kc, {
  maxSockets: 32,
  ...(coalesce === undefined ? {} : { watchRead: { coalesceMs: Number(coalesce) } }),
});
/** Watch events handed to the controller (every kind): the churn bench's CPU per event. */
let watchEvents = 0;
const client: typeof base = {
  ...base,
  watch: (apiVersion, kind, opts, onEvent, signal) =>
    base.watch(
      apiVersion,
      kind,
      opts,
      (type, object) => {
        watchEvents++;
        onEvent(type, object);
      },
      signal,
    ),
};
let reconciles = 0;
let waits: Record<Lane, number[]> = { urgent: [], periodic: [] };
const metrics: ControllerMetrics = {
  setApp() {},
  deleteApp() {},
  recordSync() {},
  observeReconcile: () => {
    reconciles++;
  },
  recordDriftCorrection() {},
  queue: {
    setDepth() {},
    added() {},
    retried() {},
    observeWait: (_queue, seconds, lane) => {
      waits[lane].push(Math.round(seconds * 1000) / 1000);
    },
    observeWork() {},
  },
};
const git = new GitSource({ cacheDir: await mkdtemp(join(tmpdir(), 'bench-churn-git-')) });
const controller = new Controller({
  client,
  config: { concurrency: Number(concurrency), requeueInterval: Number(requeueMs), namespaces: [appNs] },
  source: new GitSourcePort(git),
  render: new TreeRenderPort(),
  metrics,
});
const started = performance.now();
await controller.start();

const gc = countGarbageCollections();

function stats() {
  const apps = controller.apps() as unknown as KubeObject[];
  const revisions: Record<string, number> = {};
  let ready = 0;
  for (const a of apps) {
    if (isAppReady(a)) ready++;
    const rev = (a.status as { sync?: { revision?: string } } | undefined)?.sync?.revision ?? '';
    revisions[rev.slice(0, 12)] = (revisions[rev.slice(0, 12)] ?? 0) + 1;
  }
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const lanes = {
    urgent: { waiting: controller.queue.laneDepth('urgent'), waits: waits.urgent },
    periodic: { waiting: controller.queue.laneDepth('periodic'), waits: waits.periodic },
  };
  waits = { urgent: [], periodic: [] };
  return {
    t: performance.now() - started,
    cpuUs: cpu.user + cpu.system,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    requests: client.counter.snapshot(),
    watchEvents,
    reconciles,
    apps: apps.length,
    ready,
    revisions,
    caches: { ...controller.cacheSizes(), git: git.cacheSize() },
    lanes,
    gc: { ...gc, youngMs: Math.round(gc.youngMs), fullMs: Math.round(gc.fullMs) },
  };
}

const profileFile = process.env.BENCH_CPU_PROFILE;
if (profileFile) {
  const session = new Session();
  session.connect();
  let profiling = false;
  process.on('SIGUSR2', () => {
    void (async () => {
      if (!profiling) {
        profiling = true;
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        return;
      }
      profiling = false;
      const { profile } = await session.post('Profiler.stop');
      await writeFile(profileFile, JSON.stringify(profile));
      process.stderr.write(`[controller] CPU profile written to ${profileFile}\n`);
    })();
  });
}

setInterval(() => process.stdout.write(`STATS ${JSON.stringify(stats())}\n`), 1000);
const forceGc = (globalThis as { gc?: () => void }).gc;
// SIGUSR2 is the profiler's switch when a profile was asked for (churn-status.ts), else a heap sample (soak.ts).
if (!profileFile)
  process.on('SIGUSR2', () => {
    // Twice: a first collection may leave what only a second one frees (weak refs, finalizers).
    forceGc?.();
    forceGc?.();
    const mem = process.memoryUsage();
    const heap = {
      t: performance.now() - started,
      collected: forceGc !== undefined,
      heapUsed: mem.heapUsed,
      rss: mem.rss,
    };
    process.stdout.write(`HEAP ${JSON.stringify(heap)}\n`);
  });
process.on('SIGTERM', () => {
  void controller.stop().finally(() => process.exit(0));
});
