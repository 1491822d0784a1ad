/**
 * The controller under test, in its own process (so its CPU and memory are its own): the real
 * source, renderer, sync engine and health, watching one Application namespace. Prints a
 * `STATS {json}` line every second on stdout: CPU (user+system µs), RSS and heap, API requests
 * by verb, reconciles, Ready apps, the revisions the apps are synced to, cache sizes, and per
 * queue lane the keys waiting and the waits (s) of the keys started since the last line. On
 * SIGUSR2 (run with --expose-gc) it collects garbage and prints `HEAP {json}`: the heap's
 * retained size, which heapUsed between collections is not.
 * Usage (from the benches): controller-child.ts KUBECONFIG APP_NAMESPACE CONCURRENCY REQUEUE_MS
 */
import { mkdtemp } from 'node:fs/promises';
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
import { isAppReady } from '../support/ready.js';

const [kubeconfig, appNs, concurrency, requeueMs] = process.argv.slice(2) as [string, string, string, string];
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const client = await createClusterClient(kc, { maxSockets: 32 });
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
    reconciles,
    apps: apps.length,
    ready,
    revisions,
    caches: { ...controller.cacheSizes(), git: git.cacheSize() },
    lanes,
  };
}

setInterval(() => process.stdout.write(`STATS ${JSON.stringify(stats())}\n`), 1000);
const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  // Twice: a first collection may leave what only a second one frees (weak refs, finalizers).
  gc?.();
  gc?.();
  const mem = process.memoryUsage();
  const heap = {
    t: performance.now() - started,
    collected: gc !== undefined,
    heapUsed: mem.heapUsed,
    rss: mem.rss,
  };
  process.stdout.write(`HEAP ${JSON.stringify(heap)}\n`);
});
process.on('SIGTERM', () => {
  void controller.stop().finally(() => process.exit(0));
});
