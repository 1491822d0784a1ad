/**
 * replacements: copies a field of a source object into fields of target objects (selected by
 * id, labels or annotations, minus rejects), whole or as one delimited part.
 */
import type { JsonValue } from '../api/object.js';
import { RenderErrorCode, renderError } from './errors.js';
import { findSlots, getSlot, parseFieldPath, setSlot } from './fieldpath.js';
import type { Kustomization } from './kustomization.js';
import type { Loader } from './loader.js';
import type { ResMap } from './resmap.js';
import { parseDocs } from './resources.js';
import { restrictedFile } from './restrictor.js';
import { matchesLabels, parseLabelSelector } from './selector.js';
import { allIds, curId, isObject, type ResId, type Resource } from './types.js';
import { resolvePlainScalar } from './yaml/resolve.js';

interface Options {
  delimiter?: string;
  index?: number;
  create?: boolean;
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function options(v: JsonValue | undefined): Options {
  if (!isObject(v)) return {};
  const o: Options = {};
  if (typeof v.delimiter === 'string') o.delimiter = v.delimiter;
  if (typeof v.index === 'number') o.index = v.index;
  if (v.create === true) o.create = true;
  return o;
}

function idMatches(sel: Record<string, JsonValue>, id: ResId): boolean {
  for (const k of ['group', 'version', 'kind', 'name', 'namespace'] as const) {
    const want = str(sel[k]);
    if (want === undefined || want === '') continue;
    if (k === 'namespace' ? (id.namespace || 'default') !== want && id.namespace !== want : id[k] !== want)
      return false;
  }
  return true;
}

function selectorMatches(sel: JsonValue | undefined, r: Resource, where: string, anyId: boolean): boolean {
  if (!isObject(sel)) return false;
  const ids = anyId ? allIds(r) : [curId(r)];
  if (!ids.some((id) => idMatches(sel, id))) return false;
  const ls = str(sel.labelSelector);
  if (ls && !matchesLabels(parseLabelSelector(ls, where), r.obj.metadata.labels)) return false;
  const as = str(sel.annotationSelector);
  if (as && !matchesLabels(parseLabelSelector(as, where), r.obj.metadata.annotations)) return false;
  return true;
}

function sourceValue(m: ResMap, src: Record<string, JsonValue>, where: string): JsonValue {
  const found = m.list.filter((r) => selectorMatches(src, r, where, true));
  const desc = `${str(src.kind) ?? '*'} ${str(src.name) ?? '*'}`;
  if (found.length === 0)
    throw renderError(RenderErrorCode.Replacement, `${where}: nothing selected by source ${desc}`);
  if (found.length > 1)
    throw renderError(RenderErrorCode.Replacement, `${where}: multiple matches for source ${desc}`);
  const path = str(src.fieldPath) ?? 'metadata.name';
  const slots = findSlots(found[0]!.obj as unknown as JsonValue, parseFieldPath(path));
  const value = slots[0] ? getSlot(slots[0]) : undefined;
  if (value === undefined)
    throw renderError(RenderErrorCode.Replacement, `${where}: source ${desc} has no field ${path}`);
  const opt = options(src.options);
  if (opt.delimiter !== undefined) {
    const text = scalarText(value);
    if (text === undefined)
      throw renderError(
        RenderErrorCode.Replacement,
        `${where}: options.delimiter needs a scalar source field`,
      );
    const parts = text.split(opt.delimiter);
    const i = opt.index ?? 0;
    if (i < 0 || i >= parts.length)
      throw renderError(
        RenderErrorCode.Replacement,
        `${where}: options.index ${i} is out of bounds for value ${text}`,
      );
    // Kustomize keeps the source node's tag and changes its text
    return typeof value === 'string' ? parts[i]! : plainScalar(parts[i]!, where);
  }
  return value;
}

/** The text of a scalar as Kustomize's YAML node holds it; undefined for a map or list. */
function scalarText(v: JsonValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return '';
  return undefined;
}

/** Text in an untagged YAML node, read back as go-yaml reads a plain scalar. */
function plainScalar(text: string, where: string): JsonValue {
  try {
    return resolvePlainScalar(text);
  } catch {
    throw renderError(RenderErrorCode.Replacement, `${where}: value ${text} cannot be represented in JSON`);
  }
}

/**
 * The value a scalar target field takes. Kustomize copies only the text into the target's YAML
 * node and keeps the node's tag, so the target keeps its type: a string stays a string (`"42"`),
 * a number takes the text as a number (`0x1F` is 31) and text of another type fails as it does
 * in kubectl. A field created by the replacement has no tag: its text reads as a plain scalar.
 */
function retyped(text: string, target: JsonValue | undefined, where: string): JsonValue {
  if (target === undefined) return text === '' ? '' : plainScalar(text, where);
  if (typeof target === 'string') return text;
  const v = plainScalar(text, where);
  const want = typeof target === 'number' ? 'number' : typeof target === 'boolean' ? 'boolean' : 'null';
  if ((v === null ? 'null' : typeof v) !== want)
    throw renderError(
      RenderErrorCode.Replacement,
      `${where}: cannot decode ${JSON.stringify(text)} as a ${want}, the type of the target field`,
    );
  return v;
}

/** Kustomize writes every annotation back as a string at the end of a build. */
function stringAnnotations(r: Resource): void {
  const a = r.obj.metadata.annotations as Record<string, JsonValue> | undefined;
  if (!isObject(a)) return;
  for (const [k, v] of Object.entries(a))
    if (typeof v !== 'string') a[k] = scalarText(v) ?? JSON.stringify(v);
}

function applyOne(m: ResMap, rep: Record<string, JsonValue>, where: string): void {
  if (!isObject(rep.source))
    throw renderError(RenderErrorCode.Replacement, `${where}: a replacement needs a source`);
  const value = sourceValue(m, rep.source, where);
  const targets = Array.isArray(rep.targets) ? rep.targets : [];
  for (const [ti, t] of targets.entries()) {
    if (!isObject(t)) continue;
    const tw = `${where} targets[${ti}]`;
    if (!isObject(t.select)) throw renderError(RenderErrorCode.Replacement, `${tw}: a target needs select`);
    const rejects = Array.isArray(t.reject) ? t.reject : [];
    const opt = options(t.options);
    const paths = Array.isArray(t.fieldPaths)
      ? t.fieldPaths.filter((p): p is string => typeof p === 'string')
      : [];
    for (const r of m.list) {
      if (!selectorMatches(t.select, r, tw, true)) continue;
      if (rejects.some((rj) => selectorMatches(rj, r, tw, true))) continue;
      for (const p of paths) {
        const segments = parseFieldPath(p);
        const root = r.obj as unknown as JsonValue;
        const existing = findSlots(root, segments);
        const slots = opt.create === true ? findSlots(root, segments, true) : existing;
        if (slots.length === 0) {
          throw renderError(
            RenderErrorCode.Replacement,
            `${tw}: unable to find field ${p} in replacement target ${r.obj.kind} ${r.obj.metadata.name ?? ''}`,
          );
        }
        for (const s of slots) {
          const created = !existing.some((e) => e.parent === s.parent && e.key === s.key);
          const cur = created ? undefined : getSlot(s);
          setSlot(s, targetValue(value, cur, opt, `${tw}: ${p}`));
        }
      }
      stringAnnotations(r);
    }
  }
}

/** What a target field (`cur`, undefined when the replacement creates it) becomes. */
function targetValue(value: JsonValue, cur: JsonValue | undefined, opt: Options, where: string): JsonValue {
  const curText = cur === undefined ? '' : scalarText(cur);
  if (opt.delimiter !== undefined) {
    if (curText === undefined)
      throw renderError(
        RenderErrorCode.Replacement,
        `${where}: options.delimiter needs a scalar target field`,
      );
    const parts = curText.split(opt.delimiter);
    const v = scalarText(value) ?? '';
    const i = opt.index ?? 0;
    if (i < 0) parts.unshift(v);
    else if (i >= parts.length) parts.push(v);
    else parts[i] = v;
    return retyped(parts.join(opt.delimiter), cur, where);
  }
  const text = scalarText(value);
  // a map or list, or a map or list target: the source node replaces the target node
  if (text === undefined || curText === undefined) return structuredClone(value);
  return retyped(text, cur, where);
}

export async function applyReplacements(loader: Loader, k: Kustomization, m: ResMap): Promise<void> {
  for (const [i, entry] of k.replacements.entries()) {
    const where = `${k.file}: replacements[${i}]`;
    if (!isObject(entry)) continue;
    if (typeof entry.path === 'string') {
      const path = await restrictedFile(loader, k.dir, entry.path, where);
      const docs = parseDocs(await loader.readText(path, where), path, loader.limits);
      for (const d of docs) {
        for (const rep of Array.isArray(d) ? d : [d]) {
          if (isObject(rep)) applyOne(m, rep, `${where} (${entry.path})`);
        }
      }
    } else applyOne(m, entry, where);
  }
}
