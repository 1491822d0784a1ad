/**
 * Simulated workloads for the local control plane: kube-scheduler binds pods to fake nodes
 * that kwok keeps alive, and kwok's stages (kwok-stages.yaml) play the kubelet: pods become
 * Running and Ready after a delay, Job pods succeed, pods annotated `sim.trueup.dev/fail:
 * "true"` fail, deleted pods go away after a short grace period. With kube-controller-manager
 * this makes Deployments, ReplicaSets, StatefulSets, DaemonSets and Jobs behave as in a cluster.
 * kwok also plays the kubelet's resource metrics endpoint (kwok-metrics.yaml) over TLS on
 * 127.0.0.1, the address and port each node reports, for metrics-server (metrics-pipeline.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { httpsStatus } from './http.js';
import type { Pem } from './pki.js';
import { freePort, type ManagedProcess, startProcess, waitUntil } from './processes.js';

export interface WorkloadOptions {
  /** How many fake nodes to create (default 3). */
  nodes?: number;
  /** Delay before a scheduled pod is Running and Ready (default 1000 ms; per pod: annotation `sim.trueup.dev/ready-delay: 3s`). */
  podReadyDelayMs?: number;
  /** How long a Job pod runs before it succeeds or a failing pod fails (default 1000 ms; per pod: `sim.trueup.dev/run-time`). */
  jobRunMs?: number;
  /** Simulated graceful termination of a deleted pod (default 500 ms). */
  deleteDelayMs?: number;
  /**
   * The resource metrics pipeline: metrics-server reading kwok's emulated usage, served as
   * metrics.k8s.io, so HPAs scale and `kubectl top` works (default true; see metrics-pipeline.ts).
   */
  metrics?: boolean;
}

/** Label every simulated node carries; kwok manages exactly the nodes that have it. */
export const SIMULATED_NODE_LABEL = 'sim.trueup.dev/node';

/** Where kwok serves a node's kubelet-style /metrics/resource (the Metric in kwok-metrics.yaml). */
export const resourceMetricsPath = (node: string) => `/metrics/nodes/${node}/metrics/resource`;

type ApiCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

export interface StartWorkloadsInput {
  binDir: string;
  dir: string;
  schedulerKubeconfigPath: string;
  adminKubeconfigPath: string;
  caCert: string;
  /** kwok's serving certificate (for 127.0.0.1): metrics-server verifies it as a kubelet's. */
  kubeletServing: Pem;
  api: ApiCall;
  options: WorkloadOptions;
}

function nodeManifest(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        [SIMULATED_NODE_LABEL]: 'kwok',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': `sim-zone-${name.slice(-1)}`,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        // metrics-server (>= 0.7) scrapes this path instead of the kubelet's /metrics/resource.
        'metrics.k8s.io/resource-metrics-path': resourceMetricsPath(name),
      },
    },
    spec: {},
  };
}

async function startScheduler(input: StartWorkloadsInput): Promise<ManagedProcess> {
  const port = await freePort();
  const proc = startProcess(
    'kube-scheduler',
    join(input.binDir, 'kube-scheduler'),
    [
      `--kubeconfig=${input.schedulerKubeconfigPath}`,
      `--authentication-kubeconfig=${input.schedulerKubeconfigPath}`,
      `--authorization-kubeconfig=${input.schedulerKubeconfigPath}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(input.dir, 'scheduler-certs')}`,
      '--leader-elect=false',
      '--v=1',
    ],
    input.dir,
  );
  await waitUntil(
    'kube-scheduler /healthz',
    async () => (await httpsStatus(`https://127.0.0.1:${port}/healthz`, input.caCert)) === 200,
    proc,
    60_000,
  );
  return proc;
}

async function writeStages(dir: string, options: WorkloadOptions): Promise<string> {
  const template = await readFile(join(import.meta.dirname, 'kwok-stages.yaml'), 'utf8');
  const ms = (v: number | undefined, fallback: number) => String(Math.max(0, Math.round(v ?? fallback)));
  const text = template
    .replaceAll('__READY_DELAY_MS__', ms(options.podReadyDelayMs, 1000))
    .replaceAll('__JOB_DELAY_MS__', ms(options.jobRunMs, 1000))
    .replaceAll('__DELETE_DELAY_MS__', ms(options.deleteDelayMs, 500));
  const path = join(dir, 'kwok-stages.yaml');
  await writeFile(path, text);
  return path;
}

function isReady(node: unknown): boolean {
  const conditions = (node as { status?: { conditions?: { type: string; status: string }[] } }).status
    ?.conditions;
  return conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export interface Workloads {
  processes: ManagedProcess[];
  nodes: string[];
  /** kwok's HTTPS server on 127.0.0.1: every node's kubelet port. */
  kubeletPort: number;
}

export async function startWorkloads(input: StartWorkloadsInput): Promise<Workloads> {
  const processes: ManagedProcess[] = [await startScheduler(input)];
  const kubeletPort = await freePort();
  const kwok = startProcess(
    'kwok',
    join(input.binDir, 'kwok'),
    [
      `--kubeconfig=${input.adminKubeconfigPath}`,
      `--config=${await writeStages(input.dir, input.options)}`,
      `--config=${join(import.meta.dirname, 'kwok-metrics.yaml')}`,
      `--manage-nodes-with-label-selector=${SIMULATED_NODE_LABEL}=kwok`,
      '--cidr=10.244.0.1/16',
      '--node-lease-duration-seconds=40',
      // Nodes report 127.0.0.1 and this port (kwok-stages.yaml), where kwok itself listens.
      '--node-ip=127.0.0.1',
      `--node-port=${kubeletPort}`,
      `--server-address=127.0.0.1:${kubeletPort}`,
      `--tls-cert-file=${input.kubeletServing.certPath}`,
      `--tls-private-key-file=${input.kubeletServing.keyPath}`,
      '-v=WARN',
    ],
    input.dir,
  );
  processes.push(kwok);
  const nodes = Array.from({ length: input.options.nodes ?? 3 }, (_, i) => `sim-node-${i + 1}`);
  for (const name of nodes) {
    const res = await input.api('POST', '/api/v1/nodes', nodeManifest(name));
    if (res.status !== 201)
      throw new Error(`creating Node ${name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }
  await waitUntil(
    `${nodes.length} simulated nodes Ready`,
    async () => {
      const res = await input.api(
        'GET',
        `/api/v1/nodes?labelSelector=${encodeURIComponent(SIMULATED_NODE_LABEL)}`,
      );
      const items = (res.body as { items?: unknown[] }).items ?? [];
      return items.filter(isReady).length === nodes.length;
    },
    kwok,
    60_000,
  );
  return { processes, nodes, kubeletPort };
}
