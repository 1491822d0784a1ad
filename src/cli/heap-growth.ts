/**
 * The controller's V8 heap growth. By default V8 lets the old generation grow by a factor of up
 * to 1.5–4x of the live heap after each major collection (more while allocation is fast, as in a
 * cold start over thousands of apps), so the resident size settles far above what is live. With
 * --heap-growing-percent=20 the limit is 1.2x the live heap: more frequent major collections
 * (cheap next to the work between them) for a peak RSS that follows the live data
 * (bench/RESULTS.md, "controller RSS"). An operator who passes a heap flag of their own (in
 * NODE_OPTIONS or on node's command line) keeps exactly that: nothing is added then.
 */
import v8 from 'node:v8';

export const HEAP_GROWTH_FLAG = '--heap-growing-percent=20';

/** V8 flags that size or grow the heap; V8 reads `_` and `-` alike in their names. */
const HEAP_FLAGS = [
  '--heap-growing-percent',
  '--max-old-space-size',
  '--max-semi-space-size',
  '--min-semi-space-size',
  '--max-heap-size',
  '--initial-heap-size',
  '--initial-old-space-size',
  '--optimize-for-size',
];

function isHeapFlag(arg: string): boolean {
  const name = arg.split('=')[0]?.replace(/_/g, '-') ?? '';
  return HEAP_FLAGS.includes(name);
}

/** The flag to set, or undefined when the operator already chose a heap setting. */
export function heapGrowthFlag(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | undefined {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  return given.some(isHeapFlag) ? undefined : HEAP_GROWTH_FLAG;
}

/** Sets the controller's heap growth (early, before the heap fills); returns the flag set, if any. */
export function applyHeapGrowth(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | undefined {
  const flag = heapGrowthFlag(execArgv, nodeOptions);
  if (flag) v8.setFlagsFromString(flag);
  return flag;
}
