/**
 * Integration tests get the control plane from here: the shared one that scripts/test.ts
 * started (TRUEUP_TEST_KUBECONFIG), or, when a file is run on its own, one of their own that
 * is stopped when the file's tests end.
 */
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startControlPlane } from '../control-plane/control-plane.js';

export interface TestCluster {
  kubeconfigPath: string;
  kubeConfig: k8s.KubeConfig;
}

let pending: Promise<TestCluster> | undefined;

export function testCluster(): Promise<TestCluster> {
  pending ??= (async () => {
    let path = process.env.TRUEUP_TEST_KUBECONFIG;
    if (!path) {
      const cp = await startControlPlane();
      after(() => cp.stop());
      path = cp.kubeconfigPath;
    }
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(path);
    return { kubeconfigPath: path, kubeConfig };
  })();
  return pending;
}

/** A name no other test uses: `prefix-<8 hex>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Creates a namespace with a generated name; it is deleted (without waiting) after the file's tests. */
export async function testNamespace(prefix: string): Promise<string> {
  const { kubeConfig } = await testCluster();
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const name = uniqueName(prefix);
  await core.createNamespace({ body: { metadata: { name, labels: { 'trueup.dev/test': 'true' } } } });
  after(async () => {
    await core.deleteNamespace({ name }).catch(() => {});
  });
  return name;
}
