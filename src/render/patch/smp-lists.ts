/**
 * Merging of associative lists as Kustomize v5.5 does it (kyaml v0.18.1's walker with
 * ListIncreaseDirection=prepend), including its quirks, all checked against `kubectl kustomize`:
 *
 * - the patch's elements come first (in patch order), merged with the target's element of the
 *   same key, then the target's remaining elements;
 * - with several merge keys (ports: containerPort+protocol), key tuples that agree wherever both
 *   have a value are unified first, and only keys some element sets take part in matching;
 * - an element merged with `$patch: replace` keeps the target's original;
 * - a patch element without the merge key empties the target's list; a target element without
 *   it wipes the merged elements;
 * - primitive lists (finalizers) are merged by value the same way (key '').
 *
 * A list is a plain array here; "in place" merges of kyaml (where the target's node itself is
 * updated) are tracked by replacing the target's element with the merged value.
 */
import type { JsonValue } from '../../api/object.js';
import type { MergeSchema, SchemaType } from '../openapi/schema.js';
import { resolvePlainScalar } from '../yaml/resolve.js';
import { copy, isMap, type Value, walk } from './strategic-merge.js';

export interface ListCtx {
  path: string[];
  elemType: SchemaType | undefined;
  schema: MergeSchema;
}

type Tuple = string[];

/** A scalar's text as kyaml sees it (its YAML value); '' for null, maps and lists. */
function text(v: JsonValue | undefined): string {
  if (v === undefined || v === null || typeof v === 'object') return '';
  return String(v);
}

/** The field `key` of an element: undefined when absent (key '' = the element itself). */
function field(e: JsonValue, key: string): JsonValue | undefined {
  if (key === '') return e;
  return isMap(e) ? e[key] : undefined;
}

function isEmpty(v: Value): boolean {
  return v === undefined || v === null || (isMap(v) && Object.keys(v).length === 0);
}

/** kyaml ElementValuesList: per element, the text of each key ('' when absent or empty). */
function tuples(list: readonly JsonValue[], keys: readonly string[]): Tuple[] {
  return list.map((e) => keys.map((k) => (k === '' ? text(e) : text(field(e, k)))));
}

/** kyaml ElementList / MatchField: the first element whose key fields exist with these texts. */
function elementList(list: readonly JsonValue[], keys: readonly string[], values: readonly string[]): number {
  if (keys[0] === '') return list.findIndex((e) => !isMap(e) && !Array.isArray(e) && text(e) === values[0]);
  return list.findIndex(
    (e) =>
      isMap(e) &&
      keys.every((k, i) => {
        const f = e[k];
        return f !== undefined && text(f) === values[i];
      }),
  );
}

/** kyaml FieldMatcher{Name, StringValue}: an empty value matches any element having the field. */
function fieldMatches(e: JsonValue, key: string, value: string): boolean {
  if (key === '') return !isMap(e) && !Array.isArray(e) && text(e) === value;
  if (!isMap(e)) return false;
  const f = e[key];
  return f !== undefined && (value === '' || text(f) === value);
}

/**
 * kyaml ElementSetter: drops null/empty-map elements, replaces (or with no element, removes)
 * the matching ones, keeps the others (drops them all when given no values), appends the
 * element when nothing matched.
 */
function setElement(
  list: JsonValue[],
  element: JsonValue | undefined,
  keys: readonly string[],
  values: readonly string[],
): JsonValue[] {
  const mappingSetter = keys.length > 0 && keys[0] !== '' && values.length > 0 && values[0] !== '';
  const out: JsonValue[] = [];
  let matched = false;
  for (const e of list) {
    if (isEmpty(e)) continue;
    if (!isMap(e) && mappingSetter) {
      out.push(e);
      continue;
    }
    let found = values.length > 0;
    for (let j = 0; j < keys.length && j < values.length; j++) {
      if (!fieldMatches(e, keys[j] as string, values[j] as string)) {
        found = false;
        break;
      }
    }
    if (!found) {
      if (values.length > 0) out.push(e);
      continue;
    }
    matched = true;
    if (element !== undefined) out.push(element);
  }
  if (element !== undefined && element !== null && !matched) out.push(element);
  return out;
}

/** kyaml validateKeys: only keys that some tuple gives a value take part (all keys if none). */
function validateKeys(all: readonly Tuple[], values: Tuple, keys: readonly string[]): [string[], string[]] {
  const used = new Set<string>();
  for (const t of all) {
    t.forEach((v, i) => {
      if (v !== '') used.add(keys[i] as string);
    });
  }
  if (used.size === 0) return [keys.slice(), values.slice()];
  const vk = keys.filter((k) => used.has(k));
  const vv = values.filter((v, i) => v !== '' || used.has(keys[i] as string));
  return [vk, vv];
}

/** kyaml mergeValues: tuples that agree wherever both have a value become one. */
function mergeValues(list: Tuple[]): Tuple[] {
  for (let i = 0; i < list.length; i++) {
    // As Go's range: the outer tuple is read once per outer step, the inner ones as they are now.
    const a = list[i] as Tuple;
    for (let j = 0; j < list.length; j++) {
      const b = list[j] as Tuple;
      if (a.length !== b.length) continue;
      let common = false;
      let conflict = false;
      const res: Tuple = [];
      for (let k = 0; k < a.length; k++) {
        const x = a[k] as string;
        const y = b[k] as string;
        if (x === y) {
          common = true;
          res.push(x);
        } else if (x !== '' && y !== '') {
          conflict = true;
          break;
        } else res.push(x !== '' ? x : y);
      }
      if (!conflict && common) {
        list[i] = res;
        list[j] = res;
      }
    }
  }
  return list;
}

/** Merges a patch list into a target list whose schema says "merge" (keys [] = primitive list). */
export function mergeAssociativeList(
  base: JsonValue[],
  origin: JsonValue[] | undefined,
  mergeKeys: readonly string[],
  ctx: ListCtx,
): JsonValue[] {
  const keys = mergeKeys.length === 0 ? [''] : mergeKeys;
  return (origin === undefined && untouchedList(base, keys, ctx)) || mergeLists(base, origin, keys, ctx);
}

/**
 * The common case, a list the patch does not name (every list of the target it walks past):
 * when each element has a value for every merge key some element uses and no two elements have
 * the same values, kyaml's merge keeps the list as it is, in order, each element walked alone.
 * mergeLists gets the same result the long way (quadratic, with much allocation); undefined
 * sends the other lists there, quirks and all.
 */
function untouchedList(base: JsonValue[], keys: readonly string[], ctx: ListCtx): JsonValue[] | undefined {
  const seen = new Set<string>();
  if (keys[0] === '') {
    for (const e of base) {
      if (e === null || typeof e === 'object') return undefined;
      const t = text(e);
      if (t === '' || seen.has(t)) return undefined;
      seen.add(t);
    }
    return base.slice();
  }
  const used = keys.filter((k) => base.some((e) => isMap(e) && text(e[k]) !== ''));
  if (used.length === 0) return undefined;
  for (const e of base) {
    if (!isMap(e)) return undefined;
    const t = used.map((k) => text(e[k]));
    if (t.includes('')) return undefined;
    const id = JSON.stringify(t);
    if (seen.has(id)) return undefined;
    seen.add(id);
  }
  return base.map(
    (e) => walk(e, undefined, undefined, ctx.elemType, ctx.path, ctx.schema).value as JsonValue,
  );
}

/** The general merge of kyaml's walker (see the file comment). */
export function mergeLists(
  base: JsonValue[],
  origin: JsonValue[] | undefined,
  keys: readonly string[],
  ctx: ListCtx,
): JsonValue[] {
  // Prepend: the patch's tuples first, then the target's; each distinct tuple once.
  let valuesList: Tuple[] = [];
  const seen = new Set<string>();
  for (const src of [origin ?? [], base]) {
    for (const t of tuples(src, keys)) {
      const id = JSON.stringify(t);
      if (!seen.has(id)) {
        seen.add(id);
        valuesList.push(t);
      }
    }
  }
  if (keys.length > 1) valuesList = mergeValues(valuesList);

  let dest: JsonValue[] = base.slice();
  // When the target has no list, kyaml merges the patch's list node with itself: the same
  // node, so removals and in-place merges show on both sides.
  const selfMerge = origin === base;
  let items: JsonValue[] = [];
  let validKeys: string[] = [];
  for (const values of valuesList) {
    let validValues: string[];
    [validKeys, validValues] = validateKeys(valuesList, values, keys);
    const [mk, mv] = validateKeys([validValues], validValues, validKeys);
    const di = elementList(dest, mk, mv);
    const src = selfMerge ? dest : origin;
    const oi = src ? elementList(src, mk, mv) : -1;
    const de = di >= 0 ? dest[di] : undefined;
    const oe = oi >= 0 ? src?.[oi] : undefined;
    const r = walk(de, oe, undefined, ctx.elemType, ctx.path, ctx.schema);
    if (isEmpty(r.value)) {
      dest = setElement(dest, undefined, validKeys, validValues);
      continue;
    }
    let val = r.value as JsonValue;
    if (val === de || val === oe) val = copy(val);
    if (isMap(val)) {
      validKeys.forEach((k, i) => {
        const v = validValues[i] ?? '';
        if (k !== '' && (val as Record<string, JsonValue>)[k] === undefined && v !== '') {
          val = { ...(val as Record<string, JsonValue>), [k]: resolvePlainScalar(v) };
        }
      });
    }
    if (di >= 0 && r.inPlace) dest[di] = val;
    items = setElement(items, val, validKeys, validValues);
  }
  if (valuesList.length > 0) {
    // The target's elements (as merged) replace the matching items or follow them, matched on
    // the keys of the last tuple processed (kyaml reuses that variable).
    for (const e of dest.slice()) {
      if (keys[0] === '') {
        items = setElement(items, e, [''], [text(e)]);
        continue;
      }
      const v: string[] = [];
      for (const k of validKeys) {
        const f = field(e, k);
        if (f === undefined) items.push(e);
        else v.push(text(f));
      }
      if (validKeys.length > 1) items = setElement(items, undefined, validKeys, v);
      items = setElement(items, e, validKeys, v);
    }
  }
  return items.map((e) => copy(e));
}
