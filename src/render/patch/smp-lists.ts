/**
 * Merging of associative lists in Kustomize v5.5's strategic merge (kyaml's walker with
 * ListIncreaseDirection=prepend), observed against `kubectl kustomize`:
 *
 * - one merge key (containers by name, env by name, volumeMounts by mountPath, ...): the patch's
 *   elements come first in patch order, merged with the target's element of the same key, then
 *   the target's remaining elements in their order. An element merged with `$patch: replace`
 *   keeps the target's original (kyaml quirk); `$patch: delete` removes the target's element.
 * - several merge keys (ports by containerPort+protocol, Service ports by port+protocol,
 *   topologySpreadConstraints): an element whose key values all equal a target element's
 *   (a missing key counts as empty) merges into it in place; an element that shares only the
 *   first key while one side lacks another key is dropped; the others are new and come first.
 * - no merge key (finalizers): the patch's values first, then the target's others.
 */
import type { JsonObject, JsonValue } from '../../api/object.js';
import type { MergeSchema, SchemaType } from '../openapi/schema.js';
import { copy, isMap, type Value, walk } from './strategic-merge.js';

export interface ListCtx {
  path: string[];
  elemType: SchemaType | undefined;
  schema: MergeSchema;
}

/** The text kyaml compares for a key field: the scalar's value, '' when missing or not a scalar. */
function keyText(e: JsonValue | undefined, key: string): string {
  if (!isMap(e)) return '';
  const v = e[key];
  if (v === undefined || v === null || typeof v === 'object') return '';
  return String(v);
}

function isEmpty(v: Value): boolean {
  return v === undefined || v === null || (isMap(v) && Object.keys(v).length === 0);
}

function scalarText(e: JsonValue): string {
  return typeof e === 'object' && e !== null ? JSON.stringify(e) : String(e);
}

/** The key field as kyaml's ElementList matches it: present, and its text equal to `v`. */
function hasKey(e: JsonValue | undefined, key: string, v: string): boolean {
  return isMap(e) && e[key] !== undefined && keyText(e, key) === v;
}

/**
 * kyaml's ElementSetter on a list for one key: drops null and empty-map elements, replaces the
 * elements whose key matches (an empty value matches any element that has the key), keeps the
 * rest, and appends `val` when nothing matched. With no value at all (`v` undefined) every
 * element is dropped (kyaml quirk, reached when a target element lacks the merge key).
 */
function setElement(
  list: JsonValue[],
  val: JsonValue | undefined,
  key: string,
  v: string | undefined,
): JsonValue[] {
  const out: JsonValue[] = [];
  let found = false;
  for (const e of list) {
    if (isEmpty(e)) continue;
    if (!isMap(e)) {
      if (v !== undefined && v !== '') out.push(e);
      continue;
    }
    const matches = v !== undefined && e[key] !== undefined && (v === '' || keyText(e, key) === v);
    if (!matches) {
      if (v !== undefined) out.push(e);
      continue;
    }
    found = true;
    if (val !== undefined) out.push(val);
  }
  if (val !== undefined && !found) out.push(val);
  return out;
}

export function mergeKeyedList(
  base: JsonValue[],
  origin: JsonValue[] | undefined,
  key: string,
  ctx: ListCtx,
): JsonValue[] {
  // Prepend: the patch's key values first, then the target's.
  let dest: JsonValue[] = base.slice();
  const values: string[] = [];
  const seen = new Set<string>();
  for (const src of [origin ?? [], base]) {
    for (const e of src) {
      const v = keyText(e, key);
      if (!seen.has(v)) {
        seen.add(v);
        values.push(v);
      }
    }
  }
  let items: JsonValue[] = [];
  for (const v of values) {
    const di = dest.findIndex((e) => hasKey(e, key, v));
    const de = di >= 0 ? dest[di] : undefined;
    const oe = origin?.find((e) => hasKey(e, key, v));
    const r = walk(de, oe, undefined, ctx.elemType, ctx.path, ctx.schema);
    if (isEmpty(r.value)) {
      dest = setElement(dest, undefined, key, v);
      continue;
    }
    let val = r.value as JsonValue;
    if (isMap(val) && val[key] === undefined) val = { ...val, [key]: v };
    if (val === de || val === oe) val = copy(val);
    if (di >= 0 && r.inPlace) dest[di] = val;
    items = setElement(items, val, key, v);
  }
  // The target's elements (merged in place) replace the matching items or follow them; kyaml
  // does this once per key value.
  for (let round = 0; round < values.length; round++) {
    for (const e of dest.slice()) {
      if (isMap(e) && e[key] === undefined) {
        items.push(e);
        items = setElement(items, e, key, undefined);
        continue;
      }
      items = setElement(items, e, key, keyText(e, key));
    }
    dest = items;
  }
  return items.map((e) => copy(e));
}

export function mergePrimitiveList(
  base: JsonValue[],
  origin: JsonValue[] | undefined,
  ctx: ListCtx,
): JsonValue[] {
  const dest = base.slice();
  const values: JsonValue[] = [];
  const seen = new Set<string>();
  for (const src of [origin ?? [], base]) {
    for (const e of src) {
      const t = scalarText(e);
      if (!seen.has(t)) {
        seen.add(t);
        values.push(e);
      }
    }
  }
  const items: JsonValue[] = [];
  const itemTexts = new Set<string>();
  for (const value of values) {
    const t = scalarText(value);
    const de = dest.find((e) => scalarText(e) === t);
    const oe = origin?.find((e) => scalarText(e) === t);
    const r = walk(de, oe, undefined, ctx.elemType, ctx.path, ctx.schema);
    if (r.value === undefined || r.value === null) {
      for (let i = dest.length - 1; i >= 0; i--)
        if (scalarText(dest[i] as JsonValue) === t) dest.splice(i, 1);
      continue;
    }
    if (!itemTexts.has(t)) {
      itemTexts.add(t);
      items.push(copy(r.value));
    }
  }
  for (const e of dest) {
    const t = scalarText(e);
    if (!itemTexts.has(t)) {
      itemTexts.add(t);
      items.push(copy(e));
    }
  }
  return items;
}

export function mergeMultiKeyList(
  base: JsonValue[],
  origin: JsonValue[] | undefined,
  keys: readonly string[],
  ctx: ListCtx,
): JsonValue[] {
  const tuple = (e: JsonValue) => keys.map((k) => keyText(e, k));
  const same = (a: string[], b: string[]) => a.every((x, i) => x === b[i]);
  const dest: (JsonValue | undefined)[] = base.slice();
  const touched = new Set<number>();
  const added: JsonValue[] = [];
  const selfMerge = origin === base;
  for (const p of selfMerge ? [] : (origin ?? [])) {
    const t = tuple(p);
    const i = dest.findIndex((d) => d !== undefined && isMap(d) && same(tuple(d), t));
    if (i >= 0) {
      const r = walk(dest[i], p, undefined, ctx.elemType, ctx.path, ctx.schema);
      touched.add(i);
      if (isEmpty(r.value)) dest[i] = undefined;
      else if (r.inPlace) dest[i] = r.value;
      continue;
    }
    const clash = dest.some((d) => {
      if (d === undefined || !isMap(d)) return false;
      const dt = tuple(d);
      return dt[0] === t[0] && (dt.includes('') || t.includes(''));
    });
    if (clash) continue;
    const r = walk(undefined, p, undefined, ctx.elemType, ctx.path, ctx.schema);
    if (!isEmpty(r.value)) added.push(r.value === p ? copy(p) : (r.value as JsonValue));
  }
  const out: JsonValue[] = added;
  for (let i = 0; i < dest.length; i++) {
    const d = dest[i];
    if (d === undefined || isEmpty(d)) continue;
    if (touched.has(i)) out.push(copy(d));
    else {
      const r = walk(d, selfMerge ? d : undefined, undefined, ctx.elemType, ctx.path, ctx.schema);
      if (!isEmpty(r.value)) out.push(r.value === d ? copy(d) : (r.value as JsonObject));
    }
  }
  return out;
}
