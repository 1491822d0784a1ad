/**
 * A Kubernetes label selector over a parameter set, as Argo CD applies a generator's `selector`:
 * the set is flattened (`path.basename`, `values.env`) and matched as a label set.
 */
import type { LabelSelector } from '../api/application-set-generators.js';
import { flatten, type Params } from './params.js';

export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return (
    !selector ||
    (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length)
  );
}

/** The parameter sets the selector keeps (all of them without a selector). */
export function selectParams(paramSets: readonly Params[], selector: LabelSelector | undefined): Params[] {
  if (isEmptySelector(selector)) return [...paramSets];
  return paramSets.filter((p) => selectorMatches(selector as LabelSelector, flatten(p)));
}
