/**
 * `crds:` files as Kustomize reads them: a map of type name to kube-openapi definition
 * (`{Schema: {properties}}`, JSON or YAML). A type whose properties have kind, apiVersion and
 * metadata is a kind (named by the type name's last dot-separated part); its properties, followed
 * through `$ref` to other definitions, may carry:
 * - `x-kubernetes-object-ref-api-version` + `x-kubernetes-object-ref-kind`: a name reference to
 *   that version and kind at `<path>/<x-kubernetes-object-ref-name-key, default name>`, updated
 *   when the referenced object is renamed (prefix, suffix, generator hash);
 * - `x-kubernetes-label-selector`: commonLabels are added there;
 * - `x-kubernetes-annotation`: commonAnnotations are added there;
 * - `x-kubernetes-identity`: namePrefix is added there.
 */
import type { JsonObject, JsonValue } from '../api/object.js';
import type { NameRefEntry, TransformerConfig } from './config.js';
import type { FieldSpec } from './fieldspec.js';
import { isObject } from './types.js';

/** Go's encoding/json matches the `Schema` field name case-insensitively. */
function schemaOf(def: JsonValue | undefined): JsonObject | undefined {
  if (!isObject(def)) return undefined;
  const key = Object.keys(def).find((k) => k.toLowerCase() === 'schema');
  const schema = key === undefined ? undefined : def[key];
  return isObject(schema) ? schema : undefined;
}

function propertiesOf(def: JsonValue | undefined): JsonObject | undefined {
  const props = schemaOf(def)?.properties;
  return isObject(props) ? props : undefined;
}

const has = (o: JsonObject, key: string) => typeof o[key] === 'string';

export function crdConfig(doc: JsonValue): Partial<TransformerConfig> {
  if (!isObject(doc)) return {};
  const refs: NameRefEntry[] = [];
  const labels: FieldSpec[] = [];
  const annotations: FieldSpec[] = [];
  const prefix: FieldSpec[] = [];
  /** `seen`: the types on the way here; a type that refers back to itself stops (Kustomize loops). */
  const walk = (kind: string, typeName: string, path: string[], seen: Set<string>): void => {
    const props = propertiesOf(doc[typeName]);
    if (!props || seen.has(typeName)) return;
    seen.add(typeName);
    for (const [name, prop] of Object.entries(props)) {
      if (!isObject(prop)) continue;
      const here = [...path, name].join('/');
      if (has(prop, 'x-kubernetes-label-selector')) labels.push({ kind, path: here });
      if (has(prop, 'x-kubernetes-annotation')) annotations.push({ kind, path: here });
      if (has(prop, 'x-kubernetes-identity')) prefix.push({ kind, path: here });
      const version = prop['x-kubernetes-object-ref-api-version'];
      const refKind = prop['x-kubernetes-object-ref-kind'];
      if (typeof version === 'string' && typeof refKind === 'string') {
        const nameKey = prop['x-kubernetes-object-ref-name-key'];
        refs.push({
          kind: refKind,
          version,
          fieldSpecs: [{ kind, path: `${here}/${typeof nameKey === 'string' ? nameKey : 'name'}` }],
        });
      }
      if (typeof prop.$ref === 'string' && prop.$ref !== '') walk(kind, prop.$ref, [...path, name], seen);
    }
    seen.delete(typeName);
  };
  for (const name of Object.keys(doc)) {
    const props = propertiesOf(doc[name]);
    if (!props || !('kind' in props) || !('apiVersion' in props) || !('metadata' in props)) continue;
    walk(name.slice(name.lastIndexOf('.') + 1), name, [], new Set());
  }
  const out: Partial<TransformerConfig> = {};
  if (refs.length) out.nameReference = refs;
  if (labels.length) out.commonLabels = labels;
  if (annotations.length) out.commonAnnotations = annotations;
  if (prefix.length) out.namePrefix = prefix;
  return out;
}
