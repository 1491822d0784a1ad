/**
 * A pass that cannot reach its destination cluster (unknown, refused, or down) ends here, before
 * anything is resolved, applied or pruned: sync and health become Unknown, the Ready condition
 * names the reason and the cluster, and a Warning event says it once.
 */
import type { Application, ApplicationStatus } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { Clock } from '../runtime/clock.js';
import type { WorkResult } from '../runtime/queue.js';
import type { Logger } from './deps.js';
import type { AppWriter } from './ports.js';
import { conditionsOf, mergeConditions, statusChanged } from './status.js';

export interface ClusterHold {
  /** `ClusterNotFound`, `InvalidDestination`, `ClusterSecretInvalid` or `ClusterUnreachable`. */
  reason: string;
  message: string;
  /** Only a change (of the app or the cluster Secrets) helps: no retry. */
  stalled: boolean;
  /** When to look again (unreachable clusters). */
  retryAfterMs?: number;
}

/** How long an app on an unreachable cluster waits before its next pass. */
export const UNREACHABLE_RETRY_MS = 15_000;

/** The status of a held app: everything of the previous one, sync and health Unknown. */
export function heldStatus(app: Application, hold: ClusterHold, now: string): ApplicationStatus {
  const status: ApplicationStatus = structuredClone(app.status ?? {});
  status.sync = { ...(status.sync ?? {}), status: 'Unknown' };
  status.health = { status: 'Unknown', message: hold.message };
  const verdict = {
    ready: false,
    reconciling: false,
    stalled: hold.stalled,
    reason: hold.reason,
    message: hold.message,
  };
  status.conditions = mergeConditions(status.conditions, conditionsOf(verdict), app.metadata.generation, now);
  if (app.metadata.generation !== undefined) status.observedGeneration = app.metadata.generation;
  return status;
}

export async function holdForCluster(
  d: { writer: AppWriter; clock: Clock; log: Logger },
  app: Application,
  hold: ClusterHold,
): Promise<{ status: ApplicationStatus; result: WorkResult }> {
  const now = new Date(d.clock.now()).toISOString();
  const status = heldStatus(app, hold, now);
  const key = `${app.metadata.namespace}/${app.metadata.name}`;
  const known = app.status?.conditions?.some((c) => c.type === 'Ready' && c.message === hold.message);
  if (!known) {
    try {
      await d.writer.event(app as unknown as KubeObject, 'Warning', hold.reason, hold.message);
    } catch (err) {
      d.log.warn({ app: key, err: errorMessage(err) }, 'event not written');
    }
  }
  if (statusChanged(app.status, status)) {
    status.reconciledAt = now;
    await d.writer.patchStatus(app, status);
  }
  d.log.info({ app: key, reason: hold.reason, message: hold.message }, 'destination cluster not usable');
  return {
    status,
    result: { requeueAfter: hold.stalled ? null : (hold.retryAfterMs ?? UNREACHABLE_RETRY_MS) },
  };
}
