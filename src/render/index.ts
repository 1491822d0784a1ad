/**
 * The renderer's entry point: a FileTree and a directory in it to the ordered list of objects
 * `kubectl kustomize` would print. Pure: no network, no exec; confined to the tree.
 */
import type { KubeObject } from '../api/object.js';
import { type BuildContext, buildDirectory, configOf } from './build.js';
import { addBuildMetadata } from './build-metadata.js';
import { RenderErrorCode, renderError } from './errors.js';
import type { FileTree } from './file-tree.js';
import { contentHash } from './generators/hash.js';
import { findKustomizationFile } from './kustomization.js';
import { Loader } from './loader.js';
import { fixNameReferences } from './name-reference.js';
import { type RenderOptions, resolveLimits } from './options.js';
import { normalize, show } from './paths.js';
import { loadPlainDirectory } from './plain-dir.js';
import { ResMap } from './resmap.js';
import { parseSortOptions, sortResources } from './sort.js';
import { type Resource, rememberId } from './types.js';
import { resolveVars } from './vars.js';

export type { FileTree } from './file-tree.js';
export type { HelmChartInflator, HelmInflateRequest } from './helm-charts.js';
export type { RenderLimits, RenderOptions } from './options.js';
export { defaultLimits } from './options.js';
export { compileDirectoryGlob, DIRECTORY_GLOB_INVALID, type DirectoryOptions } from './plain-dir.js';

function addHashSuffixes(list: readonly Resource[]): void {
  for (const r of list) {
    if (!r.hashSuffix) continue;
    rememberId(r);
    r.obj.metadata.name = `${r.obj.metadata.name}-${contentHash(r.obj)}`;
    r.hashSuffix = false;
  }
}

function isLocalConfig(r: Resource): boolean {
  return r.obj.metadata.annotations?.['config.kubernetes.io/local-config'] === 'true';
}

/**
 * Renders `path` in `tree`: a kustomization directory, or with `plainDirectories` a directory
 * without one as a plain directory of manifests.
 */
export async function renderTree(
  tree: FileTree,
  path: string,
  options?: RenderOptions,
): Promise<KubeObject[]> {
  const limits = resolveLimits(options);
  const loader = new Loader(tree, limits, options?.now);
  const dir = normalize(path);
  if (dir === undefined)
    throw renderError(
      RenderErrorCode.OutsideRoot,
      `${path}: the path leaves the root of ${tree.description}`,
    );
  const st = await loader.stat(dir);
  if (!st)
    throw renderError(RenderErrorCode.Missing, `${show(dir)}: no such directory in ${tree.description}`);
  if (st.kind !== 'dir') throw renderError(RenderErrorCode.Missing, `${show(dir)}: not a directory`);
  if (!(await findKustomizationFile(loader, dir))) {
    if (!options?.plainDirectories)
      throw renderError(
        RenderErrorCode.Missing,
        `${show(dir)}: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in the directory (to render it as a plain directory of manifests: --plain-dir)`,
      );
    const list = await loadPlainDirectory(loader, dir, [], options?.directory);
    const m = new ResMap(limits.maxResources);
    m.appendAll(list, show(dir));
    return m.list.map((r) => r.obj);
  }
  const ctx: BuildContext = { loader, stack: [dir], state: { smp: {} }, helm: options?.helmCharts };
  const { acc, k } = await buildDirectory(ctx, dir, show(dir));
  const list = acc.m.list;
  addHashSuffixes(list);
  const config = configOf(acc);
  fixNameReferences(list, config);
  resolveVars(list, acc.vars, config);
  const kept = list.filter((r) => !isLocalConfig(r));
  addBuildMetadata(kept, k.buildMetadata, dir);
  const sorted = sortResources(kept, parseSortOptions(k.sortOptions, k.file));
  return sorted.map((r) => r.obj);
}
