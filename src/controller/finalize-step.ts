/**
 * An Application being deleted with the resources finalizer: delete what it manages (objects
 * marked Delete=confirm only once the app carries the deletion approval), then the namespace it
 * created when no other app has objects there, then remove the finalizer.
 */
import {
  Annotation,
  type Application,
  ARGO_DELETION_APPROVED,
  ARGO_RESOURCES_FINALIZER,
  RESOURCES_FINALIZER,
} from '../api/application.js';
import type { WorkResult } from '../runtime/queue.js';
import { NamespaceCleanupOutcome } from '../sync/index.js';
import { inventoryOf, validateSpec } from './app-facts.js';
import type { AppRecall } from './app-recall.js';
import type { ReconcilerDeps } from './deps.js';
import type { EmitEvent } from './emit-event.js';
import { syncTarget } from './sync-target.js';

export async function finalizeStep(
  d: Pick<
    ReconcilerDeps,
    'sync' | 'writer' | 'trackedObjects' | 'appsWithObjectsIn' | 'projects' | 'cluster'
  >,
  recall: Pick<AppRecall, 'finalized'>,
  emit: EmitEvent,
  app: Application,
): Promise<WorkResult> {
  const { namespace, name } = app.metadata;
  const finalizers = app.metadata.finalizers ?? [];
  if (!finalizers.includes(RESOURCES_FINALIZER) && !finalizers.includes(ARGO_RESOURCES_FINALIZER))
    return { requeueAfter: null };
  const checked = validateSpec(app);
  const inventory = inventoryOf(app, d.trackedObjects);
  const target = syncTarget(d, app, checked.ok ? checked.spec : undefined, inventory);
  const annotations = app.metadata.annotations ?? {};
  const confirmed =
    annotations[Annotation.DeletionApproved] !== undefined ||
    annotations[ARGO_DELETION_APPROVED] !== undefined;
  const { remaining, unconfirmed } = await d.sync.deleteAll(target, { confirmed });
  if (remaining > 0) return { requeueAfter: 2000 };
  if (unconfirmed > 0) {
    // Annotating the Application (deletion-approved) is an event that brings the next pass.
    await emit(
      app,
      'Normal',
      'DeletionAwaitsConfirmation',
      `${unconfirmed} object(s) marked Delete=confirm are deleted once the Application is annotated ${Annotation.DeletionApproved}`,
      {},
    );
    return { requeueAfter: null };
  }
  await emit(app, 'Normal', 'ResourcesDeleted', `deleted the resources of ${namespace}/${name}`, {});
  const key = `${namespace}/${name}`;
  const others = (d.appsWithObjectsIn?.(target.destinationNamespace ?? '') ?? []).filter((k) => k !== key);
  const cleanup = await d.sync.deleteCreatedNamespace?.(target, others);
  if (cleanup)
    await emit(
      app,
      cleanup.outcome === NamespaceCleanupOutcome.Deleted ? 'Normal' : 'Warning',
      cleanup.outcome === NamespaceCleanupOutcome.Deleted ? 'NamespaceDeleted' : 'NamespaceKept',
      cleanup.message,
      {},
    );
  await d.writer.patchApp(namespace, name, { removeFinalizer: true });
  recall.finalized(key);
  return { requeueAfter: null };
}
