/**
 * replicas: sets spec.replicas on the named workloads (matched on current or earlier names). An
 * entry that matches no object of a kind with a replicas field is an error, as in Kustomize v5.
 */
import type { JsonObject } from '../../api/object.js';
import { RenderErrorCode, renderError } from '../errors.js';
import type { FieldSpec } from '../fieldspec.js';
import { specSelects, visitSpecs } from '../fieldspec.js';
import type { ResMap } from '../resmap.js';
import { allIds, curId } from '../types.js';

export function applyReplicas(
  m: ResMap,
  entries: readonly { name: string; count: number }[],
  specs: readonly FieldSpec[],
  file: string,
): void {
  for (const e of entries) {
    let found = false;
    for (const r of m.list) {
      const ids = allIds(r).filter((id) => id.name === e.name);
      if (ids.length === 0) continue;
      if (!found) found = ids.some((id) => specs.some((s) => specSelects(s, id)));
      visitSpecs(r.obj as unknown as JsonObject, curId(r), specs, (parent, key) => {
        parent[key] = e.count;
      });
    }
    if (!found)
      throw renderError(
        RenderErrorCode.Reference,
        `${file}: replicas: resource with name ${e.name} does not match a config with the following GVK [${specs
          .map((s) => s.kind ?? '*')
          .join(' ')}] (no such object to scale)`,
      );
  }
}
