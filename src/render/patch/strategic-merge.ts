/**
 * Strategic merge patch as Kustomize v5.5 applies it (kyaml v0.18.1's merge2 walker with the
 * list direction "prepend"), which differs from the API server's strategic merge in several ways:
 *
 * - only `$patch: delete|replace|merge` are directives; `$setElementOrder/…`, `$retainKeys`,
 *   `$deleteFromPrimitiveList/…` are copied into the result as ordinary fields;
 * - merged lists put the patch's elements first (in patch order), then the target's others;
 * - a list merges by key only when the kind has a schema (built in, or a kustomization's custom
 *   OpenAPI) and the field's patch strategy includes `merge`; everything else (custom resources,
 *   fields Kustomize's Kubernetes v1.21 schema does not know) is replaced whole; an embedded
 *   object with apiVersion/kind under a schema-less field gets its kind's schema;
 * - a field whose value kind differs between target and patch (map vs list vs scalar) is an
 *   error, except that null in the patch deletes and null in the target is replaced;
 * - `$patch` inside a list that is replaced whole stays in the output as data.
 *
 * Pure: returns a new object (sharing nothing with its inputs) and never modifies `target` or
 * `patch`. Checked against kubectl kustomize by the fixtures and by
 * `npx tsx scripts/gen-smp-fixtures.ts --fuzz N`.
 */
import { TrueupError } from '../../api/errors.js';
import type { JsonObject, JsonValue, KubeObject } from '../../api/object.js';
import {
  builtinSchema,
  type FieldSchema,
  isAssociative,
  type MergeSchema,
  type SchemaType,
} from '../openapi/schema.js';
import { mergeAssociativeList } from './smp-lists.js';

const PATCH = '$patch';

/** `undefined` = the field is absent / cleared. */
export type Value = JsonValue | undefined;

export function isMap(v: Value): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type NodeKind = 'map' | 'seq' | 'scalar';

function kindOf(v: JsonValue): NodeKind {
  if (Array.isArray(v)) return 'seq';
  return isMap(v) ? 'map' : 'scalar';
}

const KIND_NAMES: Record<NodeKind, string> = {
  map: 'MappingNode',
  seq: 'SequenceNode',
  scalar: 'ScalarNode',
};

/** Deep copy of JSON data. */
export function copy<T extends Value>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((e) => copy(e)) as T;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) out[k] = copy((v as JsonObject)[k] as JsonValue);
  return out as T;
}

export class MergeError extends Error {}

export interface Ctx {
  readonly path: string[];
}

/** The directive of a patch map (`$patch`), checked as kyaml does. */
function mapDirective(
  origin: JsonObject,
  path: readonly string[],
): 'delete' | 'replace' | 'merge' | undefined {
  if (!(PATCH in origin)) return undefined;
  const v = origin[PATCH];
  if (v === 'delete' || v === 'replace' || v === 'merge') return v;
  throw new MergeError(`unknown patch strategy '${String(v)}' at ${path.join('.') || '<root>'}`);
}

function withoutDirective(m: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(m)) if (k !== PATCH) out[k] = m[k] as JsonValue;
  return out;
}

/** The result of walking one node: its value and whether it is the target's node merged in place. */
export interface Walked {
  value: Value;
  /** True when kyaml would have merged into the target's own node (so the target keeps the result). */
  inPlace: boolean;
}

/** Walks dest (the target's value) and origin (the patch's value) as kyaml's Walker does. */
export function walk(
  dest: Value,
  origin: Value,
  field: FieldSchema | undefined,
  type: SchemaType | undefined,
  path: string[],
  schema: MergeSchema,
): Walked {
  const first =
    dest !== undefined && dest !== null ? dest : origin !== undefined && origin !== null ? origin : undefined;
  if (first === undefined) {
    // Both missing or null: walked as an (empty) map.
    if (origin === undefined && dest === null) return { value: null, inPlace: true };
    return { value: origin === null ? undefined : origin === undefined ? undefined : origin, inPlace: false };
  }
  const kind = kindOf(first);
  for (const v of [dest, origin]) {
    if (v === undefined || v === null) continue;
    const k = kindOf(v);
    if (k !== kind) {
      throw new MergeError(
        `wrong node kind at ${path.join('.') || '<root>'}: expected ${KIND_NAMES[kind]} but got ${KIND_NAMES[k]}`,
      );
    }
  }
  if (kind === 'map') {
    // Without a schema, an embedded object (apiVersion + kind) gets its kind's schema (kyaml GetSchema).
    if (type === undefined) type = embeddedType(dest, schema) ?? embeddedType(origin, schema);
    return walkMap(dest, origin, type, path, schema);
  }
  if (kind === 'seq') return walkSeq(dest, origin, field, path, schema);
  // Scalar: the patch's value wins when present (null clears).
  if (origin !== undefined) return { value: origin === null ? undefined : origin, inPlace: false };
  return { value: dest, inPlace: true };
}

function embeddedType(v: Value, schema: MergeSchema): SchemaType | undefined {
  if (!isMap(v) || typeof v.apiVersion !== 'string' || typeof v.kind !== 'string') return undefined;
  if (v.apiVersion === '' || v.kind === '') return undefined;
  return schema.kindType(v.apiVersion, v.kind);
}

function walkMap(
  dest: Value,
  origin: Value,
  type: SchemaType | undefined,
  path: string[],
  schema: MergeSchema,
): Walked {
  let base: JsonObject;
  let inPlace: boolean;
  if (dest === undefined || dest === null) {
    if (isMap(origin) && origin[PATCH] === 'delete') return { value: undefined, inPlace: false };
    if (origin === undefined || origin === null)
      return { value: origin === null ? undefined : undefined, inPlace: false };
    let d: string | undefined;
    try {
      d = isMap(origin) ? mapDirective(origin, path) : undefined;
    } catch {
      d = undefined; // kyaml ignores an unknown directive when adding
    }
    base = isMap(origin) && d !== undefined ? withoutDirective(origin) : (origin as JsonObject);
    inPlace = false;
  } else {
    if (origin === null) return { value: undefined, inPlace: false };
    const d = isMap(origin) ? mapDirective(origin, path) : undefined;
    if (d === 'delete') return { value: undefined, inPlace: false };
    if (d === 'replace') {
      base = withoutDirective(origin as JsonObject);
      inPlace = false;
    } else {
      base = dest as JsonObject;
      inPlace = true;
    }
  }
  const o = isMap(origin) ? origin : undefined;
  const out: JsonObject = {};
  const names = new Set(Object.keys(base));
  if (o) for (const k of Object.keys(o)) if (!(k === PATCH && !(PATCH in base))) names.add(k);
  for (const key of names) {
    const f = type === undefined ? undefined : schema.field(type, key);
    const child = walk(base[key], o?.[key], f, f?.type, [...path, key], schema);
    if (child.value !== undefined) out[key] = copyIfShared(child.value, base[key], o?.[key]);
  }
  return { value: out, inPlace };
}

/** Scalars and freshly built nodes are returned as is; subtrees taken over from a source are copied. */
function copyIfShared(v: JsonValue, a: Value, b: Value): JsonValue {
  if (typeof v !== 'object' || v === null) return v;
  return v === a || v === b ? copy(v) : v;
}

function walkSeq(
  dest: Value,
  origin: Value,
  field: FieldSchema | undefined,
  path: string[],
  schema: MergeSchema,
): Walked {
  if (!isAssociative(field)) {
    // Replaced whole (no recursion into elements: directives inside stay as data).
    if (origin !== undefined) return { value: origin === null ? undefined : origin, inPlace: false };
    return { value: dest, inPlace: true };
  }
  let base: JsonValue[];
  if (dest === undefined || dest === null) {
    base = origin as JsonValue[];
  } else {
    if (origin === null) return { value: undefined, inPlace: false };
    const d = Array.isArray(origin) ? listDirective(origin) : undefined;
    if (d?.directive === 'delete') return { value: undefined, inPlace: false };
    if (d?.directive === 'replace') base = d.rest;
    else base = dest as JsonValue[];
    if (d) origin = d.rest;
  }
  const o = Array.isArray(origin) ? origin : undefined;
  const keys = field?.keys ?? [];
  const elemType = field?.type;
  const ctx = { path, elemType, schema };
  return { value: mergeAssociativeList(base, o, keys, ctx), inPlace: true };
}

/** kyaml's sequence directive: an element whose only field is `$patch`. */
function listDirective(origin: JsonValue[]): { directive: string; rest: JsonValue[] } | undefined {
  const idx = origin.findIndex((e) => isMap(e) && PATCH in e);
  if (idx < 0) return undefined;
  const elem = origin[idx] as JsonObject;
  if (Object.keys(elem).length > 1) return undefined;
  const v = elem[PATCH];
  if (v !== 'delete' && v !== 'replace' && v !== 'merge')
    throw new MergeError(`unknown patch strategy '${String(v)}'`);
  // Elided as kyaml's element setter does: every element with `$patch: v` goes, and so do
  // null and empty-map elements.
  const rest = origin.filter(
    (e) => !(e === null || (isMap(e) && (e[PATCH] === v || Object.keys(e).length === 0))),
  );
  return { directive: v, rest };
}

function describe(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return `${obj.kind} ${ns ? `${ns}/` : ''}${name}`;
}

export interface StrategicMergeOptions {
  /** Merge metadata to use instead of the built-in kinds' (a kustomization's `openapi: {path}`). */
  schema?: MergeSchema;
}

/**
 * Kustomize v5.5 strategic merge of `patch` into `target` (both whole objects). Returns a new
 * object; `$patch: delete` of the whole object (or a patch that empties it) returns null.
 * The merge itself takes the patch's apiVersion/kind/name like any field: restoring the
 * target's kind, name and namespace (Kustomize's ApplySmPatch, unless allowNameChange /
 * allowKindChange) is the caller's job.
 */
export function applyStrategicMerge(
  target: KubeObject,
  patch: JsonObject,
  where: string,
  options: StrategicMergeOptions = {},
): KubeObject | null {
  const schema = options.schema ?? builtinSchema;
  const type = schema.kindType(target.apiVersion, target.kind);
  let result: Walked;
  try {
    result = walk(target as unknown as JsonObject, patch, undefined, type, [], schema);
  } catch (err) {
    if (err instanceof MergeError) {
      throw new TrueupError('RENDER_PATCH_FAILED', `${where}: patch of ${describe(target)}: ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
  const out = result.value;
  if (!isMap(out) || Object.keys(out).length === 0) return null;
  return out as unknown as KubeObject;
}
