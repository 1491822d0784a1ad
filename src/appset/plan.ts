/**
 * What a set does to its Applications, as a value: per generated name create, update or keep;
 * per Application it no longer generates, delete or keep, under `applicationsSync` (Argo CD's
 * policies: create-only never updates nor deletes, create-update never deletes, create-delete
 * never updates, sync does all three) and `preserveResourcesOnDeletion` (the generated apps
 * carry no resources finalizer, so deleting one — by the set or by garbage collection when
 * the set is deleted — leaves its objects in place).
 */
import {
  type Application,
  ApplicationSpecSchema,
  ARGO_RESOURCES_FINALIZER,
  RESOURCES_FINALIZER,
} from '../api/application.js';
import { type ApplicationSetSpec, ApplicationsSync } from '../api/application-set.js';
import { IN_CLUSTER_SERVER } from '../api/destination.js';

export type AppAction =
  | { action: 'create'; app: Application }
  | { action: 'update'; app: Application; live: Application }
  | { action: 'keep'; name: string; reason: 'up-to-date' | 'policy' }
  | { action: 'delete'; live: Application };

export interface AppSetPlan {
  actions: AppAction[];
}

const RESOURCE_FINALIZERS = new Set([RESOURCES_FINALIZER, ARGO_RESOURCES_FINALIZER]);

/** The generated apps as they are written: without resources finalizers when resources are preserved. */
export function withPolicy(
  apps: readonly Application[],
  spec: Pick<ApplicationSetSpec, 'syncPolicy'>,
): Application[] {
  if (!spec.syncPolicy?.preserveResourcesOnDeletion) return [...apps];
  return apps.map((a) => {
    const finalizers = (a.metadata.finalizers ?? []).filter((f) => !RESOURCE_FINALIZERS.has(f));
    const metadata = { ...a.metadata };
    if (finalizers.length) metadata.finalizers = finalizers;
    else delete metadata.finalizers;
    return { ...a, metadata };
  });
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

/** The spec with the API server's defaults filled in, so a defaulted live spec compares equal. */
function defaulted(spec: unknown): string {
  const parsed = ApplicationSpecSchema.safeParse(spec);
  if (!parsed.success) return canonical(spec);
  // Earlier CRDs defaulted destination.server to the in-cluster one: stored that way, it means no server.
  const d = parsed.data.destination;
  if (d.server === IN_CLUSTER_SERVER && (d.name === undefined || d.name === 'in-cluster')) {
    const { server: _default, ...rest } = d;
    return canonical({ ...parsed.data, destination: rest });
  }
  return canonical(parsed.data);
}

const subset = (want: Record<string, string> | undefined, have: Record<string, string> | undefined) =>
  Object.entries(want ?? {}).every(([k, v]) => have?.[k] === v);

/** Whether the live Application already has what the set writes (its other fields are not ours). */
export function upToDate(desired: Application, live: Application): boolean {
  const want = desired.metadata;
  const have = live.metadata;
  const liveFinalizers = new Set(have.finalizers ?? []);
  const wantFinalizers = new Set(want.finalizers ?? []);
  const finalizersMatch =
    [...wantFinalizers].every((f) => liveFinalizers.has(f)) &&
    [...RESOURCE_FINALIZERS].every((f) => wantFinalizers.has(f) || !liveFinalizers.has(f));
  return (
    subset(want.labels, have.labels) &&
    subset(want.annotations, have.annotations) &&
    finalizersMatch &&
    defaulted(desired.spec) === defaulted(live.spec)
  );
}

export function planApps(
  desired: readonly Application[],
  live: readonly Application[],
  policy: ApplicationsSync = ApplicationsSync.Sync,
): AppSetPlan {
  const mayUpdate = policy === ApplicationsSync.Sync || policy === ApplicationsSync.CreateUpdate;
  const mayDelete = policy === ApplicationsSync.Sync || policy === ApplicationsSync.CreateDelete;
  const byName = new Map(live.map((a) => [a.metadata.name, a]));
  const actions: AppAction[] = [];
  const wanted = new Set<string>();
  for (const app of desired) {
    wanted.add(app.metadata.name);
    const current = byName.get(app.metadata.name);
    if (!current) actions.push({ action: 'create', app });
    else if (upToDate(app, current))
      actions.push({ action: 'keep', name: app.metadata.name, reason: 'up-to-date' });
    else if (mayUpdate) actions.push({ action: 'update', app, live: current });
    else actions.push({ action: 'keep', name: app.metadata.name, reason: 'policy' });
  }
  for (const a of live) {
    if (wanted.has(a.metadata.name) || a.metadata.deletionTimestamp) continue;
    actions.push(
      mayDelete ? { action: 'delete', live: a } : { action: 'keep', name: a.metadata.name, reason: 'policy' },
    );
  }
  return { actions };
}
