/**
 * patches, patchesStrategicMerge, patchesJson6902: loads each patch (file or inline), finds its
 * targets (its own id, or a selector) and applies it (strategic merge or JSON 6902).
 */
import type { JsonObject, JsonValue, KubeObject } from '../../api/object.js';
import { RenderErrorCode, renderError } from '../errors.js';
import type { Kustomization, PatchEntry, Selector } from '../kustomization.js';
import type { Loader } from '../loader.js';
import { applyJson6902, parseJson6902Patch } from '../patch/json6902.js';
import { applyStrategicMerge, type StrategicMergeOptions } from '../patch/strategic-merge.js';
import type { ResMap } from '../resmap.js';
import { loadAnnotations, parseResourceDocs, toObject } from '../resources.js';
import { restrictedFile } from '../restrictor.js';
import { isClusterScoped } from '../scope.js';
import { selects } from '../selector.js';
import { curId, deepCopy, describeId, idOf, isObject, type Resource, sameId } from '../types.js';

async function readPatchFile(loader: Loader, k: Kustomization, rel: string, what: string): Promise<string> {
  return loader.readText(await restrictedFile(loader, k.dir, rel, what), what);
}

function looksInline(entry: string): boolean {
  return entry.includes('\n') || /^\s*[[{]/.test(entry);
}

/** Applies a strategic-merge patch to one resource; removes it on `$patch: delete`. */
function applySmp(
  smpOptions: StrategicMergeOptions,
  m: ResMap,
  r: Resource,
  patch: JsonObject,
  where: string,
  allowName = false,
  allowKind = false,
): void {
  const before = curId(r);
  const { name, namespace } = r.obj.metadata;
  const kind = r.obj.kind;
  const apiVersion = r.obj.apiVersion;
  const out = applyStrategicMerge(r.obj, deepCopy(patch), where, smpOptions);
  if (out === null) {
    m.remove(r);
    return;
  }
  if (!allowKind) {
    out.kind = kind;
    if (apiVersion === undefined) delete (out as { apiVersion?: string }).apiVersion;
    else out.apiVersion = apiVersion;
  }
  if (!isObject(out.metadata)) out.metadata = {};
  if (!allowName && name !== undefined) out.metadata.name = name;
  if (namespace !== undefined) out.metadata.namespace = namespace;
  else delete out.metadata.namespace;
  r.obj = out;
  if (!sameId(before, curId(r))) r.prev.push(before);
}

function applyJson(r: Resource, ops: readonly JsonValue[], where: string): void {
  const before = curId(r);
  r.obj = applyJson6902(r.obj, ops, where);
  if (!isObject(r.obj.metadata)) r.obj.metadata = {};
  if (!sameId(before, idOf(r.obj))) r.prev.push(before);
}

/** The untargeted patch's own target: same kind/name (and namespace when the patch has one). */
function ownTarget(m: ResMap, patch: KubeObject, where: string): Resource {
  const pid = idOf(patch);
  const matches = m.byAnyId(
    (id) =>
      id.kind === pid.kind &&
      id.name === pid.name &&
      (pid.version === '' || (id.group === pid.group && id.version === pid.version)) &&
      (pid.namespace === '' || (id.namespace || 'default') === pid.namespace),
  );
  let found = matches;
  if (found.length > 1 && pid.namespace === '') {
    const plain = found.filter((r) => curId(r).namespace === '' || r.prev.some((id) => id.namespace === ''));
    if (plain.length > 0) found = plain;
  }
  if (found.length === 0)
    throw renderError(
      RenderErrorCode.Patch,
      `${where}: no resource matches the patch's target ${describeId(pid)} (failed to find unique target for patch)`,
    );
  if (found.length > 1)
    throw renderError(
      RenderErrorCode.Patch,
      `${where}: the patch's target ${describeId(pid)} matches ${found.length} resources; give a namespace`,
    );
  return found[0]!;
}

function selected(m: ResMap, target: Selector, where: string): Resource[] {
  return m.list.filter((r) => selects(target, r, where, isClusterScoped));
}

function isJsonPatch(docs: readonly JsonValue[]): boolean {
  return docs.length === 1 && Array.isArray(docs[0]);
}

async function patchText(loader: Loader, k: Kustomization, p: PatchEntry, what: string): Promise<string> {
  if (p.path !== undefined && p.patch !== undefined)
    throw renderError(RenderErrorCode.InvalidKustomization, `${what}: give either path or patch, not both`);
  if (p.path !== undefined) return readPatchFile(loader, k, p.path, what);
  if (p.patch !== undefined) return p.patch;
  throw renderError(RenderErrorCode.InvalidKustomization, `${what}: a patch needs a path or an inline patch`);
}

export async function applyPatchesStrategicMerge(
  loader: Loader,
  k: Kustomization,
  m: ResMap,
  smp: StrategicMergeOptions = {},
): Promise<void> {
  for (const [i, entry] of k.patchesStrategicMerge.entries()) {
    const what = `${k.file}: patchesStrategicMerge[${i}]`;
    const inline = looksInline(entry);
    const text = inline ? entry : await readPatchFile(loader, k, entry, what);
    const where = inline ? what : `${what} (${entry})`;
    const docs = parseResourceDocs(text, where, loader.limits);
    if (docs.length === 0) throw renderError(RenderErrorCode.Patch, `${where}: the patch is empty`);
    for (const doc of docs) {
      if (!isObject(doc))
        throw renderError(RenderErrorCode.Patch, `${where}: a strategic merge patch must be a mapping`);
      const patch = toObject(doc, where);
      applySmp(smp, m, ownTarget(m, patch, where), doc, where);
    }
  }
}

/** Applies the `patches` entries; true when a strategic merge was among them (it consults the schema). */
export async function applyPatches(
  loader: Loader,
  k: Kustomization,
  m: ResMap,
  smp: StrategicMergeOptions = {},
): Promise<boolean> {
  let merged = false;
  for (const [i, p] of k.patches.entries()) {
    const what = `${k.file}: patches[${i}]${p.path ? ` (${p.path})` : ''}`;
    const text = await patchText(loader, k, p, what);
    const docs = parseResourceDocs(text, what, loader.limits);
    if (docs.length === 0) throw renderError(RenderErrorCode.Patch, `${what}: the patch is empty`);
    if (isJsonPatch(docs)) {
      if (!p.target) throw renderError(RenderErrorCode.Patch, `${what}: a JSON 6902 patch needs a target`);
      // read again as Kustomize reads JSON patches (YAML 1.1 scalars: `value: yes` is true)
      const ops = parseJson6902Patch(text, what, {
        maxAliases: loader.limits.maxYamlAliases,
        maxBytes: loader.limits.maxTotalBytes,
      });
      for (const r of selected(m, p.target, what)) applyJson(r, ops, what);
      continue;
    }
    if (p.target && docs.length > 1)
      throw renderError(
        RenderErrorCode.Patch,
        `${what}: ${docs.length} strategic merge patches in one patches entry with a target; Kustomize refuses that (give each its own entry)`,
      );
    merged = true;
    for (const doc of docs) {
      if (!isObject(doc))
        throw renderError(RenderErrorCode.Patch, `${what}: a strategic merge patch must be a mapping`);
      // Kustomize loads a targeted patch as a resource (annotations: text, empty dropped); an
      // untargeted one keeps null annotation values, which delete.
      if (isObject(doc.metadata)) loadAnnotations(doc.metadata, !p.target);
      if (p.target) {
        for (const r of selected(m, p.target, what))
          applySmp(
            smp,
            m,
            r,
            doc,
            what,
            p.options?.allowNameChange === true,
            p.options?.allowKindChange === true,
          );
      } else {
        const patch = toObject(deepCopy(doc), what);
        applySmp(smp, m, ownTarget(m, patch, what), doc, what);
      }
    }
  }
  return merged;
}

export async function applyPatchesJson6902(loader: Loader, k: Kustomization, m: ResMap): Promise<void> {
  for (const [i, p] of k.patchesJson6902.entries()) {
    const what = `${k.file}: patchesJson6902[${i}]${p.path ? ` (${p.path})` : ''}`;
    if (!p.target) throw renderError(RenderErrorCode.InvalidKustomization, `${what}: needs a target`);
    const text = await patchText(loader, k, p, what);
    // read once, as Kustomize reads JSON patches (JSON, or YAML with YAML 1.1 scalars)
    const ops = parseJson6902Patch(text, what, {
      maxAliases: loader.limits.maxYamlAliases,
      maxBytes: loader.limits.maxTotalBytes,
    });
    if (ops.length === 0)
      throw renderError(RenderErrorCode.Patch, `${what}: the JSON 6902 patch has no operations`);
    const target: Selector = { ...p.target };
    for (const r of selected(m, target, what)) applyJson(r, ops, what);
  }
}
