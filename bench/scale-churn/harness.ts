/**
 * Shared parts of the churn, large-app, repositories and soak benches: the local control plane
 * and Git server, Applications created before the controller starts, the controller in a child
 * process (controller-child.ts) whose per-second STATS lines are collected (the status churner:
 * status-churner.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../src/api/object.js';
import { installCrds } from '../../src/controller/install-crd.js';
import { createClusterClient } from '../../src/kube/index.js';
import type { ClusterClient } from '../../src/kube/types.js';
import { mapLimit } from '../../src/sync/limit.js';
import { type ControlPlane, startControlPlane } from '../../test/control-plane/control-plane.js';
import { GitHttpServer } from '../../test/support/git-server.js';
import { installWidgetCrd } from '../../test/support/widget-crd.js';

export const log = (line: string) =>
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
export const MiB = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;

export interface Env {
  cp: ControlPlane;
  git: GitHttpServer;
  client: ClusterClient;
  stop(): Promise<void>;
}

export async function startEnv(): Promise<Env> {
  log('[bench] starting the control plane and the Git server');
  const cp = await startControlPlane({ log: () => {} });
  const git = await GitHttpServer.start();
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const client = await createClusterClient(kc, { maxSockets: 64 });
  await installCrds(client);
  await installWidgetCrd(client);
  const stop = async () => {
    client.close();
    await git.close();
    await cp.stop();
  };
  // An interrupted bench leaves no control plane behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stop().finally(() => process.exit(130)));
  return { cp, git, client, stop };
}

export async function namespace(client: ClusterClient, name: string): Promise<string> {
  await client.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    { fieldManager: 'bench', force: true },
  );
  return name;
}

export function appObject(
  name: string,
  ns: string,
  repoURL: string,
  path: string,
  dest: string,
  prefix?: string,
): KubeObject {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: ns },
    spec: {
      source: {
        repoURL,
        targetRevision: 'main',
        path,
        ...(prefix ? { kustomize: { namePrefix: prefix } } : {}),
      },
      destination: { namespace: dest },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    } as never,
  };
}

export async function createAll(client: ClusterClient, objects: readonly KubeObject[]): Promise<void> {
  await mapLimit(objects, 32, (o) => client.create(o, { fieldManager: 'bench' }).then(() => undefined));
}

export interface Stats {
  t: number;
  cpuUs: number;
  rss: number;
  heapUsed: number;
  requests: Record<string, number>;
  /** Watch events the controller received so far (all kinds). */
  watchEvents?: number;
  reconciles: number;
  apps: number;
  ready: number;
  revisions: Record<string, number>;
  caches: { render: number; verdictApps?: number; verdicts?: number; git: { repos: number; trees: number } };
  /** Per queue lane: keys waiting, and the waits (s) of the keys started since the last line. */
  lanes?: Record<'urgent' | 'periodic', { waiting: number; waits: number[] }>;
  /** Garbage collections so far: count and pause milliseconds, young generation and full. */
  gc?: { young: number; youngMs: number; full: number; fullMs: number };
}

/** The controller's heap after a forced collection (its retained size). */
export interface HeapSample {
  t: number;
  /** False when the child could not collect (not run with --expose-gc): then heapUsed is not retained. */
  collected: boolean;
  heapUsed: number;
  rss: number;
}

export class ControllerProcess {
  readonly history: Stats[] = [];
  readonly heaps: HeapSample[] = [];
  private constructor(readonly child: ChildProcess) {}

  /** `profileFile`: where SIGUSR2 … SIGUSR2 writes the child's CPU profile (controller-child.ts). */
  static start(
    kubeconfig: string,
    appNs: string,
    concurrency = 10,
    requeueMs = 180_000,
    profileFile?: string,
  ): ControllerProcess {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        join(import.meta.dirname, 'controller-child.ts'),
        kubeconfig,
        appNs,
        String(concurrency),
        String(requeueMs),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        ...(profileFile ? { env: { ...process.env, BENCH_CPU_PROFILE: profileFile } } : {}),
      },
    );
    const p = new ControllerProcess(child);
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let i = buf.indexOf('\n');
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith('STATS ')) p.history.push(JSON.parse(line.slice(6)) as Stats);
        if (line.startsWith('HEAP ')) p.heaps.push(JSON.parse(line.slice(5)) as HeapSample);
        i = buf.indexOf('\n');
      }
    });
    return p;
  }

  get last(): Stats | undefined {
    return this.history.at(-1);
  }

  /** Waits for the next STATS line and returns it. */
  async next(): Promise<Stats> {
    const n = this.history.length;
    while (this.history.length === n) await sleep(50);
    return this.history.at(-1) as Stats;
  }

  /** Forces a full collection in the controller and returns its heap then (the retained size). */
  async retainedHeap(timeoutMs = 60_000): Promise<HeapSample> {
    const n = this.heaps.length;
    this.child.kill('SIGUSR2');
    const deadline = Date.now() + timeoutMs;
    while (this.heaps.length === n) {
      if (Date.now() > deadline) throw new Error('the controller did not report its heap after a forced GC');
      await sleep(50);
    }
    return this.heaps.at(-1) as HeapSample;
  }

  async until(what: string, ok: (s: Stats) => boolean, timeoutMs: number): Promise<Stats> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.next();
      if (ok(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** Request counts between two snapshots (only the verbs that moved). */
export function delta(a: Stats, b: Stats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(b.requests)) {
    const d = v - (a.requests[k] ?? 0);
    if (d) out[k] = d;
  }
  return out;
}

/**
 * The controller's CPU µs per watch event between two snapshots (all its CPU, idle work included,
 * over the events it received); undefined without events.
 */
export function usPerWatchEvent(a: Stats, b: Stats): number | undefined {
  const events = (b.watchEvents ?? 0) - (a.watchEvents ?? 0);
  return events > 0 ? Math.round(((b.cpuUs - a.cpuUs) / events) * 10) / 10 : undefined;
}

/** CPU seconds per wall-clock minute between two snapshots. */
export const cpuPerMinute = (a: Stats, b: Stats) => ((b.cpuUs - a.cpuUs) / 1e6) * (60_000 / (b.t - a.t));
