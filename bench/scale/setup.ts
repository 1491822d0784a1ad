/**
 * What the scale benches share: a fresh control plane with the CRDs and a local Git repository of
 * one app (3 ConfigMaps, a kustomization), and N Applications over it, all in one namespace, each
 * with its own namePrefix, all syncing into one destination namespace.
 */
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../src/api/object.js';
import { installCrds } from '../../src/controller/install-crd.js';
import { createClusterClient } from '../../src/kube/index.js';
import type { ClusterClient } from '../../src/kube/types.js';
import { type ControlPlane, startControlPlane } from '../../test/control-plane/control-plane.js';
import { GitHttpServer } from '../../test/support/git-server.js';
import { serviceAccountKubeconfig } from './identity.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

export const APP_NAMESPACE = 'bench-apps';
export const DEST_NAMESPACE = 'bench-dest';

const cm = (name: string, data: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

export const appName = (i: number) => `a${String(i).padStart(5, '0')}`;

export function appObject(name: string, ns: string, repoURL: string, dest: string): KubeObject {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: ns },
    spec: {
      source: { repoURL, targetRevision: 'main', path: 'app', kustomize: { namePrefix: `${name}-` } },
      destination: { namespace: dest },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    } as never,
  };
}

export async function applyNamespace(client: ClusterClient, name: string): Promise<void> {
  await client.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    { fieldManager: 'bench', force: true },
  );
}

export async function createApps(
  client: ClusterClient,
  appNs: string,
  dest: string,
  repoURL: string,
  n: number,
) {
  await applyNamespace(client, appNs);
  await applyNamespace(client, dest);
  for (let i = 0; i < n; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, (_, j) =>
        client.create(appObject(appName(i + j), appNs, repoURL, dest), { fieldManager: 'bench' }),
      ),
    );
  }
}

/**
 * A fresh control plane and Git server for one group of scenarios. `identity`: the kubeconfig
 * handed to `fn` is a ServiceAccount's token (`token`, what the controller has in a cluster) or
 * the admin's client certificate (`cert`).
 */
export async function withCluster<T>(
  identity: string,
  fn: (kubeconfig: string, repoURL: string, client: ClusterClient, cp: ControlPlane) => Promise<T>,
) {
  const cp = await startControlPlane({ log });
  const git = await GitHttpServer.start();
  try {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    const client = await createClusterClient(kc, { maxSockets: 32 });
    await installCrds(client);
    const repo = await git.createRepo('bench');
    await repo.commit({
      'app/kustomization.yaml': JSON.stringify({ resources: ['a.yaml', 'b.yaml', 'c.yaml'] }),
      'app/a.yaml': cm('config-0', { value: 'v0' }),
      'app/b.yaml': cm('config-1', { value: 'v1' }),
      'app/c.yaml': cm('config-2', { value: 'v2' }),
    });
    try {
      const kubeconfig = identity === 'cert' ? cp.kubeconfigPath : await serviceAccountKubeconfig(cp);
      return await fn(kubeconfig, git.url('bench'), client, cp);
    } finally {
      client.close();
    }
  } finally {
    await git.close();
    await cp.stop();
  }
}
