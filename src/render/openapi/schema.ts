/**
 * Strategic-merge metadata of the built-in kinds, from the real Kubernetes OpenAPI: the data in
 * merge-keys.json is generated from a kube-apiserver's /openapi/v2 by
 * scripts/gen-openapi-merge-keys.ts and keeps only what a strategic merge needs (patch strategy
 * and merge keys of fields, and the definitions leading to them).
 */
import data from './merge-keys.json' with { type: 'json' };

/** A definition of the OpenAPI document (an index into the generated table). */
export type SchemaType = number;

export type FieldShape = 'object' | 'list' | 'map';

export interface FieldSchema {
  /** The field's patch strategy as the OpenAPI says it (`merge`, `retainKeys`, `merge,retainKeys`, `replace`, ...). */
  readonly strategy: string;
  /** Merge keys: x-kubernetes-list-map-keys when present, else x-kubernetes-patch-merge-key. */
  readonly keys: readonly string[];
  readonly shape: FieldShape;
  /** The schema of the field's value (of its elements for a list, of its values for a map). */
  readonly type: SchemaType | undefined;
}

interface MergeKeyData {
  definitions: string[];
  types: Record<string, [number, string, string, string]>[];
  gvks: Record<string, number>;
}

const SHAPES: Record<string, FieldShape> = { o: 'object', a: 'list', m: 'map' };

/** A set of merge metadata: the built-in one, or one compiled from a kustomization's `openapi`. */
export class MergeSchema {
  private readonly cache = new Map<string, FieldSchema | null>();
  constructor(readonly table: MergeKeyData) {}

  /** The schema of a kind (`apps/v1`, `Deployment`), or undefined (no schema: lists are replaced). */
  kindType(apiVersion: string, kind: string): SchemaType | undefined {
    return this.table.gvks[`${apiVersion}/${kind}`];
  }

  /** The schema of field `name` of an object of type `type`, when it matters for a merge. */
  field(type: SchemaType, name: string): FieldSchema | undefined {
    const key = `${type}/${name}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      const raw = this.table.types[type]?.[name];
      hit = raw
        ? {
            type: raw[0] >= 0 ? raw[0] : undefined,
            strategy: raw[1],
            keys: raw[2] ? raw[2].split(',') : [],
            shape: SHAPES[raw[3]] ?? 'object',
          }
        : null;
      this.cache.set(key, hit);
    }
    return hit ?? undefined;
  }
}

/** The built-in kinds' merge metadata (generated from the real Kubernetes OpenAPI). */
export const builtinSchema = new MergeSchema(data as unknown as MergeKeyData);

/** The schema of a built-in kind (`apps/v1`, `Deployment`), or undefined (custom resources). */
export function schemaForKind(apiVersion: string, kind: string): SchemaType | undefined {
  return builtinSchema.kindType(apiVersion, kind);
}

/** The schema of field `name` of an object of type `type` (built-in kinds). */
export function fieldSchema(type: SchemaType, name: string): FieldSchema | undefined {
  return builtinSchema.field(type, name);
}

type Obj = { [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface CompileOptions {
  /**
   * Keep the built-in kinds too. Kustomize v5.5 keeps one global schema: an `openapi:` of the
   * top kustomization replaces the built-in schema, but one met later (in a resource or
   * component kustomization, after resources were already read) is added to the built-in
   * definitions, which win on a name clash; custom definitions may then $ref built-in ones.
   */
  withBuiltin?: boolean;
}

/**
 * Compiles an OpenAPI v2 document (a kustomization's `openapi: {path: ...}`, JSON or YAML
 * already parsed) into merge metadata. Without `withBuiltin` it replaces the built-in schema:
 * kinds it does not describe get no merge keys (as for a top-level `openapi:` in Kustomize).
 */
export function compileOpenApiSchema(doc: unknown, options: CompileOptions = {}): MergeSchema {
  const defs: Record<string, unknown> = isObj(doc) && isObj(doc.definitions) ? { ...doc.definitions } : {};
  const base = options.withBuiltin ? builtinSchema.table : undefined;
  // Built-in definitions keep their indices; custom ones not defined there follow.
  const names = [
    ...(base?.definitions ?? []),
    ...Object.keys(defs).filter((n) => !base?.definitions.includes(n)),
  ];
  const index = new Map(names.map((n, i) => [n, i]));
  const refOf = (p: unknown): number => {
    const ref = isObj(p) && typeof p.$ref === 'string' ? p.$ref.replace('#/definitions/', '') : undefined;
    return ref !== undefined && index.has(ref) ? (index.get(ref) as number) : -1;
  };
  const table: MergeKeyData = { definitions: names, types: base ? [...base.types] : [], gvks: {} };
  for (let d = base ? base.types.length : 0; d < names.length; d++) {
    const n = names[d] as string;
    const def = defs[n];
    const fields: Record<string, [number, string, string, string]> = {};
    const props = isObj(def) && isObj(def.properties) ? def.properties : {};
    for (const [f, prop] of Object.entries(props)) {
      if (!isObj(prop)) continue;
      const strategy =
        typeof prop['x-kubernetes-patch-strategy'] === 'string' ? prop['x-kubernetes-patch-strategy'] : '';
      const mapKeys = prop['x-kubernetes-list-map-keys'];
      const mergeKey = prop['x-kubernetes-patch-merge-key'];
      const keys = Array.isArray(mapKeys)
        ? mapKeys.map(String)
        : typeof mergeKey === 'string'
          ? [mergeKey]
          : [];
      if (prop.type === 'array') fields[f] = [refOf(prop.items), strategy, keys.join(','), 'a'];
      else if (prop.additionalProperties)
        fields[f] = [refOf(prop.additionalProperties), strategy, keys.join(','), 'm'];
      else if (isObj(prop.properties)) {
        // An inline object schema: give it its own entry.
        const inline = `${n}.${f}`;
        index.set(inline, names.length);
        names.push(inline);
        defs[inline] = prop;
        fields[f] = [index.get(inline) as number, strategy, keys.join(','), 'o'];
      } else fields[f] = [refOf(prop), strategy, keys.join(','), 'o'];
    }
    table.types.push(fields);
    const gvks = isObj(def) ? def['x-kubernetes-group-version-kind'] : undefined;
    for (const g of Array.isArray(gvks) ? gvks : []) {
      if (!isObj(g)) continue;
      const apiVersion = g.group ? `${String(g.group)}/${String(g.version)}` : String(g.version);
      table.gvks[`${apiVersion}/${String(g.kind)}`] = index.get(n) as number;
    }
  }
  // The built-in schema is read after the custom one: its kinds win.
  if (base) Object.assign(table.gvks, base.gvks);
  return new MergeSchema(table);
}

/** True when a list field merges its elements (kyaml: the patch strategy includes `merge`). */
export function isAssociative(field: FieldSchema | undefined): boolean {
  return field !== undefined && field.shape === 'list' && field.strategy.split(',').includes('merge');
}

export type ListStrategy = 'merge' | 'replace' | 'atomic' | 'none';
export interface ListMergeInfo {
  strategy: ListStrategy;
  mergeKey?: string;
  mergeKeys?: readonly string[];
}

/**
 * Merge metadata for a field path of a built-in kind (path of field names; list elements and
 * map values are stepped through implicitly). `none` when the path is unknown or not a list.
 */
export function listMergeInfo(
  group: string,
  version: string,
  kind: string,
  path: readonly string[],
): ListMergeInfo {
  let type = schemaForKind(group ? `${group}/${version}` : version, kind);
  let field: FieldSchema | undefined;
  for (const name of path) {
    if (type === undefined) return { strategy: 'none' };
    field = fieldSchema(type, name);
    if (!field) return { strategy: 'none' };
    type = field.type;
  }
  if (field?.shape !== 'list') return { strategy: 'none' };
  if (!isAssociative(field)) return { strategy: field.strategy ? 'replace' : 'atomic' };
  const [first] = field.keys;
  return first === undefined
    ? { strategy: 'merge' }
    : { strategy: 'merge', mergeKey: first, mergeKeys: field.keys };
}
