/** commonLabels / labels / commonAnnotations: add key-value pairs at the configured label or annotation paths. */
import type { JsonObject } from '../../api/object.js';
import type { FieldSpec } from '../fieldspec.js';
import { visitSpecs } from '../fieldspec.js';
import type { ResMap } from '../resmap.js';
import { curId, isObject } from '../types.js';

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
