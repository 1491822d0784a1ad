/**
 * YAML (and JSON) parsing for the renderer, with the value semantics Kustomize has: it reads
 * with go-yaml v3, so plain scalars resolve as go-yaml v3 resolves them (see resolve.ts) and
 * quoted scalars stay strings. js-yaml does the parsing (fast, already a dependency) with a
 * schema whose only implicit type is go-yaml v3's resolver; aliases are expanded into copies
 * under a node budget, so an alias bomb fails with a clear error instead of eating memory.
 */
import jsYaml from 'js-yaml';
import { TrueupError } from '../../api/errors.js';
import type { JsonValue } from '../../api/object.js';
import { resolvePlainScalar, resolvePlainScalarYaml11, UnrepresentableScalar } from './resolve.js';
import { decodeUtf8PerByte } from './utf8.js';

export interface YamlParseLimits {
  /** Most nodes that alias expansion may add per text. Default 100,000. */
  maxAliases?: number;
  /** Largest text accepted, in bytes. Default 32 MiB. */
  maxBytes?: number;
}

export const DEFAULT_YAML_LIMITS: Readonly<Required<YamlParseLimits>> = Object.freeze({
  maxAliases: 100_000,
  maxBytes: 32 * 1024 * 1024,
});

const goPlain = new jsYaml.Type('tag:trueup.dev,2026:go-plain', {
  kind: 'scalar',
  resolve: (data: unknown) => data !== '<<',
  construct: (data: string) => resolvePlainScalar(data),
});

function explicitScalar(tag: string, check: (v: unknown) => boolean) {
  return new jsYaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data: unknown) => typeof data !== 'string' || check(resolvePlainScalar(data)),
    construct: (data: unknown) => (typeof data === 'string' ? resolvePlainScalar(data) : null),
  });
}

const mergeKey = new jsYaml.Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<',
});

/**
 * Tags go-yaml does not know (local `!Ref`, foreign `!!python/object/apply:os.system`,
 * `!!js/function`, `!<tag:example.com,2000:x>`) are kept as plain data, as go-yaml decodes them:
 * a scalar is its text (never resolved to a number or boolean, never executed), a sequence or
 * mapping its content. The empty prefix matches every tag no other type claims.
 */
const unknownTags = (['scalar', 'sequence', 'mapping'] as const).map(
  (kind) =>
    new jsYaml.Type('', {
      kind,
      multi: true,
      construct: (data: unknown) => (kind === 'scalar' && data === null ? '' : data),
    }),
);

/** Go's base64.StdEncoding.DecodeString: padded, line breaks skipped, nothing else. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `!!binary`: go-yaml decodes the base64 into a Go string (bytes, printed as UTF-8 by JSON). */
const binary = new jsYaml.Type('tag:yaml.org,2002:binary', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && BASE64.test(data.replace(/[\r\n]/g, '')),
  construct: (data: string) => decodeUtf8PerByte(Buffer.from(data.replace(/[\r\n]/g, ''), 'base64')),
});

/**
 * A mapping key that go-yaml v3 resolves to a number, boolean, null or timestamp makes that map
 * a map[interface{}]interface{}, which Kustomize cannot turn into JSON: `kubectl kustomize`
 * fails ("json: unsupported type"). js-yaml would silently key by String(value). For texts
 * that may have such keys, plain scalars become RawScalar; js-yaml stringifies keys, which
 * records them, and the parse then fails the way Kustomize does. Values are unwrapped.
 */
let typedKeys: string[] = [];

/** A plain scalar that does not read as the string it is written as, with its source text. */
export class RawScalar {
  constructor(
    readonly raw: string,
    readonly value: string | number | boolean | null,
  ) {}
  get [Symbol.toStringTag](): string {
    return 'RawScalar';
  }
  toString(): string {
    typedKeys.push(this.raw);
    return this.raw;
  }
}

const goPlainRaw = new jsYaml.Type('tag:trueup.dev,2026:go-plain', {
  kind: 'scalar',
  resolve: (data: unknown) => data !== '<<',
  construct: (data: string) => {
    const v = resolvePlainScalar(data);
    return typeof v === 'string' && v === data ? v : new RawScalar(data, v);
  },
});

/** A plain mapping key that may resolve to a non-string (digits, sign, dot, ~, null, true, false). */
const MAY_HAVE_TYPED_KEY =
  /(?:^[ \t]*(?:- +)?|[{,][ \t]*)(?:[0-9+\-.~][^:#\n{},]*|null|Null|NULL|true|True|TRUE|false|False|FALSE)[ \t]*:(?:[ \t]|$)/m;

function unwrapRaw(v: unknown): unknown {
  if (v instanceof RawScalar) return v.value;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = unwrapRaw(v[i]);
  } else if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = unwrapRaw(o[k]);
  }
  return v;
}

/** The explicit tags go-yaml v3 checks (`!!int 3`, `!!bool true`, ...), the same in every schema here. */
const EXPLICIT_TAGS = [
  explicitScalar('int', (v) => typeof v === 'number' && Number.isInteger(v)),
  explicitScalar('float', (v) => typeof v === 'number'),
  explicitScalar('bool', (v) => typeof v === 'boolean'),
  explicitScalar('null', (v) => v === null),
  explicitScalar('timestamp', (v) => typeof v === 'string'),
  binary,
  ...unknownTags,
];

const SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [goPlain, mergeKey],
  explicit: EXPLICIT_TAGS,
});

const RAW_KEY_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [goPlainRaw, mergeKey],
  explicit: EXPLICIT_TAGS,
});

const goPlainYaml11 = new jsYaml.Type('tag:trueup.dev,2026:go-plain', {
  kind: 'scalar',
  resolve: (data: unknown) => data !== '<<',
  construct: (data: string) => resolvePlainScalarYaml11(data),
});

const YAML11_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [goPlainYaml11, mergeKey],
  explicit: (SCHEMA as unknown as { explicit: jsYaml.Type[] }).explicit,
});

/** An alias (`*name` after an indicator or at a line start) or a merge key somewhere in the text. */
const MAY_HAVE_ALIAS = /(?:^|[\s[{,:-])\*[^\s,\]}]|<<\s*:/m;

/** Escapes go-yaml refuses in double-quoted scalars (js-yaml accepts them): `\/`, surrogates. */
const MAY_HAVE_GO_BAD_ESCAPE = /\\\/|\\u[dD][89a-fA-F]|\\U0000[dD][89a-fA-F]/;

/** The first escape of a double-quoted scalar's source that go-yaml refuses, if any. */
function badEscape(raw: string): string | undefined {
  let i = raw.indexOf('"');
  if (i < 0) return undefined;
  for (i++; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"') return undefined;
    if (c !== '\\') continue;
    const e = raw[i + 1];
    if (e === '/') return 'found unknown escape character \\/';
    if (e === 'u' || e === 'U') {
      const hex = raw.slice(i + 2, i + (e === 'u' ? 6 : 10));
      const cp = Number.parseInt(hex, 16);
      if (cp >= 0xd800 && cp <= 0xdfff) return `found invalid Unicode character escape code \\${e}${hex}`;
    }
    i++;
  }
  return undefined;
}

/** Re-reads a text that may hold such escapes, checking every double-quoted scalar's source. */
function checkGoEscapes(text: string, file: string): void {
  const starts: number[] = [];
  jsYaml.loadAll(text, undefined, {
    schema: jsYaml.FAILSAFE_SCHEMA,
    listener(event, state) {
      if (event === 'open') {
        starts.push(state.position);
        return;
      }
      const start = starts.pop() ?? 0;
      if (state.kind !== 'scalar') return;
      const raw = text.slice(start, state.position);
      const props = /^\s*(?:(?:![^\s]*|&[^\s]+)\s+)*/.exec(raw)?.[0].length ?? 0;
      if (raw[props] !== '"') return;
      const bad = badEscape(raw.slice(props));
      if (bad) fail(`${file}:${state.line + 1}`, `invalid YAML: ${bad}`);
    },
  });
}

function fail(file: string, message: string, cause?: unknown): never {
  throw new TrueupError('RENDER_YAML_INVALID', `${file}: ${message}`, cause === undefined ? {} : { cause });
}

function describeLoadError(file: string, err: unknown): never {
  if (err instanceof TrueupError) throw err;
  if (err instanceof jsYaml.YAMLException) {
    const mark = err.mark as { line?: number; column?: number } | undefined;
    const where = mark?.line === undefined ? file : `${file}:${mark.line + 1}:${(mark.column ?? 0) + 1}`;
    throw new TrueupError('RENDER_YAML_INVALID', `${where}: invalid YAML: ${err.reason}`, { cause: err });
  }
  if (err instanceof UnrepresentableScalar) fail(file, err.message, err);
  fail(file, `invalid YAML: ${(err as Error).message}`, err);
}

/**
 * Refuses an alias to a node that contains it (`&a [*a]`), also as a merge key (`&a {y: {<<: *a}}`):
 * go-yaml loops or crashes on them, js-yaml would hand back a cyclic or half-built value. A
 * collection closes after everything in it, so an alias (a node without a kind) that resolves
 * to a collection not closed yet points at one of its own ancestors.
 */
function aliasCycleListener(file: string): NonNullable<jsYaml.LoadOptions['listener']> {
  const closed = new WeakSet<object>();
  return (event, state) => {
    if (event !== 'close') return;
    const r = (state as { result?: unknown }).result;
    if (typeof r !== 'object' || r === null) return;
    if (state.kind !== null) closed.add(r);
    else if (!closed.has(r))
      fail(
        `${file}:${state.line + 1}`,
        'YAML alias cycle: an alias (or merge key <<) refers to a node that contains it',
      );
  };
}

/**
 * js-yaml hands every alias the anchored value itself. Give each occurrence its own copy (the
 * renderer mutates objects in place), counting the copied nodes against the budget.
 */
function unshare(docs: unknown[], file: string, budget: number): void {
  const seen = new Set<object>();
  let left = budget;
  const copy = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null || v instanceof RawScalar) return v;
    if (--left < 0) {
      fail(file, `YAML aliases expand to more than ${budget} nodes (alias bomb?); refusing to expand`);
    }
    if (Array.isArray(v)) return v.map(copy);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k]);
    return out;
  };
  const visit = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null || v instanceof RawScalar) return v;
    if (seen.has(v)) return copy(v);
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = visit(v[i]);
    } else {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = visit(o[k]);
    }
    return v;
  };
  for (let i = 0; i < docs.length; i++) docs[i] = visit(docs[i]);
}

/** All non-empty documents of a multi-doc YAML (or JSON) text. */
export function parseYamlDocuments(text: string, file: string, limits?: YamlParseLimits): JsonValue[] {
  return parseDocs(text, file, limits, false);
}

/**
 * Documents read with YAML 1.1 scalar rules (go-yaml v2 via sigs.k8s.io/yaml): `yes`, `on`, `y`
 * are booleans. Kustomize reads JSON 6902 patches written in YAML this way.
 */
export function parseYaml11Documents(text: string, file: string, limits?: YamlParseLimits): JsonValue[] {
  return parseDocs(text, file, limits, true);
}

/**
 * The documents of a text already read by parseYamlDocuments, with every plain scalar that does
 * not read as the string it is written as (numbers, booleans, null, timestamps) left as a
 * RawScalar holding its source text: Kustomize keeps the text of some fields (annotation values).
 * Slower; for the rare text that needs it.
 */
export function parseYamlSourceDocuments(text: string, file: string, limits?: YamlParseLimits): unknown[] {
  return parseDocs(text, file, limits, 'source') as unknown[];
}

/**
 * Small texts read more than once (an inline patch repeated in every app's overlay; a JSON patch
 * is read once as a possible strategic merge, then as YAML 1.1): a render runs mostly cold code,
 * where a parse costs ~100 µs. A text is remembered when first seen and its documents from the
 * second time on; each caller gets its own copy (renderers mutate what they parse). Texts with
 * aliases are not remembered (their expansion depends on the caller's budget), nor are failures.
 */
const MEMO_MAX_TEXT = 2048;
const MEMO_MAX_ENTRIES = 4096;
const SEEN_ONCE = 0;
const memo: Map<string, JsonValue[] | typeof SEEN_ONCE>[] = [new Map(), new Map()];

function copyJson(v: JsonValue): JsonValue {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<JsonValue>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyJson(v[i] as JsonValue);
    return out;
  }
  const out: { [key: string]: JsonValue } = {};
  for (const k of Object.keys(v)) {
    const value = copyJson(v[k] as JsonValue);
    // a `__proto__` key from YAML is data: an assignment would set the prototype instead
    if (k === '__proto__')
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return out;
}

function parseDocs(
  text: string,
  file: string,
  limits: YamlParseLimits | undefined,
  yaml11: boolean | 'source',
): JsonValue[] {
  const maxBytes = limits?.maxBytes ?? DEFAULT_YAML_LIMITS.maxBytes;
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes)) {
    fail(file, `file is larger than the limit of ${maxBytes} bytes`);
  }
  const aliases = MAY_HAVE_ALIAS.test(text);
  const cache =
    yaml11 === 'source' || aliases || text.length > MEMO_MAX_TEXT ? undefined : memo[yaml11 ? 1 : 0];
  const known = cache?.get(text);
  if (known !== undefined && known !== SEEN_ONCE) return known.map(copyJson);
  const docs = parseUncached(text, file, limits, yaml11, aliases);
  if (cache !== undefined && (known === SEEN_ONCE || cache.size < MEMO_MAX_ENTRIES)) {
    if (known === SEEN_ONCE) {
      cache.set(text, docs);
      return docs.map(copyJson);
    }
    cache.set(text, SEEN_ONCE);
  }
  return docs;
}

function parseUncached(
  text: string,
  file: string,
  limits: YamlParseLimits | undefined,
  yaml11: boolean | 'source',
  aliases: boolean,
): JsonValue[] {
  const load = (schema: jsYaml.Schema) =>
    jsYaml.loadAll(text, undefined, {
      filename: file,
      schema,
      ...(aliases ? { listener: aliasCycleListener(file) } : {}),
    });
  let docs: unknown[];
  try {
    if (yaml11 === 'source') {
      typedKeys = [];
      docs = load(RAW_KEY_SCHEMA).map((d) => (d instanceof RawScalar && d.value === null ? null : d));
      typedKeys = [];
    } else if (yaml11) {
      docs = load(YAML11_SCHEMA);
    } else if (MAY_HAVE_TYPED_KEY.test(text)) {
      typedKeys = [];
      docs = load(RAW_KEY_SCHEMA);
      const [key] = typedKeys;
      typedKeys = [];
      if (key !== undefined) {
        fail(
          file,
          `mapping key ${JSON.stringify(key)} is not a string (quote it: Kustomize cannot render non-string keys)`,
        );
      }
      for (let i = 0; i < docs.length; i++) docs[i] = unwrapRaw(docs[i]);
    } else {
      docs = load(SCHEMA);
    }
  } catch (err) {
    describeLoadError(file, err);
  }
  if (MAY_HAVE_GO_BAD_ESCAPE.test(text)) checkGoEscapes(text, file);
  const out = docs.filter((d) => d !== null && d !== undefined);
  if (aliases) {
    unshare(out, file, limits?.maxAliases ?? DEFAULT_YAML_LIMITS.maxAliases);
  }
  return out as JsonValue[];
}

/** Exactly one document (a kustomization); same errors. Empty text -> null. */
export function parseYamlDocument(text: string, file: string, limits?: YamlParseLimits): JsonValue {
  const docs = parseYamlDocuments(text, file, limits);
  if (docs.length > 1) fail(file, `expected one YAML document, found ${docs.length}`);
  return docs[0] ?? null;
}
