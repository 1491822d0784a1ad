/** replicas: sets spec.replicas on the named workloads (matched on current or earlier names). */
import type { JsonObject } from '../../api/object.js';
import type { FieldSpec } from '../fieldspec.js';
import { visitSpecs } from '../fieldspec.js';
import type { ResMap } from '../resmap.js';
import { allIds, curId } from '../types.js';

export function applyReplicas(
  m: ResMap,
  entries: readonly { name: string; count: number }[],
  specs: readonly FieldSpec[],
): void {
  for (const e of entries) {
    for (const r of m.list) {
      if (!allIds(r).some((id) => id.name === e.name)) continue;
      visitSpecs(r.obj as unknown as JsonObject, curId(r), specs, (parent, key) => {
        parent[key] = e.count;
      });
    }
  }
}
