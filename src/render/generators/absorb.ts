/**
 * Adds generated ConfigMaps/Secrets to a layer: `create` adds (a duplicate id is an error);
 * `merge` and `replace` update the one of that name from a lower layer in place.
 */
import type { JsonObject } from '../../api/object.js';
import { RenderErrorCode, renderError } from '../errors.js';
import type { ResMap } from '../resmap.js';
import { allIds, curId, describeId, isObject, nsEquals, type Resource } from '../types.js';

function mergeMaps(a: unknown, b: unknown): Record<string, string> | undefined {
  const out = {
    ...(isObject(a as never) ? (a as Record<string, string>) : {}),
    ...(isObject(b as never) ? (b as Record<string, string>) : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

export function absorbGenerated(m: ResMap, gen: Resource, where: string): void {
  const behavior = gen.behavior ?? 'create';
  delete gen.behavior;
  const gid = curId(gen);
  if (behavior === 'create') {
    m.append(gen, where);
    return;
  }
  const found = m.list.filter((r) =>
    allIds(r).some(
      (id) =>
        id.kind === gid.kind &&
        id.group === gid.group &&
        id.name === gid.name &&
        (gid.namespace === '' || nsEquals(id.namespace, gid.namespace)),
    ),
  );
  if (found.length === 0)
    throw renderError(
      RenderErrorCode.Generator,
      `${where}: id ${describeId(gid)} does not exist; cannot merge or replace`,
    );
  if (found.length > 1)
    throw renderError(
      RenderErrorCode.Generator,
      `${where}: ${describeId(gid)} matches more than one resource`,
    );
  const old = found[0]!;
  const oldObj = old.obj as unknown as JsonObject;
  const next = gen.obj as unknown as JsonObject;
  const md = next.metadata as JsonObject;
  const oldMd = old.obj.metadata;
  const labels = mergeMaps(oldMd.labels, md.labels);
  const annotations = mergeMaps(oldMd.annotations, md.annotations);
  if (behavior === 'merge') {
    const data = mergeMaps(oldObj.data, next.data);
    const bin = mergeMaps(oldObj.binaryData, next.binaryData);
    if (data) next.data = data;
    if (bin) next.binaryData = bin;
  }
  md.name = oldMd.name ?? gid.name;
  if (oldMd.namespace !== undefined) md.namespace = oldMd.namespace;
  if (labels) md.labels = labels;
  if (annotations) md.annotations = annotations;
  old.obj = gen.obj;
  m.invalidate();
  if (behavior === 'replace' && gen.origin) old.origin = gen.origin;
  old.hashSuffix =
    behavior === 'merge' ? (old.hashSuffix ?? false) && (gen.hashSuffix ?? false) : (gen.hashSuffix ?? false);
}
