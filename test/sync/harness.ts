/** Shared set-up for the sync engine's integration tests: a client, an app, objects. */
import { after } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { type ClosableClusterClient, createClusterClient } from '../../src/kube/index.js';
import {
  MemoryInventory,
  type SyncRequest,
  type SyncResult,
  sync,
  VerdictCache,
} from '../../src/sync/index.js';
import { testCluster, testNamespace } from '../support/cluster.js';
import { kubectl } from '../support/kubectl.js';

export interface Harness {
  ns: string;
  client: ClosableClusterClient;
  inventory: MemoryInventory;
  cache: VerdictCache;
  kubeconfigPath: string;
  run(objects: readonly KubeObject[], extra?: Partial<SyncRequest>): Promise<SyncResult>;
  kubectl(...args: string[]): Promise<string>;
}

export async function harness(prefix: string): Promise<Harness> {
  const cluster = await testCluster();
  const ns = await testNamespace(prefix);
  const client = await createClusterClient(cluster.kubeConfig);
  after(() => client.close());
  const inventory = new MemoryInventory();
  const cache = new VerdictCache();
  return {
    ns,
    client,
    inventory,
    cache,
    kubeconfigPath: cluster.kubeconfigPath,
    run: (objects, extra = {}) =>
      sync(
        { app: { namespace: ns, name: 'app' }, destinationNamespace: ns, objects, prune: true, ...extra },
        { client, inventory, cache, pollMs: 200, healthTimeoutMs: 60_000 },
      ),
    kubectl: async (...args) => (await kubectl(cluster.kubeconfigPath, args)).stdout,
  };
}

export function configMap(
  name: string,
  data: Record<string, string>,
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    data,
  };
}

export function deployment(
  name: string,
  opts: {
    replicas?: number;
    image?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): KubeObject {
  const labels = opts.labels ?? { app: name };
  const spec: Record<string, unknown> = {
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: { containers: [{ name: 'main', image: opts.image ?? 'registry.example/app:1' }] },
    },
  };
  if (opts.replicas !== undefined) spec.replicas = opts.replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: spec as KubeObject['spec'],
  };
}

/** `action` of each resource by `Kind/name`, for compact assertions. */
export function actions(result: SyncResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of result.resources)
    out[`${r.hook ? `${r.hook}:` : ''}${r.ref.kind}/${r.ref.name}`] = r.action;
  return out;
}

export { eventually } from '../support/wait.js';
