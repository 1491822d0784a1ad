/** The render command's implementation, loaded only when it runs (bundled by npm run build). */
import { realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { TrueupError } from '../api/errors.js';
import { DiskTree, defaultRoot } from '../render/disk-tree.js';
import { type RenderOptions, renderTree } from '../render/index.js';
import { emitYamlDocuments } from '../render/yaml/emit.js';
import type { AgeIdentities } from '../secrets/age.js';
import { DecryptingTree } from '../secrets/tree.js';

async function real(path: string, what: string): Promise<string> {
  try {
    return realpathSync.native(resolve(path));
  } catch (err) {
    throw new TrueupError('RENDER_FILE_MISSING', `${path}: no such ${what}`, { cause: err });
  }
}

/**
 * Renders local directory `dir`, confined to `root` (default: the enclosing Git checkout, else /).
 * SOPS-encrypted files are decrypted with `keys` as they are read (without keys they fail).
 */
export async function renderLocal(
  dir: string,
  root?: string,
  options?: RenderOptions,
  keys?: AgeIdentities,
): Promise<string> {
  const target = await real(dir, 'directory');
  const top = root ? await real(root, 'root directory') : await defaultRoot(target);
  const rel = relative(top, target);
  if (rel === '..' || rel.startsWith(`..${sep}`) || resolve(top, rel) !== target)
    throw new TrueupError('RENDER_OUTSIDE_ROOT', `${dir}: not inside the render root ${top}`);
  const objects = await renderTree(
    new DecryptingTree(new DiskTree(top), keys),
    rel.split(sep).join('/'),
    options,
  );
  return emitYamlDocuments(objects);
}
