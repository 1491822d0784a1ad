/**
 * What the sync engine is told of the app it plans for: its identity, sync options (the app's,
 * then a requested operation's), ignoreDifferences, inventory, destination namespace and the
 * ServiceAccount its project makes it sync as.
 */
import type { Application, ApplicationSpec } from '../api/application.js';
import type { ReconcilerDeps } from './deps.js';
import type { ObjectId, SyncTarget } from './ports.js';
import { appIdentity, lookupProject } from './project-step.js';

export function syncTarget(
  d: Pick<ReconcilerDeps, 'projects' | 'cluster'>,
  app: Application,
  spec: ApplicationSpec | undefined,
  inventory: ObjectId[],
): SyncTarget {
  const { namespace, name } = app.metadata;
  const t: SyncTarget = {
    appNamespace: namespace,
    appName: name,
    // A requested operation's sync options apply to it on top of the app's (later ones win).
    syncOptions: [...(spec?.syncPolicy?.syncOptions ?? []), ...(app.operation?.sync?.syncOptions ?? [])],
    ignoreDifferences: spec?.ignoreDifferences ?? [],
    inventory,
  };
  if (spec?.destination.namespace) t.destinationNamespace = spec.destination.namespace;
  const identity = spec ? appIdentity(lookupProject(d.projects, spec), app, spec, d.cluster) : {};
  if ('user' in identity && identity.user) t.serviceAccount = identity.user;
  return t;
}
