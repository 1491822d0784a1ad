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

export function mergeKeyedList(
  base: JsonValue[],
  origin: JsonValue[] | undefined,
  key: string,
  ctx: ListCtx,
): JsonValue[] {
  const dest: JsonValue[] = base.slice();
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
  const items: JsonValue[] = [];
  const setItem = (val: JsonValue, v: string) => {
    let found = false;
    for (let i = 0; i < items.length; i++) {
      if (isMap(items[i]) && keyText(items[i], key) === v) {
        items[i] = val;
        found = true;
      }
    }
    if (!found) items.push(val);
  };
  for (const v of values) {
    const di = dest.findIndex((e) => isMap(e) && keyText(e, key) === v);
    const oe = origin?.find((e) => isMap(e) && keyText(e, key) === v);
    const de = di >= 0 ? dest[di] : undefined;
    const r = walk(de, oe, undefined, ctx.elemType, ctx.path, ctx.schema);
    if (isEmpty(r.value)) {
      for (let i = dest.length - 1; i >= 0; i--) {
        const e = dest[i] as JsonValue;
        if (isEmpty(e) || (isMap(e) && keyText(e, key) === v)) dest.splice(i, 1);
      }
      continue;
    }
    let val = r.value as JsonValue;
    if (di >= 0 && r.inPlace) dest[di] = val;
    if (isMap(val) && !(key in val) && v !== '') val = { ...val, [key]: v };
    setItem(val === de || val === oe ? copy(val) : val, v);
  }
  // Prepend: the target's elements (as merged) replace the matching items or follow them.
  for (const e of dest) {
    if (isEmpty(e)) continue;
    if (!isMap(e)) {
      items.push(copy(e));
      continue;
    }
    setItem(copy(e), keyText(e, key));
  }
  return items;
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
