/**
 * `crds:` files: OpenAPI definitions of custom kinds (as kube-openapi writes them, `{Schema:
 * {properties}}` keyed by definition name). A property marked `x-kubernetes-object-ref-kind`
 * names another object, so it becomes a name reference (`<path>/name`) of the custom kind.
 */
import type { JsonObject, JsonValue } from '../api/object.js';
import type { NameRefEntry, TransformerConfig } from './config.js';
import { isObject } from './types.js';

function schemaOf(def: JsonValue | undefined): JsonObject | undefined {
  if (!isObject(def)) return undefined;
  return isObject(def.Schema) ? def.Schema : def;
}

export function crdConfig(doc: JsonValue): Partial<TransformerConfig> {
  if (!isObject(doc)) return {};
  const defs = isObject(doc.definitions) ? doc.definitions : doc;
  const refs: NameRefEntry[] = [];
  const walk = (kind: string, schema: JsonObject | undefined, path: string[], depth: number): void => {
    if (!schema || depth > 20 || !isObject(schema.properties)) return;
    for (const [name, prop] of Object.entries(schema.properties)) {
      if (!isObject(prop) || name === 'metadata' || name === 'status') continue;
      const here = [...path, name];
      if (typeof prop['x-kubernetes-object-ref-kind'] === 'string') {
        refs.push({
          kind: prop['x-kubernetes-object-ref-kind'],
          fieldSpecs: [{ kind, path: `${here.join('/')}/name` }],
        });
        continue;
      }
      const ref = typeof prop.$ref === 'string' ? prop.$ref.replace(/^#\/definitions\//, '') : undefined;
      walk(kind, ref ? schemaOf(defs[ref]) : prop, here, depth + 1);
    }
  };
  for (const [name, def] of Object.entries(defs)) {
    const schema = schemaOf(def);
    const props = schema && isObject(schema.properties) ? schema.properties : undefined;
    if (!props || !('kind' in props) || !('apiVersion' in props)) continue;
    walk(name.slice(name.lastIndexOf('.') + 1), schema, [], 0);
  }
  return refs.length ? { nameReference: refs } : {};
}
