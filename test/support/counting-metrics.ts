/**
 * Controller metrics that count reconciles (passes) and record nothing else: for tests and
 * benches that assert or report how many passes a change cost.
 */
import type { ControllerMetrics } from '../../src/controller/controller.js';

export interface CountingReconciles {
  /** Reconciles observed so far. */
  passes(): number;
  metrics: ControllerMetrics;
}

export function countingReconciles(): CountingReconciles {
  let n = 0;
  return {
    passes: () => n,
    metrics: {
      setApp() {},
      deleteApp() {},
      recordSync() {},
      observeReconcile: () => {
        n++;
      },
      recordDriftCorrection() {},
      queue: { setDepth() {}, added() {}, retried() {}, observeWait() {}, observeWork() {} },
    },
  };
}
