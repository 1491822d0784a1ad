/** The render command's implementation, loaded only when it runs. */
import { relative, resolve, sep } from 'node:path';
import { TrueupError } from '../api/errors.js';
import { DiskTree, defaultRoot } from '../render/disk-tree.js';
import { renderTree } from '../render/index.js';
import { emitYamlDocuments } from '../render/yaml/emit.js';

export async function renderLocal(dir: string, root?: string): Promise<string> {
  const top = root ? resolve(root) : await defaultRoot(dir);
  const tree = new DiskTree(top);
  const { realpath } = await import('node:fs/promises');
  let target: string;
  try {
    target = await realpath(resolve(dir));
  } catch (err) {
    throw new TrueupError('RENDER_FILE_MISSING', `${dir}: no such directory`, { cause: err });
  }
  const rel = relative(await realpath(top), target);
  if (rel.startsWith('..') || resolve(top, rel) === rel)
    throw new TrueupError('RENDER_OUTSIDE_ROOT', `${dir}: not inside the render root ${top}`);
  const objects = await renderTree(tree, rel.split(sep).join('/'));
  return emitYamlDocuments(objects as never[]);
}
