/**
 * Counts the requests a ClusterClient makes, per verb, so tests and benchmarks can assert
 * things like "a no-change sync made zero writes and zero dry-runs".
 */
export const Verb = {
  Discovery: 'discovery',
  Get: 'get',
  List: 'list',
  Watch: 'watch',
  Apply: 'apply',
  DryRunApply: 'dryRunApply',
  Create: 'create',
  Replace: 'replace',
  Delete: 'delete',
  PatchStatus: 'patchStatus',
  /** Any other dry-run write (create, replace, delete). */
  DryRunOther: 'dryRunOther',
} as const;
export type Verb = (typeof Verb)[keyof typeof Verb];

const WRITES: readonly Verb[] = [Verb.Apply, Verb.Create, Verb.Replace, Verb.Delete, Verb.PatchStatus];
const DRY_RUNS: readonly Verb[] = [Verb.DryRunApply, Verb.DryRunOther];

export type VerbCounts = Record<Verb, number>;

function zero(): VerbCounts {
  const counts = {} as VerbCounts;
  for (const v of Object.values(Verb)) counts[v] = 0;
  return counts;
}

export class RequestCounter {
  #counts: VerbCounts = zero();

  record(verb: Verb): void {
    this.#counts[verb] += 1;
  }

  /** A copy of the counts so far. */
  snapshot(): VerbCounts {
    return { ...this.#counts };
  }

  reset(): void {
    this.#counts = zero();
  }

  get total(): number {
    return Object.values(this.#counts).reduce((a, b) => a + b, 0);
  }

  /** Persisting writes (apply, create, replace, delete, status patch). */
  get writes(): number {
    return WRITES.reduce((n, v) => n + this.#counts[v], 0);
  }

  get dryRuns(): number {
    return DRY_RUNS.reduce((n, v) => n + this.#counts[v], 0);
  }

  /** Counts made since `before` (a snapshot). */
  since(before: VerbCounts): VerbCounts {
    const out = zero();
    for (const v of Object.values(Verb)) out[v] = this.#counts[v] - before[v];
    return out;
  }
}

export function writesIn(counts: VerbCounts): number {
  return WRITES.reduce((n, v) => n + counts[v], 0);
}

export function dryRunsIn(counts: VerbCounts): number {
  return DRY_RUNS.reduce((n, v) => n + counts[v], 0);
}
