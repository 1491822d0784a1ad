/** namePrefix / nameSuffix: renames objects (not CRDs, APIServices or Namespaces), remembering the old id. */
import type { JsonObject } from '../../api/object.js';
import type { FieldSpec } from '../fieldspec.js';
import { visitSpecs } from '../fieldspec.js';
import type { ResMap } from '../resmap.js';
import { curId, type Resource, rememberId } from '../types.js';

function skipped(r: Resource): boolean {
  const { kind, group } = curId(r);
  return (
    kind === 'CustomResourceDefinition' ||
    (kind === 'APIService' && group === 'apiregistration.k8s.io') ||
    (kind === 'Namespace' && group === '')
  );
}

export function applyPrefixSuffix(
  m: ResMap,
  prefix: string,
  suffix: string,
  prefixSpecs: readonly FieldSpec[],
  suffixSpecs: readonly FieldSpec[],
): void {
  for (const r of m.list) {
    if (skipped(r)) continue;
    const id = curId(r);
    const obj = r.obj as unknown as JsonObject;
    let renamed = false;
    const edit = (specs: readonly FieldSpec[], f: (s: string) => string) =>
      visitSpecs(obj, id, specs, (parent, key) => {
        const v = parent[key];
        if (typeof v !== 'string') return;
        if (parent === obj.metadata && key === 'name' && !renamed) {
          rememberId(r);
          renamed = true;
        }
        parent[key] = f(v);
      });
    if (prefix) {
      edit(prefixSpecs, (s) => prefix + s);
      r.prefixes = [...(r.prefixes ?? []), prefix];
    }
    if (suffix) {
      renamed = false;
      edit(suffixSpecs, (s) => s + suffix);
      r.suffixes = [...(r.suffixes ?? []), suffix];
    }
  }
}
