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
  if (opt.delimiter !== undefined && typeof value === 'string') {
    const parts = value.split(opt.delimiter);
    const i = opt.index ?? 0;
    if (i < 0 || i >= parts.length)
      throw renderError(
        RenderErrorCode.Replacement,
        `${where}: options.index ${i} is out of bounds for value ${value}`,
      );
    return plainScalar(parts[i]!);
  }
  return value;
}

/**
 * A value cut out of or spliced into a string becomes an untagged scalar in Kustomize, which the
 * YAML reader then types again (`1.25` a number, `true` a boolean): mirror that.
 */
function plainScalar(s: string): JsonValue {
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(s)) {
    const n = Number(s);
    if (Number.isSafeInteger(n)) return n;
  }
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
  if (s === 'true' || s === 'false') return s === 'true';
  return s;
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
        const slots = findSlots(r.obj as unknown as JsonValue, parseFieldPath(p), opt.create === true);
        if (slots.length === 0) {
          throw renderError(
            RenderErrorCode.Replacement,
            `${tw}: unable to find field ${p} in replacement target ${r.obj.kind} ${r.obj.metadata.name ?? ''}`,
          );
        }
        for (const s of slots) {
          if (opt.delimiter !== undefined) {
            const cur = getSlot(s);
            const parts = typeof cur === 'string' ? cur.split(opt.delimiter) : [];
            const i = opt.index ?? 0;
            if (i < 0) parts.unshift(String(value));
            else if (i >= parts.length) parts.push(String(value));
            else parts[i] = String(value);
            setSlot(s, plainScalar(parts.join(opt.delimiter)));
          } else setSlot(s, structuredClone(value));
        }
      }
    }
  }
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
