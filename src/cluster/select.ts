/**
 * Which cluster an Application's `spec.destination` names: the controller's own (`server`
 * https://kubernetes.default.svc, `name` in-cluster, or neither) or one cluster Secret, matched
 * by `server` or by `name`. Pure: the parsed Secrets in, the cluster or a refusal out.
 */
import { IN_CLUSTER_SERVER } from '../api/destination.js';
import { type ClusterEntry, IN_CLUSTER_NAME, normalizeServer, type ParsedClusterSecret } from './secret.js';

export const ClusterRefusal = {
  /** No cluster Secret names the destination. */
  NotFound: 'ClusterNotFound',
  /** The destination's server and name disagree, or name several clusters. */
  InvalidDestination: 'InvalidDestination',
  /** The Secret naming the destination does not parse. */
  SecretInvalid: 'ClusterSecretInvalid',
} as const;
export type ClusterRefusal = (typeof ClusterRefusal)[keyof typeof ClusterRefusal];

export type SelectedCluster =
  | { kind: 'local'; server: string; name: string }
  | { kind: 'remote'; server: string; name: string; entry: ClusterEntry }
  | { kind: 'refused'; reason: ClusterRefusal; message: string };

export interface DestinationRef {
  server?: string | undefined;
  name?: string | undefined;
}

const LOCAL = { kind: 'local', server: IN_CLUSTER_SERVER, name: IN_CLUSTER_NAME } as const;

/** The cluster of `destination` among `secrets` (all parsed cluster Secrets of `namespace`). */
export function selectCluster(
  destination: DestinationRef,
  secrets: readonly ParsedClusterSecret[],
  namespace: string,
): SelectedCluster {
  const server = destination.server ? normalizeServer(destination.server) : '';
  const name = destination.name ?? '';
  const byServer = server ? pick(secrets, (s) => s.server === server) : undefined;
  const byName = name ? pick(secrets, (s) => s.name === name) : undefined;
  const serverLocal = server === IN_CLUSTER_SERVER;
  const nameLocal = name === IN_CLUSTER_NAME;
  if (!server && !name) return LOCAL;
  // Both set (a CRD default once filled server in): accepted when they name the same cluster.
  if (server && name) {
    const same =
      (serverLocal && nameLocal) ||
      (byServer?.length === 1 && byName?.length === 1 && byServer[0] === byName[0]);
    if (!same)
      return {
        kind: 'refused',
        reason: ClusterRefusal.InvalidDestination,
        message: `spec.destination: server ${server} and name ${name} do not name the same cluster: set one of them`,
      };
  }
  if (serverLocal || nameLocal) return LOCAL;
  const found = (server ? byServer : byName) ?? [];
  const what = server ? `server ${server}` : `name ${name}`;
  if (found.length === 0)
    return {
      kind: 'refused',
      reason: ClusterRefusal.NotFound,
      message: `spec.destination: cluster ${what} is not registered: no cluster Secret in namespace ${namespace} has ${what}`,
    };
  if (found.length > 1)
    return {
      kind: 'refused',
      reason: ClusterRefusal.InvalidDestination,
      message: `spec.destination: cluster ${what} is named by several cluster Secrets (${found
        .map((s) => (s.ok ? s.entry.secret : s.secret))
        .join(', ')}): keep one`,
    };
  const only = found[0] as ParsedClusterSecret;
  if (!only.ok) return { kind: 'refused', reason: ClusterRefusal.SecretInvalid, message: only.message };
  return { kind: 'remote', server: only.entry.server, name: only.entry.name, entry: only.entry };
}

function pick(
  secrets: readonly ParsedClusterSecret[],
  test: (s: { name?: string | undefined; server?: string | undefined }) => boolean,
): ParsedClusterSecret[] {
  return secrets.filter((s) => test(s.ok ? s.entry : s));
}
