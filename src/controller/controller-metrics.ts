/**
 * The subset of src/metrics the controller feeds, and what one pass reports to it. Metrics are
 * observations: a failure to record one is logged, never a failed pass.
 */
import type { Application, ApplicationStatus } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import { sourcesOf } from '../api/sources.js';
import type { Lane, QueueObserver } from '../runtime/queue.js';
import { APP_QUEUE } from './app-events.js';
import type { Logger, PassInfo } from './deps.js';

/** The subset of src/metrics the controller feeds. */
export interface ControllerMetrics {
  setApp(app: {
    namespace: string;
    name: string;
    project?: string;
    repoURL: string;
    destServer?: string;
    destNamespace?: string;
    syncStatus: string;
    healthStatus: string;
    autoSync: boolean;
  }): void;
  deleteApp(namespace: string, name: string): void;
  recordSync(namespace: string, name: string, phase: 'Running' | 'Succeeded' | 'Failed' | 'Error'): void;
  observeReconcile(seconds: number, result: 'success' | 'error'): void;
  recordDriftCorrection(namespace: string, name: string, objects?: number): void;
  readonly queue: {
    setDepth(queue: string, depth: number, lane: Lane): void;
    added(queue: string): void;
    retried(queue: string): void;
    observeWait(queue: string, seconds: number, lane: Lane): void;
    observeWork(queue: string, seconds: number): void;
  };
}

/** Records the app's sync and health after a pass (or a hold) on `destServer`. */
export function observePass(
  m: ControllerMetrics,
  log: Logger,
  app: Application,
  status: ApplicationStatus,
  info: PassInfo,
  destServer: string,
): void {
  const { namespace, name } = app.metadata;
  try {
    m.setApp({
      namespace,
      name,
      ...(app.spec.project ? { project: app.spec.project } : {}),
      repoURL: sourcesOf(app.spec)[0]?.repoURL ?? '',
      destServer,
      destNamespace: app.spec.destination?.namespace ?? '',
      syncStatus: status.sync?.status ?? 'Unknown',
      healthStatus: status.health?.status ?? 'Unknown',
      autoSync: app.spec.syncPolicy?.automated !== undefined,
    });
    if (info.syncPhase) m.recordSync(namespace, name, info.syncPhase);
    if (info.driftCorrected) m.recordDriftCorrection(namespace, name, info.driftCorrected);
  } catch (err) {
    log.warn({ app: `${namespace}/${name}`, err: errorMessage(err) }, 'metrics not updated');
  }
}

/** The Application queue's observer: waits and depths per lane, work time, reconciles, retries. */
export function queueObserver(metrics: ControllerMetrics): QueueObserver {
  return {
    started: (_k, wait, lane) => metrics.queue.observeWait(APP_QUEUE, wait / 1000, lane),
    finished: (_k, work, err) => {
      metrics.queue.observeWork(APP_QUEUE, work / 1000);
      metrics.observeReconcile(work / 1000, err === undefined ? 'success' : 'error');
      if (err !== undefined) metrics.queue.retried(APP_QUEUE);
    },
    depth: (d, lane) => metrics.queue.setDepth(APP_QUEUE, d, lane),
  };
}
