/**
 * ignoreDifferences: fields that neither count as drift nor get overwritten. A rule selects
 * objects by group/kind/name/namespace and names fields by JSON pointer, by jq path expression
 * (evaluated on each object, see jq.ts), or by the field managers that own them (read from the
 * live object's managedFields, e.g. an HPA owning spec.replicas).
 */
import { TrueupError } from '../api/errors.js';
import type { JsonObject, JsonValue, KubeObject, ObjectRef } from '../api/object.js';
import type { JqEngine, JqPath } from './jq.js';
import { jsonEqual } from './normalize.js';
import { formatPointer, getAt, parsePointer, removeAll, setAt } from './pointer.js';

export interface IgnoreRule {
  /** API group ('' for core); '*' or absent matches any. */
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: readonly string[];
  /** Argo CD's jq path expressions, e.g. `.spec.template.spec.containers[] | select(.name == "istio-proxy")`. */
  jqPathExpressions?: readonly string[];
  managedFieldsManagers?: readonly string[];
}

/** ignoredPointers was asked for rules with jqPathExpressions without a jq engine (a wiring bug). */
export const JQ_ENGINE_MISSING = 'IgnoreDifferencesJqEngineMissing';

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

/** A jq path as a JSON pointer into `obj` (negative array indices counted from the end), or undefined. */
export function jqPathToPointer(path: JqPath, obj: JsonValue): string | undefined {
  const tokens: string[] = [];
  let cur: JsonValue | undefined = obj;
  for (const t of path) {
    if (typeof t === 'number') {
      if (!Array.isArray(cur) || !Number.isInteger(t)) return undefined;
      const i: number = t < 0 ? cur.length + t : t;
      if (i < 0) return undefined;
      tokens.push(String(i));
      cur = cur[i];
    } else {
      tokens.push(t);
      cur = isPlainObject(cur) ? cur[t] : undefined;
    }
  }
  return tokens.length === 0 ? undefined : formatPointer(tokens);
}

/**
 * The pointers of every field the `expressions` select in `obj`: what Argo CD's `del(EXPR)`
 * would remove from it. Evaluate on each side of a comparison separately (the same expression
 * can select a list item at a different index in live and desired). Throws a terminal
 * IgnoreDifferencesJqInvalid naming the expression when one is not valid jq.
 */
export function jqPointers(jq: JqEngine, expressions: readonly string[], obj: JsonValue): string[] {
  const out = new Set<string>();
  for (const e of expressions) {
    for (const path of jq.paths(e, obj)) {
      const p = jqPathToPointer(path, obj);
      if (p !== undefined) out.add(p);
    }
  }
  return [...out];
}

/**
 * Every ignored pointer for one object: the rules' JSON pointers, plus what their
 * managedFieldsManagers own and their jqPathExpressions select in `obj` (the live object, or
 * the other side of the comparison when called for it). Rules with jqPathExpressions need `jq`
 * (from loadJq()); without it this throws rather than silently ignore them.
 */
export function ignoredPointers(
  rules: readonly IgnoreRule[],
  ref: ObjectRef,
  obj?: KubeObject,
  jq?: JqEngine,
): string[] {
  const set = new Set<string>();
  for (const r of rulesFor(rules, ref)) {
    for (const p of r.jsonPointers ?? []) set.add(p);
    if (obj && r.managedFieldsManagers?.length) {
      for (const p of managerPointers(obj, r.managedFieldsManagers)) set.add(p);
    }
    if (obj && r.jqPathExpressions?.length) {
      if (!jq) {
        throw new TrueupError(
          JQ_ENGINE_MISSING,
          `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}: ignoreDifferences jqPathExpressions need the jq engine (loadJq)`,
        );
      }
      for (const p of jqPointers(jq, r.jqPathExpressions, obj as unknown as JsonValue)) set.add(p);
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
