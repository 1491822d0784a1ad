/**
 * vars: `$(NAME)` in the var-reference fields is replaced by a field of a named object, resolved
 * once at the top after names are final. `$$(NAME)` stays literal.
 */
import type { JsonObject, JsonValue } from '../api/object.js';
import type { TransformerConfig } from './config.js';
import { RenderErrorCode, renderError } from './errors.js';
import { findSlots, getSlot, parseFieldPath } from './fieldpath.js';
import { visitSpecs } from './fieldspec.js';
import { allIds, curId, isObject, type Resource, splitApiVersion } from './types.js';

export interface Var {
  name: string;
  kind: string;
  objName: string;
  group?: string;
  version?: string;
  namespace?: string;
  fieldPath: string;
  file: string;
  /** The object it reads, bound in the layer that declares it. */
  bound?: Resource;
}

export function parseVars(raw: readonly JsonValue[], file: string): Var[] {
  return raw.map((v, i) => {
    const what = `${file}: vars[${i}]`;
    if (!isObject(v) || typeof v.name !== 'string' || !isObject(v.objref))
      throw renderError(RenderErrorCode.Var, `${what}: a var needs a name and an objref`);
    const o = v.objref;
    if (typeof o.kind !== 'string' || typeof o.name !== 'string')
      throw renderError(RenderErrorCode.Var, `${what} (${v.name}): objref needs kind and name`);
    const out: Var = { name: v.name, kind: o.kind, objName: o.name, fieldPath: 'metadata.name', file };
    if (typeof o.apiVersion === 'string') {
      const gv = splitApiVersion(o.apiVersion);
      out.group = gv.group;
      out.version = gv.version;
    }
    if (typeof o.group === 'string') out.group = o.group;
    if (typeof o.version === 'string') out.version = o.version;
    if (typeof o.namespace === 'string') out.namespace = o.namespace;
    if (isObject(v.fieldref) && typeof v.fieldref.fieldpath === 'string')
      out.fieldPath = v.fieldref.fieldpath;
    return out;
  });
}

export function mergeVars(into: Var[], add: readonly Var[], where: string): void {
  for (const v of add) {
    const dup = into.find((x) => x.name === v.name);
    if (dup)
      throw renderError(
        RenderErrorCode.Var,
        `${where}: var '${v.name}' already encountered (in ${dup.file} and ${v.file})`,
      );
    into.push(v);
  }
}

/** Binds each new var to the one object of this layer it names (any of its ids). */
export function bindVars(vars: readonly Var[], list: readonly Resource[]): void {
  for (const v of vars) {
    if (v.bound) continue;
    const matches = list.filter((r) =>
      allIds(r).some(
        (id) =>
          id.kind === v.kind &&
          id.name === v.objName &&
          (v.group === undefined || v.group === id.group) &&
          (!v.version || v.version === id.version) &&
          (!v.namespace || (id.namespace || 'default') === v.namespace),
      ),
    );
    if (matches.length > 1)
      throw renderError(
        RenderErrorCode.Var,
        `${v.file}: found ${matches.length} matches for var '${v.name}' (${v.kind} ${v.objName}); unable to disambiguate`,
      );
    if (matches[0]) v.bound = matches[0];
  }
}

function varValue(v: Var, list: readonly Resource[]): JsonValue {
  const matches = v.bound && list.includes(v.bound) ? [v.bound] : [];
  if (matches.length === 0)
    throw renderError(
      RenderErrorCode.Var,
      `${v.file}: var '${v.name}' cannot be mapped to a field in the set of known resources (${v.kind} ${v.objName})`,
    );
  if (matches.length > 1)
    throw renderError(
      RenderErrorCode.Var,
      `${v.file}: var '${v.name}' matches more than one resource (${v.kind} ${v.objName}); give objref.namespace`,
    );
  const slots = findSlots(matches[0]!.obj as unknown as JsonValue, parseFieldPath(v.fieldPath));
  const value = slots[0] ? getSlot(slots[0]) : undefined;
  if (value === undefined || value === null || typeof value === 'object')
    throw renderError(
      RenderErrorCode.Var,
      `${v.file}: var '${v.name}': field ${v.fieldPath} of ${v.kind} ${v.objName} is not a scalar`,
    );
  return value;
}

const REF = /\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g;

function expand(s: string, values: Map<string, JsonValue>): JsonValue {
  const whole = /^\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)$/.exec(s);
  if (whole && values.has(whole[1]!)) return values.get(whole[1]!)!;
  return s.replace(REF, (m, name: string | undefined) => {
    if (name === undefined) return '$';
    const v = values.get(name);
    return v === undefined ? m : String(v);
  });
}

function expandValue(v: JsonValue, values: Map<string, JsonValue>): JsonValue {
  if (typeof v === 'string') return v.includes('$') ? expand(v, values) : v;
  if (Array.isArray(v)) return v.map((x) => expandValue(x, values));
  if (isObject(v)) {
    for (const k of Object.keys(v)) v[k] = expandValue(v[k]!, values);
    return v;
  }
  return v;
}

export function resolveVars(
  list: readonly Resource[],
  vars: readonly Var[],
  config: TransformerConfig,
): void {
  if (vars.length === 0) return;
  const values = new Map<string, JsonValue>();
  for (const v of vars) values.set(v.name, varValue(v, list));
  for (const r of list) {
    visitSpecs(r.obj as unknown as JsonObject, curId(r), config.varReference, (parent, key) => {
      const v = parent[key];
      if (v !== undefined) parent[key] = expandValue(v, values);
    });
  }
}
