/**
 * Reads what a render needs from a FileTree: a chart directory's files, a chart archive, values
 * files. Every path is checked to stay inside the tree before it is read (the tree refuses
 * symlinks that leave it), and every read counts against the size budgets, so the engine gets
 * bytes only and never touches a filesystem.
 */
import { posix } from 'node:path';
import type { FileTree } from '../render/file-tree.js';
import { HelmErrorCode, helmError } from './errors.js';
import type { HelmLimits } from './limits.js';
import type { NamedBytes } from './protocol.js';

/**
 * `path` joined onto `base` (both tree paths), normalised; throws HELM_PATH_ESCAPES when the
 * result would leave the tree's root. Absolute paths are refused: a tree path is root-relative.
 */
export function treePath(base: string, path: string, what: string): string {
  if (posix.isAbsolute(path))
    throw helmError(
      HelmErrorCode.PathEscapes,
      `${what} ${path}: an absolute path; give it relative to ${base || 'the root'}`,
    );
  const joined = posix.normalize(posix.join(base || '.', path));
  if (joined === '..' || joined.startsWith('../'))
    throw helmError(HelmErrorCode.PathEscapes, `${what} ${path}: leaves the root it is confined to`);
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

/** The kind of chart at `path`: a directory with Chart.yaml, an archive file, or neither. */
export async function chartKind(tree: FileTree, path: string): Promise<'dir' | 'archive' | undefined> {
  const st = await tree.stat(path);
  if (st?.kind === 'file') return /\.(tgz|tar\.gz)$/.test(path) ? 'archive' : undefined;
  if (st?.kind === 'dir')
    return (await tree.stat(posix.join(path || '.', 'Chart.yaml')))?.kind === 'file' ? 'dir' : undefined;
  return undefined;
}

/** Every file under chart directory `dir`, chart-relative, in path order. */
export async function readChartDir(tree: FileTree, dir: string, limits: HelmLimits): Promise<NamedBytes[]> {
  const out: NamedBytes[] = [];
  let bytes = 0;
  const walk = async (rel: string): Promise<void> => {
    const abs = rel ? posix.join(dir || '.', rel) : dir;
    for (const name of await tree.listDir(abs)) {
      const childRel = rel ? `${rel}/${name}` : name;
      const child = posix.join(abs || '.', name);
      const st = await tree.stat(child);
      if (st === undefined) continue; // a dangling link inside the tree: LoadDir would fail on it too
      if (st.kind === 'dir') {
        await walk(childRel);
        continue;
      }
      if (out.length + 1 > limits.maxChartFiles)
        throw helmError(
          HelmErrorCode.TooLarge,
          `chart ${dir || '.'} in ${tree.description}: more than ${limits.maxChartFiles} files`,
        );
      bytes += st.size;
      if (bytes > limits.maxChartBytes)
        throw helmError(
          HelmErrorCode.TooLarge,
          `chart ${dir || '.'} in ${tree.description}: more than ${limits.maxChartBytes} bytes`,
        );
      out.push({ name: childRel, data: await tree.readFile(child) });
    }
  };
  await walk('');
  return out;
}

/** A file read whole, refused (before reading) when over `max` bytes. */
export async function readBounded(
  tree: FileTree,
  path: string,
  max: number,
  what: string,
): Promise<Uint8Array> {
  const st = await tree.stat(path);
  if (st === undefined)
    throw helmError(HelmErrorCode.FileMissing, `${what} ${path}: not found in ${tree.description}`);
  if (st.kind !== 'file')
    throw helmError(HelmErrorCode.FileMissing, `${what} ${path}: not a file in ${tree.description}`);
  if (st.size > max)
    throw helmError(HelmErrorCode.TooLarge, `${what} ${path}: ${st.size} bytes, over the budget of ${max}`);
  const data = await tree.readFile(path);
  if (data.byteLength > max)
    throw helmError(
      HelmErrorCode.TooLarge,
      `${what} ${path}: ${data.byteLength} bytes, over the budget of ${max}`,
    );
  return data;
}
