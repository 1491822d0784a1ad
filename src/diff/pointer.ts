/** RFC 6901 JSON pointers over plain JSON: parse, read, remove many at once, set. */
import type { JsonObject, JsonValue } from '../api/object.js';

export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  const body = pointer.startsWith('/') ? pointer.slice(1) : pointer;
  return body.split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function getAt(root: JsonValue | undefined, tokens: readonly string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = root;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isPlainObject(cur)) cur = Object.hasOwn(cur, t) ? cur[t] : undefined;
    else return undefined;
  }
  return cur;
}

const REMOVED = Symbol('removed');

/**
 * Removes every pointer's target from `root` (mutating it). All pointers refer to the document as
 * it was before any removal, so array indices stay meaningful when several elements go.
 */
export function removeAll(root: JsonObject, pointers: readonly string[]): void {
  if (pointers.length === 0) return;
  const touchedArrays = new Set<JsonValue[]>();
  for (const p of pointers) {
    const tokens = parsePointer(p);
    const last = tokens.pop();
    if (last === undefined) continue;
    const parent = getAt(root, tokens);
    if (Array.isArray(parent)) {
      const i = Number(last);
      if (Number.isInteger(i) && i >= 0 && i < parent.length) {
        (parent as unknown[])[i] = REMOVED;
        touchedArrays.add(parent);
      }
    } else if (isPlainObject(parent)) {
      delete parent[last];
    }
  }
  for (const arr of touchedArrays) {
    const kept = (arr as unknown[]).filter((x) => x !== REMOVED) as JsonValue[];
    arr.length = 0;
    arr.push(...kept);
  }
}

/** Sets the value at `tokens`, creating objects on the way; false when the path crosses a non-object. */
export function setAt(root: JsonObject, tokens: readonly string[], value: JsonValue): boolean {
  let cur: JsonValue = root;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i] as string;
    if (Array.isArray(cur)) {
      const next: JsonValue | undefined = cur[Number(t)];
      if (next === undefined || typeof next !== 'object' || next === null) return false;
      cur = next;
    } else if (isPlainObject(cur)) {
      let next: JsonValue | undefined = cur[t];
      if (next === undefined) {
        next = {};
        cur[t] = next;
      }
      if (typeof next !== 'object' || next === null) return false;
      cur = next;
    } else return false;
  }
  const last = tokens[tokens.length - 1];
  if (last === undefined) return false;
  if (Array.isArray(cur)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i > cur.length) return false;
    cur[i] = value;
    return true;
  }
  if (isPlainObject(cur)) {
    cur[last] = value;
    return true;
  }
  return false;
}
