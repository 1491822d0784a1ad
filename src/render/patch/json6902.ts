/**
 * RFC 6902 JSON patch as Kustomize v5.5 applies it (evanphx/json-patch), checked against
 * `kubectl kustomize`: `add` needs the parent to exist and replaces an existing key; `replace`
 * of a missing object key adds it; `remove` of a missing path fails; `-` appends on `add` only;
 * `test` compares deeply; unknown ops fail. Own implementation (fast-json-patch refuses a
 * `replace` of a missing key, which Kustomize accepts).
 */
import { isDeepStrictEqual } from 'node:util';
import { TrueupError } from '../../api/errors.js';
import type { JsonObject, JsonValue, KubeObject } from '../../api/object.js';
import { parseYaml11Documents, type YamlParseLimits } from '../yaml/parse.js';
import { copy, isMap } from './strategic-merge.js';

class OpError extends Error {}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new OpError(`invalid JSON pointer ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

type Container = JsonObject | JsonValue[];

/** Go's strconv.Atoi on an array token; negative indices count from the end (evanphx/json-patch v4). */
function atoi(t: string): number {
  if (!/^[+-]?[0-9]+$/.test(t)) throw new OpError(`invalid array index ${JSON.stringify(t)}`);
  return Number(t);
}

/** An index of `arr` to read or overwrite (negative from the end). */
function existingIndex(arr: JsonValue[], t: string): number {
  let i = atoi(t);
  if (i < 0) {
    if (i < -arr.length) throw new OpError(`unable to access invalid index: ${i}`);
    i += arr.length;
  }
  if (i >= arr.length) throw new OpError(`unable to access invalid index: ${i}`);
  return i;
}

/** The value at one token of a container, undefined when absent. */
function child(c: JsonValue, t: string): JsonValue | undefined {
  if (Array.isArray(c)) {
    try {
      return c[existingIndex(c, t)];
    } catch {
      return undefined;
    }
  }
  if (isMap(c)) return Object.hasOwn(c, t) ? c[t] : undefined;
  return undefined;
}

/** The container holding the last token of `tokens`, and that token ("doc is missing path" otherwise). */
function locate(doc: JsonValue, tokens: string[], path: string): [Container, string] {
  let cur: JsonValue = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const next = child(cur, tokens[i] as string);
    if (next === undefined || next === null || typeof next !== 'object') {
      throw new OpError(`doc is missing path: ${JSON.stringify(path)}`);
    }
    cur = next;
  }
  if (typeof cur !== 'object' || cur === null)
    throw new OpError(`doc is missing path: ${JSON.stringify(path)}`);
  return [cur, tokens[tokens.length - 1] as string];
}

function get(doc: JsonValue, path: string): JsonValue | undefined {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const [c, t] = locate(doc, tokens, path);
  if (Array.isArray(c)) return c[existingIndex(c, t)];
  return Object.hasOwn(c, t) ? c[t] : undefined;
}

function add(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const [c, t] = locate(doc, tokens, path);
  if (Array.isArray(c)) {
    if (t === '-') c.push(value);
    else {
      let i = atoi(t);
      const size = c.length + 1;
      if (i >= size || i < -size) throw new OpError(`unable to access invalid index: ${i}`);
      if (i < 0) i += size;
      c.splice(i, 0, value);
    }
  } else c[t] = value;
  return doc;
}

function remove(doc: JsonValue, path: string): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw new OpError('cannot remove the whole document');
  const [c, t] = locate(doc, tokens, path);
  if (Array.isArray(c)) c.splice(existingIndex(c, t), 1);
  else {
    if (!Object.hasOwn(c, t)) throw new OpError(`unable to remove nonexistent key: ${t}: missing value`);
    delete c[t];
  }
  return doc;
}

function replace(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) {
    if (typeof value !== 'object' || value === null)
      throw new OpError('replace operation value must be object or array');
    return value;
  }
  const [c, t] = locate(doc, tokens, path);
  // A missing object key is added (evanphx/json-patch v4 only checks arrays).
  if (Array.isArray(c)) c[existingIndex(c, t)] = value;
  else c[t] = value;
  return doc;
}

function applyOp(doc: JsonValue, op: JsonObject): JsonValue {
  const kind = op.op;
  const path = op.path;
  if (typeof kind !== 'string') throw new OpError('operation has no "op"');
  if (typeof path !== 'string') throw new OpError('operation has no "path"');
  const value = (): JsonValue => {
    if (!('value' in op)) throw new OpError(`${kind} operation has no "value"`);
    return copy(op.value as JsonValue);
  };
  const from = (): string => {
    if (typeof op.from !== 'string') throw new OpError(`${kind} operation has no "from"`);
    return op.from;
  };
  switch (kind) {
    case 'add':
      return add(doc, path, value());
    case 'remove':
      return remove(doc, path);
    case 'replace':
      return replace(doc, path, value());
    case 'move': {
      const f = from();
      const v = get(doc, f);
      return add(remove(doc, f), path, v === undefined ? null : v);
    }
    case 'copy': {
      const v = get(doc, from());
      return add(doc, path, v === undefined ? null : copy(v));
    }
    case 'test': {
      const expected = 'value' in op ? (op.value as JsonValue) : null;
      const actual = get(doc, path);
      // A missing value passes a test against null.
      if (actual === undefined ? expected !== null : !isDeepStrictEqual(actual, expected)) {
        throw new OpError(`testing value ${path} failed`);
      }
      return doc;
    }
    default:
      throw new OpError(`unexpected kind: ${kind}`);
  }
}

function describe(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name ?? ''}`;
}

/** RFC 6902 ops as Kustomize applies them; errors name `where` and the failing op. Returns a new object. */
export function applyJson6902(target: KubeObject, ops: readonly JsonValue[], where: string): KubeObject {
  let doc: JsonValue = copy(target as unknown as JsonObject);
  ops.forEach((op, i) => {
    const label = isMap(op) ? `${String(op.op)} ${String(op.path)}` : 'not an object';
    try {
      if (!isMap(op)) throw new OpError('each operation must be a map');
      doc = applyOp(doc, op);
    } catch (err) {
      if (!(err instanceof OpError)) throw err;
      throw new TrueupError(
        'RENDER_PATCH_FAILED',
        `${where}: JSON patch operation ${i + 1} (${label}) on ${describe(target)}: ${err.message}`,
        { cause: err },
      );
    }
  });
  if (!isMap(doc)) {
    throw new TrueupError(
      'RENDER_PATCH_FAILED',
      `${where}: JSON patch turned ${describe(target)} into a non-object`,
    );
  }
  return doc as unknown as KubeObject;
}

/**
 * The operations of a JSON 6902 patch text as Kustomize reads them: a text starting with `[`
 * is JSON; anything else is YAML read with YAML 1.1 scalars (go-yaml v2 via sigs.k8s.io/yaml),
 * so `value: yes` is the boolean true there, unlike in resources. Must be a list.
 */
export function parseJson6902Patch(text: string, where: string, limits?: YamlParseLimits): JsonValue[] {
  let doc: unknown;
  if (text.startsWith('[')) {
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new TrueupError(
        'RENDER_PATCH_FAILED',
        `${where}: invalid JSON patch: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  } else {
    const docs = parseYaml11Documents(text, where, limits);
    if (docs.length > 1) {
      throw new TrueupError('RENDER_PATCH_FAILED', `${where}: a JSON 6902 patch must be one document`);
    }
    doc = docs[0] ?? [];
  }
  if (!Array.isArray(doc)) {
    throw new TrueupError('RENDER_PATCH_FAILED', `${where}: a JSON 6902 patch must be a list of operations`);
  }
  return doc as JsonValue[];
}
