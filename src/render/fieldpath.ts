/**
 * Dotted field paths of vars and replacements: `spec.template.spec.containers.[name=app].image`,
 * `spec.ports[0].port`, `metadata.annotations.[a.b/c]`, `*` for every element.
 */
import type { JsonObject, JsonValue } from '../api/object.js';
import { isObject } from './types.js';

export function parseFieldPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of path) {
    if (c === '[') {
      if (depth === 0 && cur !== '') {
        out.push(cur);
        cur = '';
      }
      depth++;
      cur += c;
    } else if (c === ']') {
      depth--;
      cur += c;
      if (depth === 0) {
        out.push(cur);
        cur = '';
      }
    } else if (c === '.' && depth === 0) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** A place in a document: the parent container and the key or index there. */
export interface Slot {
  parent: JsonObject | JsonValue[];
  key: string | number;
}

function step(node: JsonValue, seg: string, create: boolean, nextIsList: boolean): Slot[] {
  if (seg.startsWith('[') && seg.endsWith(']')) {
    const inner = seg.slice(1, -1);
    const eq = inner.indexOf('=');
    if (Array.isArray(node)) {
      if (eq < 0) {
        const i = Number(inner);
        return Number.isInteger(i) && i >= 0 && i < node.length ? [{ parent: node, key: i }] : [];
      }
      const k = inner.slice(0, eq);
      const v = inner.slice(eq + 1);
      const out: Slot[] = [];
      node.forEach((el, i) => {
        if (isObject(el) && String(el[k]) === v) out.push({ parent: node, key: i });
      });
      if (out.length === 0 && create) {
        node.push({ [k]: v });
        out.push({ parent: node, key: node.length - 1 });
      }
      return out;
    }
    if (isObject(node) && eq < 0) {
      if (inner in node || create) return [{ parent: node, key: inner }];
    }
    return [];
  }
  if (Array.isArray(node)) {
    if (seg === '*') return node.map((_, i) => ({ parent: node, key: i }));
    const i = seg === '-' ? node.length : Number(seg);
    if (Number.isInteger(i) && i >= 0 && i < node.length) return [{ parent: node, key: i }];
    if (create && i === node.length) {
      node.push(nextIsList ? [] : {});
      return [{ parent: node, key: i }];
    }
    return [];
  }
  if (!isObject(node)) return [];
  if (seg === '*') return Object.keys(node).map((k) => ({ parent: node, key: k }));
  if (seg in node && node[seg] !== null) return [{ parent: node, key: seg }];
  if (create) {
    node[seg] = nextIsList ? [] : {};
    return [{ parent: node, key: seg }];
  }
  return [];
}

export function getSlot(s: Slot): JsonValue | undefined {
  return Array.isArray(s.parent) ? s.parent[s.key as number] : s.parent[s.key as string];
}

export function setSlot(s: Slot, v: JsonValue): void {
  if (Array.isArray(s.parent)) s.parent[s.key as number] = v;
  else s.parent[s.key as string] = v;
}

/** Every slot the path reaches; with `create`, missing maps (and list items by key) are made. */
export function findSlots(root: JsonValue, segments: readonly string[], create = false): Slot[] {
  let frontier: Slot[] = [{ parent: [root], key: 0 }];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const next: Slot[] = [];
    const last = i === segments.length - 1;
    const nextSeg = segments[i + 1];
    const nextIsList =
      nextSeg !== undefined &&
      ((nextSeg.startsWith('[') && nextSeg.includes('=')) || /^(\d+|-)$/.test(nextSeg));
    for (const s of frontier) {
      const node = getSlot(s);
      if (node === undefined || node === null) continue;
      if (last) {
        // the final segment may name a field that does not exist yet
        next.push(...step(node, seg, create, false));
      } else next.push(...step(node, seg, create, nextIsList));
    }
    frontier = next;
  }
  return frontier;
}
