/**
 * Turns a YAML/JSON file into resources: every non-empty document, `List`s flattened, each checked
 * to be an object with a kind and a name.
 */
import type { JsonValue, KubeObject } from '../api/object.js';
import { RenderErrorCode, renderError } from './errors.js';
import type { RenderLimits } from './options.js';
import { isObject, type Resource } from './types.js';
import { parseYamlDocuments } from './yaml/parse.js';

export function parseDocs(text: string, file: string, limits: RenderLimits): JsonValue[] {
  return parseYamlDocuments(text, file, { maxAliases: limits.maxYamlAliases, maxBytes: limits.maxFileBytes });
}

function isList(doc: Record<string, JsonValue>): boolean {
  const kind = doc.kind;
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(doc.items);
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
  // Kustomize rewrites annotations as strings (numbers and booleans by their text); labels stay as written.
  for (const key of ['annotations'] as const) {
    const m = meta[key];
    if (!isObject(m)) continue;
    for (const [k, v] of Object.entries(m)) {
      if (typeof v === 'number' || typeof v === 'boolean') m[k] = String(v);
      else if (v === null) m[k] = '';
    }
  }
  if (meta.namespace !== undefined && meta.namespace !== null && typeof meta.namespace !== 'string')
    meta.namespace = String(meta.namespace);
  return doc as unknown as KubeObject;
}

/** Flattens Lists (recursively) into their items. */
export function flattenDocs(docs: readonly JsonValue[], what: string, out: KubeObject[] = []): KubeObject[] {
  for (const doc of docs) {
    if (isObject(doc) && isList(doc)) {
      flattenDocs(doc.items as JsonValue[], what, out);
      continue;
    }
    out.push(toObject(doc, what));
  }
  return out;
}

export function resourcesFromText(text: string, file: string, limits: RenderLimits): Resource[] {
  const objs = flattenDocs(parseDocs(text, file, limits), file);
  return objs.map((obj) => ({ obj, prev: [], source: file, origin: { path: file } }));
}
