/**
 * Turns a YAML/JSON file into resources: every non-empty document, `List`s flattened, each checked
 * to be an object with a kind and a name.
 */
import type { JsonValue, KubeObject } from '../api/object.js';
import { RenderErrorCode, renderError } from './errors.js';
import type { RenderLimits } from './options.js';
import { isObject, type Resource } from './types.js';
import { parseYamlDocuments, parseYamlSourceDocuments, RawScalar } from './yaml/parse.js';

export function parseDocs(text: string, file: string, limits: RenderLimits): JsonValue[] {
  return parseYamlDocuments(text, file, {
    maxAliases: limits.maxYamlAliases,
    maxBytes: limits.maxTotalBytes,
  });
}

function isList(doc: Record<string, JsonValue>): boolean {
  const kind = doc.kind;
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(doc.items);
}

/**
 * Annotations as Kustomize loads them: values are strings, a non-string plain scalar gives its
 * source text (`1.50`, `0x1F`, `~` stay as written; parseResourceDocs put the text there, else
 * the value's own text), and an empty or null `annotations` is dropped. With `keepNull` (an
 * untargeted patch) null values stay (they delete) and so does the field.
 */
export function loadAnnotations(meta: Record<string, JsonValue>, keepNull: boolean): void {
  const m = meta.annotations;
  if (!isObject(m)) {
    if (m === null && !keepNull) delete meta.annotations;
    return;
  }
  let empty = true;
  for (const [k, v] of Object.entries(m)) {
    empty = false;
    if (typeof v === 'string') continue;
    if (v instanceof RawScalar) {
      m[k] = v.value === null && keepNull ? null : v.raw;
      continue;
    }
    if (v === null) {
      if (!keepNull) m[k] = '';
    } else if (typeof v === 'number' || typeof v === 'boolean') m[k] = String(v);
  }
  if (empty && !keepNull) delete meta.annotations;
}

function typedAnnotations(doc: unknown): boolean {
  if (!isObject(doc)) return false;
  const a = isObject(doc.metadata) ? doc.metadata.annotations : undefined;
  return isObject(a) && Object.values(a).some((v) => typeof v !== 'string' || TIMESTAMP.test(v));
}

/** How a plain timestamp (`2024-01-01`) reads: go-yaml v3 turns it into RFC 3339 text. */
const TIMESTAMP = /^\d{4}-\d\d?-\d\d?T/;

/**
 * Puts the source text of non-string annotation values (RawScalar) into `doc`. Not into the items
 * of a List: Kustomize reads those through JSON (`2.50` becomes "2.5").
 */
function withAnnotationText(doc: JsonValue, raw: unknown): void {
  if (!isObject(doc) || isList(doc) || typeof raw !== 'object' || raw === null) return;
  const r = raw as Record<string, unknown>;
  const a = isObject(doc.metadata) ? doc.metadata.annotations : undefined;
  const ra = (r.metadata as Record<string, unknown> | undefined)?.annotations as
    | Record<string, unknown>
    | undefined;
  if (!isObject(a) || typeof ra !== 'object' || ra === null) return;
  for (const [k, v] of Object.entries(a)) {
    const src = ra[k];
    if (src instanceof RawScalar && v !== src.raw) a[k] = src as unknown as JsonValue;
  }
}

/**
 * The documents of a resource (or patch) file, with non-string annotation values carrying their
 * source text for loadAnnotations (re-read only when there is such a value: rare).
 */
export function parseResourceDocs(text: string, file: string, limits: RenderLimits): JsonValue[] {
  const docs = parseDocs(text, file, limits);
  if (docs.some(typedAnnotations)) {
    const raw = parseYamlSourceDocuments(text, file, {
      maxAliases: limits.maxYamlAliases,
      maxBytes: limits.maxTotalBytes,
    });
    for (let i = 0; i < docs.length; i++) withAnnotationText(docs[i] as JsonValue, raw[i]);
  }
  return docs;
}

/** Validates one document as an object; `what` names it for messages. */
export function toObject(doc: JsonValue, what: string, requireName = true): KubeObject {
  if (!isObject(doc))
    throw renderError(RenderErrorCode.InvalidResource, `${what}: a document is not a mapping`);
  if (typeof doc.kind !== 'string' || doc.kind === '')
    throw renderError(RenderErrorCode.InvalidResource, `${what}: an object has no kind`);
  if (doc.apiVersion !== undefined && typeof doc.apiVersion !== 'string')
    throw renderError(RenderErrorCode.InvalidResource, `${what}: apiVersion must be a string`);
  const md = doc.metadata;
  if (md === undefined || md === null) {
    if (requireName)
      throw renderError(RenderErrorCode.InvalidResource, `${what}: ${doc.kind} has no metadata.name`);
    doc.metadata = {};
  } else if (!isObject(md))
    throw renderError(RenderErrorCode.InvalidResource, `${what}: ${doc.kind}: metadata is not a mapping`);
  const meta = doc.metadata as Record<string, JsonValue>;
  if (requireName && (typeof meta.name !== 'string' || meta.name === '')) {
    if (typeof meta.name === 'number' || typeof meta.name === 'boolean') meta.name = String(meta.name);
    else throw renderError(RenderErrorCode.InvalidResource, `${what}: ${doc.kind} has no metadata.name`);
  }
  loadAnnotations(meta, false);
  if (meta.namespace !== undefined && meta.namespace !== null && typeof meta.namespace !== 'string')
    meta.namespace = String(meta.namespace);
  return doc as unknown as KubeObject;
}

/**
 * Flattens Lists (recursively) into their items. Documents that are `{}` are dropped, as Kustomize
 * drops them (null, empty and comment-only documents never get here).
 */
export function flattenDocs(docs: readonly JsonValue[], what: string, out: KubeObject[] = []): KubeObject[] {
  for (const doc of docs) {
    if (isObject(doc) && Object.keys(doc).length === 0) continue;
    if (isObject(doc) && isList(doc)) {
      flattenDocs(doc.items as JsonValue[], what, out);
      continue;
    }
    out.push(toObject(doc, what));
  }
  return out;
}

export function resourcesFromText(text: string, file: string, limits: RenderLimits): Resource[] {
  const objs = flattenDocs(parseResourceDocs(text, file, limits), file);
  return objs.map((obj) => ({ obj, prev: [], source: file, origin: { path: file } }));
}
