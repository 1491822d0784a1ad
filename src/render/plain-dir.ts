/**
 * A directory without a kustomization: every *.yaml, *.yml and *.json file below it, depth-first
 * in code-point order (dot-entries skipped), in file order — the way Argo CD reads a directory.
 */
import type { Loader } from './loader.js';
import { join } from './paths.js';
import { resourcesFromText } from './resources.js';
import type { Resource } from './types.js';

const EXT = /\.(ya?ml|json)$/i;

export async function loadPlainDirectory(
  loader: Loader,
  dir: string,
  out: Resource[] = [],
): Promise<Resource[]> {
  for (const name of await loader.listDir(dir)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name) ?? name;
    const st = await loader.stat(path);
    if (!st) continue;
    if (st.kind === 'dir') await loadPlainDirectory(loader, path, out);
    else if (EXT.test(name)) {
      out.push(...resourcesFromText(await loader.readText(path, dir || '.'), path, loader.limits));
      if (out.length > loader.limits.maxResources) break;
    }
  }
  return out;
}
