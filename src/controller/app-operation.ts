/**
 * Requests made of the controller by writing the Application (as Argo CD does): a sync or a
 * rollback is an `operation` the controller runs and removes; a refresh is the
 * `trueup.dev/refresh` annotation it removes after the pass. `trueup app sync|refresh|rollback`
 * and the UI's actions both go through here.
 */
import {
  Annotation,
  APP_API_VERSION,
  APP_KIND,
  type Application,
  type RefreshType,
} from '../api/application.js';
import type { Operation } from '../api/application-operation.js';
import { TrueupError } from '../api/errors.js';
import { primarySource } from '../api/primary-source.js';
import { isKubeApiError, KubeErrorCode } from '../kube/errors.js';
import type { ClusterClient } from '../kube/types.js';

export const appAddress = (namespace: string, name: string) => ({
  apiVersion: APP_API_VERSION,
  kind: APP_KIND,
  namespace,
  name,
});

export async function getApplication(
  client: ClusterClient,
  namespace: string,
  name: string,
): Promise<Application> {
  const app = await client.get(appAddress(namespace, name));
  if (!app) throw new TrueupError('AppNotFound', `Application ${namespace}/${name}: not found`);
  return app as unknown as Application;
}

/** Reads, changes and writes the Application back (PUT with its resourceVersion), retrying conflicts. */
export async function updateApplication(
  client: ClusterClient,
  namespace: string,
  name: string,
  change: (app: Application) => Application,
  fieldManager: string,
): Promise<Application> {
  for (let attempt = 0; ; attempt++) {
    const next = change(await getApplication(client, namespace, name));
    try {
      return (await client.replace(next as unknown as Parameters<ClusterClient['replace']>[0], {
        fieldManager,
      })) as unknown as Application;
    } catch (err) {
      if (attempt < 4 && isKubeApiError(err, KubeErrorCode.Conflict)) continue;
      throw err;
    }
  }
}

/** The app with an operation recorded; refused while another one is pending. */
export function withOperation(
  app: Application,
  operation: Operation,
  confirmPrune: boolean,
  now: Date,
): Application {
  const { namespace, name } = app.metadata;
  if (app.operation)
    throw new TrueupError(
      'OperationInProgress',
      `Application ${namespace}/${name}: an operation is already pending`,
    );
  const metadata = confirmPrune
    ? {
        ...app.metadata,
        annotations: { ...app.metadata.annotations, [Annotation.DeletionApproved]: now.toISOString() },
      }
    : app.metadata;
  return { ...app, metadata, operation };
}

/** The app with a refresh requested (`normal`: resolve the revision again; `hard`: also drop caches). */
export function withRefresh(app: Application, type: RefreshType): Application {
  return {
    ...app,
    metadata: { ...app.metadata, annotations: { ...app.metadata.annotations, [Annotation.Refresh]: type } },
  };
}

/**
 * The operation of a rollback to history entry `id` (as `argocd app rollback`): a sync to that
 * entry's revision. Refused for an app with automated sync, which would sync back to its
 * targetRevision at once, and for an id not in its history.
 */
export function rollbackOperation(
  app: Application,
  id: number,
  initiatedBy: string,
  prune = false,
): Operation {
  const { namespace, name } = app.metadata;
  if (app.spec.syncPolicy?.automated)
    throw new TrueupError(
      'RollbackRefused',
      `Application ${namespace}/${name}: rollback is not allowed while automated sync is on (it would sync back to ${primarySource(app.spec).targetRevision})`,
    );
  const entry = app.status?.history?.find((h) => h.id === id);
  if (!entry)
    throw new TrueupError('HistoryNotFound', `Application ${namespace}/${name}: no history entry ${id}`);
  return {
    // With spec.sources, every source goes back to its own revision of that entry.
    sync: {
      ...(entry.revisions ? { revisions: entry.revisions } : { revision: entry.revision }),
      ...(prune ? { prune: true } : {}),
    },
    initiatedBy: { username: initiatedBy },
    info: [{ name: 'Rollback', value: `to history ${id} (${entry.revision})` }],
  };
}
