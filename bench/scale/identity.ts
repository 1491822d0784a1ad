/**
 * The controller's identity in the scale bench: a ServiceAccount token, as `trueup controller`
 * has in a cluster (the mounted token), not the admin's client certificate. It matters to the
 * API server's CPU: a client certificate is verified on every request (ECDSA chain checks against
 * the client CA and the front-proxy CA: ~10 % of kube-apiserver's CPU in a 2,000-app cold start),
 * a ServiceAccount token is verified once and then served from the authenticator's token cache.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ControlPlane } from '../../test/control-plane/control-plane.js';

const run = promisify(execFile);

/** A kubeconfig for ServiceAccount trueup-system/trueup-controller bound to cluster-admin. */
export async function serviceAccountKubeconfig(cp: ControlPlane): Promise<string> {
  const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', cp.kubeconfigPath, ...args]);
  const ns = 'trueup-system';
  const sa = 'trueup-controller';
  await kubectl('create', 'namespace', ns).catch(() => undefined); // may exist already
  await kubectl('create', 'serviceaccount', '-n', ns, sa);
  await kubectl(
    'create',
    'clusterrolebinding',
    'bench-trueup-controller',
    '--clusterrole=cluster-admin',
    `--serviceaccount=${ns}:${sa}`,
  );
  const token = (await kubectl('create', 'token', '-n', ns, sa, '--duration', '4h')).stdout.trim();
  const cluster = cp.kubeconfig.clusters[0];
  if (!cluster) throw new Error(`${cp.kubeconfigPath}: no cluster`);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [cluster],
    users: [{ name: sa, user: { token } }],
    contexts: [{ name: sa, context: { cluster: cluster.name, user: sa } }],
    'current-context': sa,
  };
  const path = join(cp.dir, 'trueup-controller.kubeconfig');
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return path;
}

/** The server, CA and token of a kubeconfig this module wrote, for a client that sends its own requests. */
export async function tokenTargetOf(
  kubeconfigPath: string,
): Promise<{ server: string; ca: string; token: string }> {
  const kc = JSON.parse(await readFile(kubeconfigPath, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token?: string } }[];
  };
  const cluster = kc.clusters[0]?.cluster;
  const token = kc.users[0]?.user.token;
  if (!cluster || !token) throw new Error(`${kubeconfigPath}: no cluster or no token`);
  return {
    server: cluster.server,
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString(),
    token,
  };
}
