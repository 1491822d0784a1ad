/**
 * AppProject specs parsed once per resourceVersion. Every pass looks its project up, and
 * validating a spec with zod on each look-up made 10,000 parses of the same `default` project in a
 * 10,000-app cold start; an object the informer holds changes only with its resourceVersion, so
 * the parse of that version is kept (one entry per project name, dropped when it is gone).
 */
import { type AppProjectSpec, AppProjectSpecSchema } from '../api/app-project.js';
import type { KubeObject } from '../api/object.js';

/** A project that does not parse permits nothing, and says so: nothing it was meant to bound runs unbounded. */
export const NOTHING_PERMITTED: AppProjectSpec = frozen({ sourceRepos: [], destinations: [] });

/** Freezes a parsed spec all the way down: it is shared by every pass until its next version. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

export class ProjectSpecs {
  private readonly parsed = new Map<string, { resourceVersion: string; spec: AppProjectSpec }>();

  /** `lookup`: the project object by name as the informer holds it now. */
  constructor(private readonly lookup: (name: string) => KubeObject | undefined) {}

  get(name: string): AppProjectSpec | undefined {
    const obj = this.lookup(name);
    if (!obj) {
      this.parsed.delete(name);
      return undefined;
    }
    const rv = obj.metadata.resourceVersion;
    const kept = this.parsed.get(name);
    if (kept && rv !== undefined && kept.resourceVersion === rv) return kept.spec;
    const result = AppProjectSpecSchema.safeParse((obj as { spec?: unknown }).spec ?? {});
    const spec = result.success ? frozen(result.data) : NOTHING_PERMITTED;
    // An object without a resourceVersion (never one from the API server) is parsed every time.
    if (typeof rv === 'string') this.parsed.set(name, { resourceVersion: rv, spec });
    else this.parsed.delete(name);
    return spec;
  }
}
