/**
 * images: rewrites container images by name (newName, newTag, digest) in every `containers` /
 * `initContainers` list anywhere in an object, plus the configured image paths.
 */
import type { JsonObject, JsonValue } from '../../api/object.js';
import type { FieldSpec } from '../fieldspec.js';
import { visitSpecs } from '../fieldspec.js';
import type { ImageEntry } from '../kustomization.js';
import type { ResMap } from '../resmap.js';
import { curId, isObject } from '../types.js';

export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

export function updateImage(image: string, e: ImageEntry): string | undefined {
  const parts = splitImage(image);
  if (parts.name !== e.name) return undefined;
  let { name, tag, digest } = parts;
  if (e.newName) name = e.newName;
  if (e.newTag && e.digest) {
    tag = e.newTag;
    digest = e.digest;
  } else if (e.newTag) {
    tag = e.newTag;
    digest = '';
  } else if (e.digest) {
    tag = '';
    digest = e.digest;
  } else if (e.tagSuffix) {
    tag += e.tagSuffix;
    digest = '';
  }
  return name + (tag ? `:${tag}` : '') + (digest ? `@${digest}` : '');
}

function walk(v: JsonValue, entries: readonly ImageEntry[]): void {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, entries);
    return;
  }
  if (!isObject(v)) return;
  for (const [k, child] of Object.entries(v)) {
    if ((k === 'containers' || k === 'initContainers') && Array.isArray(child)) {
      for (const c of child) {
        if (isObject(c) && typeof c.image === 'string') c.image = apply(c.image, entries);
      }
    }
    if (typeof child === 'object' && child !== null) walk(child, entries);
  }
}

function apply(image: string, entries: readonly ImageEntry[]): string {
  let cur = image;
  for (const e of entries) {
    const next = updateImage(cur, e);
    if (next !== undefined) cur = next;
  }
  return cur;
}

export function applyImages(m: ResMap, entries: readonly ImageEntry[], specs: readonly FieldSpec[]): void {
  if (entries.length === 0) return;
  for (const r of m.list) {
    const obj = r.obj as unknown as JsonObject;
    walk(obj, entries);
    visitSpecs(obj, curId(r), specs, (parent, key) => {
      const v = parent[key];
      if (typeof v === 'string') parent[key] = apply(v, entries);
    });
  }
}
