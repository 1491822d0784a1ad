/**
 * The project's say in a pass (AppProject): before anything is resolved, whether the app may use
 * its project, repository and destination; after the plan, whether every object it would apply
 * is a permitted kind in a permitted namespace; before a sync, whether a sync window holds it.
 * A refusal stops the pass before anything is applied or pruned.
 */
import { type AppProjectSpec, DEFAULT_PROJECT, DEFAULT_PROJECT_SPEC } from '../api/app-project.js';
import type { Application, ApplicationSpec } from '../api/application.js';
import { IN_CLUSTER_SERVER } from '../api/destination.js';
import { errorMessage } from '../api/errors.js';
import { sourcesOf } from '../api/sources.js';
import { type Identity, syncIdentity } from '../project/impersonation.js';
import { checkDestination, checkObjects, checkSourceNamespace, checkSourceRepos } from '../project/policy.js';
import { syncWindowVerdict } from '../project/sync-windows.js';
import type { SyncPlan } from '../sync/index.js';
import type { ProjectPort } from './ports.js';

export type ProjectLookup = { name: string; spec: AppProjectSpec } | { name: string; problem: string };

/**
 * The app's project. Without a project port (the CLI, embedded uses) only `default` exists and
 * permits everything; a missing `default` project also permits everything (trueup creates it
 * at start, a user may have deleted it).
 */
export function lookupProject(projects: ProjectPort | undefined, spec: ApplicationSpec): ProjectLookup {
  const name = spec.project || DEFAULT_PROJECT;
  const found = projects?.get(name);
  if (found) return { name, spec: found };
  if (name === DEFAULT_PROJECT) return { name, spec: DEFAULT_PROJECT_SPEC };
  const where = projects
    ? `in namespace ${projects.namespace}`
    : '(AppProjects are read by the controller only)';
  return { name, problem: `project ${name} does not exist ${where}` };
}

/** The destination cluster as the controller resolved it (server and name, from its cluster Secret). */
export interface DestinationCluster {
  server: string;
  name: string;
}

/** The controller's own cluster. */
export const LOCAL_CLUSTER: DestinationCluster = { server: IN_CLUSTER_SERVER, name: 'in-cluster' };

/** Messages of what the project refuses about the app itself (empty: permitted). */
export function appRefusals(
  project: { name: string; spec: AppProjectSpec },
  app: Application,
  spec: ApplicationSpec,
  controllerNamespace: string,
  cluster: DestinationCluster = LOCAL_CLUSTER,
): string[] {
  return [
    ...checkSourceNamespace(project.name, project.spec, app.metadata.namespace ?? '', controllerNamespace),
    ...checkSourceRepos(
      project.name,
      project.spec,
      sourcesOf(spec).map((s) => s.repoURL),
    ),
    ...checkDestination(project.name, project.spec, {
      ...cluster,
      namespace: spec.destination.namespace ?? '',
    }),
  ].map((v) => v.message);
}

/** Who the app syncs as (project destinationServiceAccounts, else spec.serviceAccountName). */
export function appIdentity(
  project: ProjectLookup,
  app: Application,
  spec: ApplicationSpec,
  cluster: DestinationCluster = LOCAL_CLUSTER,
): Identity {
  // A project that is missing refuses the app before anything is synced; a deletion proceeds
  // as the app's own ServiceAccount, if it names one.
  const known = 'spec' in project ? project : { name: project.name, spec: {} };
  return syncIdentity(
    known,
    { namespace: app.metadata.namespace ?? '', serviceAccountName: spec.serviceAccountName },
    { server: cluster.server, namespace: spec.destination.namespace ?? '' },
  );
}

/** Messages of what the project refuses among the objects the plan would apply (hooks too). */
export function planRefusals(
  project: { name: string; spec: AppProjectSpec },
  plan: SyncPlan,
  cluster: DestinationCluster = LOCAL_CLUSTER,
) {
  const applied = plan.objects.filter(
    (o) => o.action === 'create' || o.action === 'update' || o.action === 'unchanged' || o.action === 'hook',
  );
  return checkObjects(
    project.name,
    project.spec,
    applied.map((o) => o.id),
    cluster,
  ).map((v) => v.message);
}

/** How often a sync held by a sync window looks again. */
export const WINDOW_RECHECK_MS = 60_000;

/**
 * Why a sync window holds this sync now, or undefined when it may run. A window whose schedule
 * does not parse holds every sync until it is fixed (it was meant to bound them).
 */
export function windowHold(
  project: { spec: AppProjectSpec },
  app: Application,
  spec: ApplicationSpec,
  manual: boolean,
  now: number,
  cluster: DestinationCluster = LOCAL_CLUSTER,
): string | undefined {
  let v: ReturnType<typeof syncWindowVerdict>;
  try {
    v = syncWindowVerdict(
      project.spec.syncWindows,
      { app: app.metadata.name ?? '', namespace: spec.destination.namespace ?? '', ...cluster },
      now,
    );
  } catch (err) {
    return `${errorMessage(err)}: syncs are held until the project's window is fixed`;
  }
  if (v.allowed || (manual && v.manualAllowed)) return undefined;
  return manual ? `${v.message}; manual syncs are not allowed by it (manualSync)` : v.message;
}
