/**
 * Kustomize's load restrictor (LoadRestrictionsRootOnly, the only mode `kubectl kustomize` has
 * by default): a file a kustomization names must be in or below that kustomization's directory
 * once the symlinks of every path component are resolved, so neither `../x` nor a directory link
 * such as `up -> ../../` can reach files above it. Directories (bases, components) may be
 * anywhere in the tree; the tree itself refuses to leave its root.
 */
import { RenderErrorCode, renderError } from './errors.js';
import type { Loader } from './loader.js';
import { isWithin, join, show } from './paths.js';

/**
 * The tree path of file `entry` as named by the kustomization in `dir`, after checking it with
 * the load restrictor; `by` names who asks (`kustomization.yaml: resources entry x`) for the
 * message. Every path a kustomization or a builtin plugin config names goes through here.
 */
export async function restrictedFile(
  loader: Loader,
  dir: string,
  entry: string,
  by: string,
): Promise<string> {
  const path = entry.startsWith('/') ? undefined : join(dir, entry);
  if (path === undefined)
    throw renderError(
      RenderErrorCode.OutsideRoot,
      `${by}: security; file '${entry}' is not in or below '${show(dir)}' (it leaves the root of the tree)`,
    );
  const [realDir, realFile] = await Promise.all([loader.realPath(dir), loader.realPath(path)]);
  if (!isWithin(realDir, realFile))
    throw renderError(
      RenderErrorCode.OutsideRoot,
      `${by}: security; file '${show(path)}' is not in or below '${show(dir)}'` +
        (realFile === path ? '' : ` (its symlinks resolve to ${show(realFile)})`),
    );
  return path;
}
