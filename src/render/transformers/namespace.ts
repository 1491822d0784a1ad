/** `namespace:` sets metadata.namespace on namespaced objects and the namespace fields that follow it. */
import type { JsonObject } from '../../api/object.js';
import type { TransformerConfig } from '../config.js';
import { visitSpecs } from '../fieldspec.js';
import type { ResMap } from '../resmap.js';
import { isClusterScoped } from '../scope.js';
import { curId, isObject } from '../types.js';

const EXTRA = [
  { group: 'apiregistration.k8s.io', kind: 'APIService', path: 'spec/service/namespace', create: true },
  {
    group: 'apiextensions.k8s.io',
    kind: 'CustomResourceDefinition',
    path: 'spec/conversion/webhook/clientConfig/service/namespace',
  },
];

export function applyNamespace(m: ResMap, namespace: string, config: TransformerConfig): void {
  for (const r of m.list) {
    const id = curId(r);
    const md = r.obj.metadata;
    // As Kustomize, every object the transformer visits records its id, changed or not: that
    // makes it a candidate when name references are fixed up.
    r.prev.push(id);
    if (id.kind === 'Namespace' && id.group === '') md.name = namespace;
    else if (!isClusterScoped(id)) md.namespace = namespace;
    const obj = r.obj as unknown as JsonObject;
    const specs = [...EXTRA, ...config.namespace.filter((s) => s.path !== 'metadata/namespace')];
    visitSpecs(obj, id, specs, (parent, key) => {
      parent[key] = namespace;
    });
    if ((id.kind === 'RoleBinding' || id.kind === 'ClusterRoleBinding') && Array.isArray(obj.subjects)) {
      for (const s of obj.subjects) if (isObject(s) && s.name === 'default') s.namespace = namespace;
    }
  }
}
