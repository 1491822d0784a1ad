/**
 * The destination namespace an Application may own: `CreateNamespace=true` creates it (marked
 * with the annotation `trueup.dev/namespace-created-for: <app-ns>/<app-name>`), and
 * `DeleteNamespace=true` deletes it when the Application is deleted with the resources finalizer.
 * The mark is the only proof of creation: a namespace without it, or made for another app, is
 * never deleted, and neither is one that still holds objects of other applications.
 */
import { Annotation } from '../api/application.js';
import type { KubeObject } from '../api/object.js';
import type { ClusterClient, ObjectAddress } from '../kube/types.js';
import { FIELD_MANAGER } from './types.js';

export interface AppKey {
  namespace: string;
  name: string;
}

const appKey = (app: AppKey) => `${app.namespace}/${app.name}`;
const address = (name: string): ObjectAddress => ({ apiVersion: 'v1', kind: 'Namespace', name });

/** The Namespace trueup creates for `app`, marked as created for it. */
export function createdNamespace(name: string, app: AppKey): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, annotations: { [Annotation.NamespaceCreatedFor]: appKey(app) } },
  };
}

/** Creates the namespace when it is missing (an existing one is left untouched, unmarked). */
export async function ensureNamespace(client: ClusterClient, name: string, app: AppKey): Promise<void> {
  if (await client.get(address(name))) return;
  await client.apply(createdNamespace(name, app), { fieldManager: FIELD_MANAGER, force: true });
}

export const NamespaceCleanupOutcome = {
  Deleted: 'Deleted',
  /** Already gone or already terminating. */
  Gone: 'Gone',
  NotCreatedByTrueup: 'NotCreatedByTrueup',
  CreatedForAnotherApp: 'CreatedForAnotherApp',
  HoldsOtherApps: 'HoldsOtherApps',
} as const;
export type NamespaceCleanupOutcome = (typeof NamespaceCleanupOutcome)[keyof typeof NamespaceCleanupOutcome];

export interface NamespaceCleanup {
  outcome: NamespaceCleanupOutcome;
  /** For the Application's event. */
  message: string;
}

/**
 * Whether the live namespace may be deleted for `app` (pure). `otherApps` are the keys of the
 * other applications that still have objects in it.
 */
export function namespaceCleanupVerdict(
  name: string,
  live: KubeObject | undefined,
  app: AppKey,
  otherApps: readonly string[],
): NamespaceCleanup & { delete: boolean } {
  const keep = (outcome: NamespaceCleanupOutcome, message: string) => ({ outcome, message, delete: false });
  if (!live || live.metadata.deletionTimestamp)
    return keep(NamespaceCleanupOutcome.Gone, `namespace ${name} is already gone or terminating`);
  const mark = live.metadata.annotations?.[Annotation.NamespaceCreatedFor];
  if (mark === undefined)
    return keep(
      NamespaceCleanupOutcome.NotCreatedByTrueup,
      `namespace ${name} kept: trueup did not create it (no ${Annotation.NamespaceCreatedFor} annotation)`,
    );
  if (mark !== appKey(app))
    return keep(
      NamespaceCleanupOutcome.CreatedForAnotherApp,
      `namespace ${name} kept: it was created for ${mark}, not ${appKey(app)}`,
    );
  const others = [...new Set(otherApps)].sort();
  if (others.length > 0)
    return keep(
      NamespaceCleanupOutcome.HoldsOtherApps,
      `namespace ${name} kept: it still holds objects of ${others.join(', ')}`,
    );
  return { outcome: NamespaceCleanupOutcome.Deleted, message: `deleted namespace ${name}`, delete: true };
}

/** Deletes the namespace when {@link namespaceCleanupVerdict} allows it. */
export async function deleteCreatedNamespace(
  client: ClusterClient,
  name: string,
  app: AppKey,
  otherApps: readonly string[],
): Promise<NamespaceCleanup> {
  const verdict = namespaceCleanupVerdict(name, await client.get(address(name)), app, otherApps);
  if (!verdict.delete) return { outcome: verdict.outcome, message: verdict.message };
  const deleted = await client.delete(address(name));
  return deleted
    ? { outcome: verdict.outcome, message: verdict.message }
    : { outcome: NamespaceCleanupOutcome.Gone, message: `namespace ${name} is already gone` };
}
