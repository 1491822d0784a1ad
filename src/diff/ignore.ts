/**
 * ignoreDifferences: fields that neither count as drift nor get overwritten. A rule selects
 * objects by group/kind/name/namespace and names fields by JSON pointer, or by the field
 * managers that own them (read from the live object's managedFields, e.g. an HPA owning
 * spec.replicas).
 */
import type { JsonObject, JsonValue, KubeObject, ObjectRef } from '../api/object.js';
import { jsonEqual } from './normalize.js';
import { formatPointer, getAt, parsePointer, removeAll, setAt } from './pointer.js';

export interface IgnoreRule {
  /** API group ('' for core); '*' or absent matches any. */
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: readonly string[];
  managedFieldsManagers?: readonly string[];
}

function matches(pattern: string | undefined, value: string): boolean {
  return pattern === undefined || pattern === '*' || pattern === value;
}

export function rulesFor(rules: readonly IgnoreRule[], ref: ObjectRef): IgnoreRule[] {
  return rules.filter(
    (r) =>
      matches(r.group, ref.group) &&
      matches(r.kind, ref.kind) &&
      matches(r.name, ref.name) &&
      (r.namespace === undefined || r.namespace === '*' || r.namespace === ref.namespace),
  );
}

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Turns a managedFields `fieldsV1` set into JSON pointers to the leaves it owns in `live`
 * (`f:name` fields, `k:{...}` list items by key, `v:...` set items by value).
 */
export function fieldsV1ToPointers(fields: JsonObject, live: JsonValue | undefined): string[] {
  const out: string[] = [];
  const walk = (node: JsonObject, value: JsonValue | undefined, path: string[]) => {
    const children = Object.keys(node).filter((k) => k !== '.');
    if (children.length === 0) {
      if (path.length > 0) out.push(formatPointer(path));
      return;
    }
    for (const key of children) {
      const child = node[key];
      const childNode = isPlainObject(child) ? child : {};
      if (key.startsWith('f:')) {
        const name = key.slice(2);
        const v = isPlainObject(value) ? value[name] : undefined;
        walk(childNode, v, [...path, name]);
      } else if (key.startsWith('k:') && Array.isArray(value)) {
        let keyObj: JsonObject;
        try {
          keyObj = JSON.parse(key.slice(2)) as JsonObject;
        } catch {
          continue;
        }
        const i = value.findIndex(
          (item) => isPlainObject(item) && Object.entries(keyObj).every(([k, kv]) => jsonEqual(item[k], kv)),
        );
        if (i >= 0) walk(childNode, value[i], [...path, String(i)]);
      } else if (key.startsWith('v:') && Array.isArray(value)) {
        let item: JsonValue;
        try {
          item = JSON.parse(key.slice(2)) as JsonValue;
        } catch {
          continue;
        }
        const i = value.findIndex((x) => jsonEqual(x, item));
        if (i >= 0) out.push(formatPointer([...path, String(i)]));
      }
    }
  };
  walk(fields, live as JsonValue, []);
  return out;
}

/** Pointers owned by the given managers in `live` (main resource only, not the status subresource). */
export function managerPointers(live: KubeObject, managers: readonly string[]): string[] {
  const entries = live.metadata.managedFields;
  if (!Array.isArray(entries)) return [];
  const out: string[] = [];
  for (const e of entries) {
    if (!isPlainObject(e) || typeof e.manager !== 'string' || !managers.includes(e.manager)) continue;
    if (e.subresource === 'status') continue;
    if (isPlainObject(e.fieldsV1)) out.push(...fieldsV1ToPointers(e.fieldsV1, live as unknown as JsonObject));
  }
  return out;
}

/** Every ignored pointer for one object, given the live object (for managedFieldsManagers). */
export function ignoredPointers(rules: readonly IgnoreRule[], ref: ObjectRef, live?: KubeObject): string[] {
  const set = new Set<string>();
  for (const r of rulesFor(rules, ref)) {
    for (const p of r.jsonPointers ?? []) set.add(p);
    if (live && r.managedFieldsManagers?.length) {
      for (const p of managerPointers(live, r.managedFieldsManagers)) set.add(p);
    }
  }
  return [...set];
}

/** A copy of `obj` without the ignored fields. */
export function withoutIgnored<T extends JsonObject | KubeObject>(obj: T, pointers: readonly string[]): T {
  const copy = structuredClone(obj);
  removeAll(copy as JsonObject, pointers);
  return copy;
}

/**
 * The object to apply so that ignored fields are not overwritten: each ignored field takes the
 * live value (so force-apply writes back what is there), or is left out when live has none.
 */
export function respectIgnored(
  desired: KubeObject,
  live: KubeObject | undefined,
  pointers: readonly string[],
): KubeObject {
  if (!live || pointers.length === 0) return desired;
  const copy = structuredClone(desired);
  const absent: string[] = [];
  for (const p of pointers) {
    const tokens = parsePointer(p);
    if (tokens[0] === 'metadata' && (tokens[1] === 'name' || tokens[1] === 'namespace')) continue;
    // Only fields the desired object sets: never claim a field Git does not mention.
    if (getAt(copy as unknown as JsonObject, tokens) === undefined) continue;
    const liveValue = getAt(live as unknown as JsonObject, tokens);
    if (liveValue === undefined) absent.push(p);
    else if (!setAt(copy as unknown as JsonObject, tokens, structuredClone(liveValue))) absent.push(p);
  }
  removeAll(copy as unknown as JsonObject, absent);
  return copy;
}
