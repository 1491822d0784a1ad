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

const table = data as unknown as MergeKeyData;
const SHAPES: Record<string, FieldShape> = { o: 'object', a: 'list', m: 'map' };
const cache = new Map<string, FieldSchema | null>();

/** The schema of a built-in kind (`apps/v1`, `Deployment`), or undefined (custom resources). */
export function schemaForKind(apiVersion: string, kind: string): SchemaType | undefined {
  return table.gvks[`${apiVersion}/${kind}`];
}

/** The schema of field `name` of an object of type `type`, when it matters for a merge. */
export function fieldSchema(type: SchemaType, name: string): FieldSchema | undefined {
  const key = `${type}/${name}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    const raw = table.types[type]?.[name];
    hit = raw
      ? {
          type: raw[0] >= 0 ? raw[0] : undefined,
          strategy: raw[1],
          keys: raw[2] ? raw[2].split(',') : [],
          shape: SHAPES[raw[3]] ?? 'object',
        }
      : null;
    cache.set(key, hit);
  }
  return hit ?? undefined;
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
