/**
 * How matrix and merge join the parameter sets of their generators, as Argo CD does.
 *
 * matrix: every pair (a from the first, b from the second). fasttemplate: the union, a key in
 * both with different values is an error; goTemplate: a deep merge where a wins.
 * merge: the first generator's sets are the base, identified by the values of `mergeKeys`; a set
 * of a later generator with the same key values overrides the base's params (deep with
 * goTemplate); sets matching no base set are dropped; a key seen twice in one generator is an error.
 */
import { GeneratorError } from '../errors.js';
import type { Params } from '../params.js';

const isMap = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

/** mergo.Merge(dst, src, WithOverride): maps merge deeply, src's other values replace dst's. */
export function deepMerge(dst: Params, src: Params): Params {
  const out: Params = { ...dst };
  for (const [k, v] of Object.entries(src)) {
    const d = out[k];
    out[k] = isMap(d) && isMap(v) ? deepMerge(d, v) : structuredClone(v);
  }
  return out;
}

export function combinePair(a: Params, b: Params, goTemplate: boolean): Params {
  if (goTemplate) return deepMerge(b, a);
  const out: Params = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (Object.hasOwn(out, k) && out[k] !== v) {
      throw new GeneratorError(
        'matrix',
        `found duplicate key ${k} with different value, a: ${String(out[k])} ,b: ${String(v)}`,
      );
    }
    out[k] = v;
  }
  return out;
}

function keyOf(p: Params, mergeKeys: readonly string[]): string {
  return JSON.stringify(mergeKeys.map((k) => (Object.hasOwn(p, k) ? p[k] : null)));
}

function byKey(sets: readonly Params[], mergeKeys: readonly string[], which: number): Map<string, Params> {
  const out = new Map<string, Params>();
  for (const p of sets) {
    const k = keyOf(p, mergeKeys);
    if (out.has(k))
      throw new GeneratorError(
        'merge',
        `generator ${which}: the merge keys ${mergeKeys.join(', ')} do not identify a single parameter set (duplicate key ${k})`,
      );
    out.set(k, p);
  }
  return out;
}

export function mergeParams(
  generators: readonly Params[][],
  mergeKeys: readonly string[],
  goTemplate: boolean,
): Params[] {
  const keys = [...new Set(mergeKeys)];
  const [base = [], ...rest] = generators;
  const merged = byKey(base, keys, 0);
  rest.forEach((sets, i) => {
    for (const [k, p] of byKey(sets, keys, i + 1)) {
      const b = merged.get(k);
      if (b) merged.set(k, goTemplate ? deepMerge(b, p) : { ...b, ...p });
    }
  });
  return [...merged.values()];
}
