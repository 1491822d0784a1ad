/**
 * Field specs: "this path in objects of this kind" — how Kustomize says where labels, names,
 * images, namespaces and references live. Paths are `/`-separated (`\/` escapes a slash);
 * a list on the way is walked element by element (`[]` after a segment says so explicitly).
 */
import type { JsonObject, JsonValue } from '../api/object.js';
import { isObject, type ResId } from './types.js';

export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

export function specSelects(spec: { group?: string; version?: string; kind?: string }, id: ResId): boolean {
  if (spec.kind && spec.kind !== id.kind) return false;
  if (spec.group !== undefined && spec.group !== '' && spec.group !== id.group) return false;
  if (spec.version && spec.version !== id.version) return false;
  return true;
}

const pathCache = new Map<string, string[]>();

export function splitPath(path: string): string[] {
  const cached = pathCache.get(path);
  if (cached) return cached;
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && path[i + 1] === '/') {
      cur += '/';
      i++;
    } else if (c === '/') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  const segs = out.filter((s) => s !== '');
  // bounded: custom configurations come from untrusted trees and the controller runs for long
  if (pathCache.size > 2000) pathCache.clear();
  pathCache.set(path, segs);
  return segs;
}

/**
 * Calls `visit(parent, key)` for every place the path reaches in `root`; with `create`, missing
 * maps on the way are made (the final field is left to `visit`, which sees it absent).
 */
export function visitPath(
  root: JsonValue,
  segments: readonly string[],
  create: boolean,
  visit: (parent: JsonObject, key: string) => void,
  from = 0,
): void {
  if (Array.isArray(root)) {
    for (const el of root) visitPath(el, segments, create, visit, from);
    return;
  }
  if (!isObject(root)) return;
  let key = segments[from];
  if (key === undefined) return;
  let mayCreate = create;
  if (key.endsWith('[]')) {
    key = key.slice(0, -2);
    mayCreate = false;
  }
  if (from === segments.length - 1) {
    if (key in root || create) visit(root, key);
    return;
  }
  let child = root[key];
  if (child === undefined || child === null) {
    if (!mayCreate) return;
    child = {};
    root[key] = child;
  }
  visitPath(child, segments, create, visit, from + 1);
}

/** Runs `visit` for every spec that selects `id`, on `obj`. */
export function visitSpecs(
  obj: JsonObject,
  id: ResId,
  specs: readonly FieldSpec[],
  visit: (parent: JsonObject, key: string, spec: FieldSpec) => void,
): void {
  for (const spec of specs) {
    if (!specSelects(spec, id)) continue;
    visitPath(obj, splitPath(spec.path), spec.create === true, (p, k) => visit(p, k, spec));
  }
}
