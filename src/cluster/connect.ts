/**
 * A ClusterClient for a cluster Secret's entry: a connection built in memory from its server and
 * credentials (nothing written to disk), over the same transport as the controller's own client,
 * with a shorter request timeout so a cluster that hangs holds a worker for that long only.
 */

import { type ClosableClusterClient, clusterClientOver } from '../kube/client.js';
import type { HeaderValues, KubeConnection } from '../kube/connection.js';
import { createTransport, type Transport } from '../kube/transport.js';
import type { ClusterEntry } from './secret.js';

/** How long one request to a remote cluster may stay silent. */
export const REMOTE_REQUEST_TIMEOUT_MS = 15_000;

export function connectionOf(entry: ClusterEntry): KubeConnection {
  const c = entry.credentials;
  const headers: HeaderValues = {};
  if (c.bearerToken) headers.Authorization = `Bearer ${c.bearerToken}`;
  else if (c.username || c.password) {
    headers.Authorization = `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
  }
  const pem = (base64: string | undefined) => (base64 ? Buffer.from(base64, 'base64') : undefined);
  const ca = pem(c.caData);
  const cert = pem(c.certData);
  const key = pem(c.keyData);
  return {
    origin: `cluster ${entry.name}`,
    server: entry.server.replace(/\/+$/, ''),
    tls: {
      insecureSkipVerify: c.insecure,
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(c.serverName ? { serverName: c.serverName } : {}),
    },
    auth: { kind: 'static', headers },
    userName: entry.name,
  };
}

/** Connects to a remote cluster; `wrap` instruments the transport (request metrics). */
export async function connectCluster(
  entry: ClusterEntry,
  wrap: (t: Transport) => Transport = (t) => t,
): Promise<ClosableClusterClient> {
  return clusterClientOver(wrap(await createTransport(connectionOf(entry), 16, REMOTE_REQUEST_TIMEOUT_MS)));
}
