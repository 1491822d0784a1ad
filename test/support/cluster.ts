/**
 * Integration tests get the control plane from here: the shared one that scripts/test.ts
 * started (TRUEUP_TEST_KUBECONFIG), or, when a file is run on its own, one of their own that
 * is stopped when the file's tests end.
 */
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import {
  type AttachedControlPlane,
  attachControlPlane,
  type Identity,
  startControlPlane,
} from '../control-plane/control-plane.js';

export interface TestCluster {
  kubeconfigPath: string;
  kubeConfig: k8s.KubeConfig;
  server: string;
  /** Directory of the control plane (certificates, logs). */
  dir: string;
  /** A client identity with no permissions beyond what RBAC grants it. */
  mintUser(user: string, groups?: readonly string[]): Promise<Identity>;
}

let pending: Promise<TestCluster> | undefined;

/** The environment variable through which scripts/test.ts hands its control plane to test files. */
export const SHARED_CONTROL_PLANE_ENV = 'TRUEUP_TEST_CONTROL_PLANE_DIR';

export function testCluster(): Promise<TestCluster> {
  pending ??= (async () => {
    const shared = process.env[SHARED_CONTROL_PLANE_ENV];
    let cp: AttachedControlPlane;
    if (shared) {
      cp = await attachControlPlane(shared);
    } else {
      // Not stopped by an after() hook: one registered from inside a test would end the control
      // plane with that test. Its processes and directory go when this test process exits.
      cp = await startControlPlane({ workloads: true });
    }
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(cp.kubeconfigPath);
    return {
      kubeconfigPath: cp.kubeconfigPath,
      kubeConfig,
      server: cp.server,
      dir: cp.dir,
      mintUser: (user, groups) => cp.mintUser(user, groups),
    };
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
