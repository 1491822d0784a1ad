/** Counts this process's garbage collections and their pauses (young and full), as they happen. */
import { constants, PerformanceObserver } from 'node:perf_hooks';

export interface GcCounts {
  young: number;
  youngMs: number;
  full: number;
  fullMs: number;
}

/** A live tally: read it whenever a figure is wanted. */
export function countGarbageCollections(): GcCounts {
  const gc: GcCounts = { young: 0, youngMs: 0, full: 0, fullMs: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        gc.young++;
        gc.youngMs += e.duration;
      } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        gc.full++;
        gc.fullMs += e.duration;
      }
    }
  }).observe({ entryTypes: ['gc'] });
  return gc;
}
