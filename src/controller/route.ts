/**
 * Which cluster runtime reconciles an Application: the controller's own for the in-cluster
 * destination, a remote cluster's (connected on first use) for a cluster Secret's, or none, and
 * then why (a hold: unknown cluster, a Secret that does not parse, a cluster that does not answer).
 */
import type { Application } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import { selectCluster } from '../cluster/select.js';
import { type ClusterHold, UNREACHABLE_RETRY_MS } from './cluster-hold.js';
import type { ClusterRuntime } from './cluster-runtime.js';
import type { RemoteCluster, RemoteClusters } from './remote-clusters.js';

export type Route =
  | { runtime: ClusterRuntime; server: string; remote?: RemoteCluster }
  | { hold: ClusterHold; server: string };

const NO_SECRETS = '(none: the controller reads no cluster Secrets)';

export async function routeApp(
  app: Application,
  local: ClusterRuntime,
  remotes: RemoteClusters | undefined,
): Promise<Route> {
  const key = `${app.metadata.namespace}/${app.metadata.name}`;
  const destination =
    (app.spec as { destination?: { server?: string; name?: string } } | undefined)?.destination ?? {};
  const selected = remotes ? remotes.select(destination) : selectCluster(destination, [], NO_SECRETS);
  if (selected.kind !== 'remote') await remotes?.release(key);
  if (selected.kind === 'local') return { runtime: local, server: selected.server };
  const server = destination.server ?? destination.name ?? '';
  if (selected.kind === 'refused')
    return {
      hold: { reason: selected.reason, message: selected.message, stalled: true },
      server,
    };
  if (!remotes) throw new Error('unreachable: a remote cluster without cluster Secrets');
  // The app leaves the local cluster's reconciler (its caches of the app).
  local.forget(key);
  let remote: RemoteCluster;
  try {
    remote = await remotes.acquire(key, selected.entry);
  } catch (err) {
    return {
      hold: {
        reason: 'ClusterUnreachable',
        message: errorMessage(err),
        stalled: false,
        retryAfterMs: UNREACHABLE_RETRY_MS,
      },
      server: selected.server,
    };
  }
  const down = await remote.reach.check();
  if (down)
    return {
      hold: {
        reason: 'ClusterUnreachable',
        message: down,
        stalled: false,
        retryAfterMs: UNREACHABLE_RETRY_MS,
      },
      server: selected.server,
    };
  return { runtime: remote.runtime, server: selected.server, remote };
}
