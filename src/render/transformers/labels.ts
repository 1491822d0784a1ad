/** commonLabels / labels / commonAnnotations: add key-value pairs at the configured label or annotation paths. */
import type { JsonObject } from '../../api/object.js';
import type { FieldSpec } from '../fieldspec.js';
import { visitSpecs } from '../fieldspec.js';
import type { ResMap } from '../resmap.js';
import { curId, isObject } from '../types.js';
import { resolvePlainScalar } from '../yaml/resolve.js';

/**
 * The first key that would not stay a string once Kustomize writes it into a resource (it writes
 * keys as plain YAML scalars and reads them back: `1`, `true`, `1.5`, `2024-01-01` are not
 * strings then, and `kubectl kustomize` fails with "json: unsupported type").
 */
export function nonStringKey(keys: Iterable<string>): string | undefined {
  for (const k of keys) {
    try {
      if (resolvePlainScalar(k) !== k) return k;
    } catch {
      return k;
    }
  }
  return undefined;
}

export function applyPairs(m: ResMap, pairs: Record<string, string>, specs: readonly FieldSpec[]): void {
  if (Object.keys(pairs).length === 0) return;
  for (const r of m.list) {
    const obj = r.obj as unknown as JsonObject;
    visitSpecs(obj, curId(r), specs, (parent, key) => {
      let target = parent[key];
      if (!isObject(target)) {
        if (target !== undefined && target !== null) return;
        target = {};
        parent[key] = target;
      }
      for (const [k, v] of Object.entries(pairs)) target[k] = v;
    });
  }
}
