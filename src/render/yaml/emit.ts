/**
 * YAML output byte for byte as `kubectl kustomize` prints it. Kustomize turns each resource into
 * JSON and then into YAML with sigs.k8s.io/yaml (go-yaml v2, a libyaml port): keys in go-yaml
 * v2's "natural" order, strings quoted when YAML 1.1 would read them as something else, multi-
 * line strings as literal blocks, block sequences not indented under their key, long lines
 * folded at 80 columns. This file reproduces that emitter for JSON values; the scalar
 * decisions (style, quoting, folding) live in emit-scalar.ts.
 */
import type { JsonValue, KubeObject } from '../../api/object.js';
import { compareKeys } from './key-order.js';
import { plainResolvesToString } from './scalar.js';
import { plainSafeAscii, Writer } from './writer.js';

/** Multi-document YAML as `kubectl kustomize` prints it. */
export function emitYamlDocuments(objects: readonly (JsonValue | KubeObject)[]): string {
  const docs: string[] = [];
  for (const o of objects) docs.push(emitYamlDocument(o as JsonValue));
  return docs.join('---\n');
}

/** One document (no separator), ending with a newline. */
export function emitYamlDocument(value: JsonValue): string {
  const w = new Writer();
  emitNode(w, value, Context.Root);
  w.writeIndent(); // document end
  return w.text();
}

const Context = { Root: 0, Mapping: 1, Sequence: 2, Key: 3 } as const;
type Context = (typeof Context)[keyof typeof Context];

function isObject(v: JsonValue): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function emitNode(w: Writer, v: JsonValue, ctx: Context): void {
  if (Array.isArray(v)) {
    if (v.length === 0) w.writeIndicator('[]', true, false, false);
    else emitBlockSequence(w, v, ctx);
  } else if (isObject(v)) {
    // Keys holding `undefined` are absent (as in JSON.stringify).
    let keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      if (v[keys[i] as string] === undefined) {
        keys = keys.filter((k) => v[k] !== undefined);
        break;
      }
    }
    if (keys.length === 0) w.writeIndicator('{}', true, false, false);
    else emitBlockMapping(w, v, sortedKeys(keys));
  } else {
    w.scalar(v, ctx === Context.Key);
  }
}

/**
 * Maps of the same keys recur across objects (metadata, labels, containers); go-yaml's key order
 * is costly to compute for keys with dots and slashes (labels, annotations), so each key list's
 * order is remembered (bounded), under the keys joined by NUL. A key may hold a NUL itself, so a
 * hit is checked against the list it was remembered for; a list that does not match is sorted.
 */
const keyOrders = new Map<string, { keys: string[]; sorted: string[] }>();

function sortedKeys(keys: string[]): string[] {
  if (keys.length < 2) return keys;
  const id = keys.join('\0');
  const known = keyOrders.get(id);
  if (known !== undefined) {
    if (sameKeys(known.keys, keys)) return known.sorted;
    return keys.sort(compareKeys);
  }
  const sorted = [...keys].sort(compareKeys);
  if (keyOrders.size < 10_000) keyOrders.set(id, { keys, sorted });
  return sorted;
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function emitBlockMapping(w: Writer, map: { [key: string]: JsonValue }, keys: string[]): void {
  w.increaseIndent(false, false);
  for (const key of keys) {
    w.writeIndent();
    if (key.length <= 128 && plainSafeAscii(key) && plainResolvesToString(key)) {
      // most keys: simple (ASCII, at most 128 bytes) and plain, written as the scalar path would
      w.writePlainKey(key);
    } else if (w.isSimpleKey(key)) {
      w.scalar(key, true);
      w.writeIndicator(':', false, false, false);
    } else {
      w.writeIndicator('?', true, false, true);
      w.scalar(key, false);
      w.writeIndent();
      w.writeIndicator(':', true, false, true);
    }
    emitNode(w, map[key] as JsonValue, Context.Mapping);
  }
  w.popIndent();
}

function emitBlockSequence(w: Writer, seq: JsonValue[], ctx: Context): void {
  w.increaseIndent(false, ctx === Context.Mapping && !w.indention);
  for (const item of seq) {
    w.writeIndent();
    w.writeIndicator('-', true, false, true);
    emitNode(w, item, Context.Sequence);
  }
  w.popIndent();
}
