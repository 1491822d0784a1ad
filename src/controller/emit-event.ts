/**
 * Kubernetes events on an Application, as the reconciler's steps report them. A Warning repeated
 * with the message the Ready condition already carries is not written again (a retry loop would
 * flood events otherwise), and an event that cannot be written is logged, never fatal: the
 * status carries the same news.
 */
import type { Application, ApplicationStatus } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { Logger } from './deps.js';
import type { AppWriter } from './ports.js';

/** Emits an event on `app`; `status` is the status the pass started from (for the repeat test). */
export type EmitEvent = (
  app: Application,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  status: ApplicationStatus,
) => Promise<void>;

export function eventEmitter(writer: Pick<AppWriter, 'event'>, log: Logger): EmitEvent {
  return async (app, type, reason, message, status) => {
    if (type === 'Warning' && status.conditions?.some((c) => c.type === 'Ready' && c.message === message))
      return;
    try {
      await writer.event(app as unknown as KubeObject, type, reason, message);
    } catch (err) {
      log.warn(
        { app: `${app.metadata.namespace}/${app.metadata.name}`, err: errorMessage(err) },
        'event not written',
      );
    }
  };
}
