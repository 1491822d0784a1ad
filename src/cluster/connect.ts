/**
 * A ClusterClient for a cluster Secret's entry: a KubeConfig built in memory from its server and
 * credentials (nothing written to disk), over the same transport as the controller's own client,
 * with a shorter request timeout so a cluster that hangs holds a worker for that long only.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { type ClosableClusterClient, clusterClientOver } from '../kube/client.js';
import { createTransport, type Transport } from '../kube/transport.js';
import type { ClusterEntry } from './secret.js';

/** How long one request to a remote cluster may stay silent. */
export const REMOTE_REQUEST_TIMEOUT_MS = 15_000;

export function kubeConfigOf(entry: ClusterEntry): KubeConfig {
  const c = entry.credentials;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: entry.name,
        server: entry.server,
        skipTLSVerify: c.insecure,
        ...(c.caData ? { caData: c.caData } : {}),
        ...(c.serverName ? { tlsServerName: c.serverName } : {}),
      },
    ],
    users: [
      {
        name: entry.name,
        ...(c.bearerToken ? { token: c.bearerToken } : {}),
        ...(c.certData ? { certData: c.certData } : {}),
        ...(c.keyData ? { keyData: c.keyData } : {}),
        ...(c.username ? { username: c.username } : {}),
        ...(c.password ? { password: c.password } : {}),
      },
    ],
    contexts: [{ name: entry.name, cluster: entry.name, user: entry.name }],
    currentContext: entry.name,
  });
  return kc;
}

/** Connects to a remote cluster; `wrap` instruments the transport (request metrics). */
export async function connectCluster(
  entry: ClusterEntry,
  wrap: (t: Transport) => Transport = (t) => t,
): Promise<ClosableClusterClient> {
  return clusterClientOver(wrap(await createTransport(kubeConfigOf(entry), 16, REMOTE_REQUEST_TIMEOUT_MS)));
}
