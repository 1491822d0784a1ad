/**
 * A FileTree over a local directory, confined to its root: `..` above the root and symlinks that
 * resolve outside it are errors (RENDER_OUTSIDE_ROOT), never followed.
 */
import { promises as fs } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { TrueupError } from '../api/errors.js';
import type { FileStat, FileTree } from './file-tree.js';
import { normalize } from './paths.js';

export class DiskTree implements FileTree {
  readonly description: string;
  private realRoot: string | undefined;

  constructor(private readonly root: string) {
    this.description = root;
  }

  private async rootReal(): Promise<string> {
    this.realRoot ??= await fs.realpath(this.root);
    return this.realRoot;
  }

  /** The real path of `path`, or undefined when nothing is there; throws when it leaves the root. */
  private async real(path: string): Promise<string | undefined> {
    const norm = normalize(path);
    if (norm === undefined)
      throw new TrueupError(
        'RENDER_OUTSIDE_ROOT',
        `${path}: the path leaves the root of ${this.description}`,
      );
    const root = await this.rootReal();
    let real: string;
    try {
      real = await fs.realpath(resolve(root, norm));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        // a dangling symlink pointing outside is still an escape
        await this.checkLink(root, norm);
        return undefined;
      }
      if (code === 'ELOOP')
        throw new TrueupError('RENDER_OUTSIDE_ROOT', `${path}: symlink loop in ${this.description}`);
      throw new TrueupError('RENDER_FILE_MISSING', `${path}: cannot read in ${this.description}`, {
        cause: err,
      });
    }
    const rel = relative(root, real);
    if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) return real;
    throw new TrueupError(
      'RENDER_OUTSIDE_ROOT',
      `${path}: a symlink points outside the root of ${this.description} (to ${real})`,
    );
  }

  private async checkLink(root: string, norm: string): Promise<void> {
    try {
      const target = await fs.readlink(resolve(root, norm));
      const abs = resolve(resolve(root, norm, '..'), target);
      const rel = relative(root, abs);
      if (rel.startsWith('..') || isAbsolute(rel))
        throw new TrueupError(
          'RENDER_OUTSIDE_ROOT',
          `${norm}: a symlink points outside the root of ${this.description}`,
        );
    } catch (err) {
      if (err instanceof TrueupError) throw err;
    }
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const real = await this.real(path);
    if (real === undefined) return undefined;
    const st = await fs.stat(real);
    if (st.isDirectory()) return { kind: 'dir', size: 0 };
    if (st.isFile()) return { kind: 'file', size: st.size };
    return undefined;
  }

  async readFile(path: string): Promise<Uint8Array> {
    const real = await this.real(path);
    if (real === undefined)
      throw new TrueupError('RENDER_FILE_MISSING', `${path}: no such file in ${this.description}`);
    try {
      return await fs.readFile(real);
    } catch (err) {
      throw new TrueupError('RENDER_FILE_MISSING', `${path}: cannot read in ${this.description}`, {
        cause: err,
      });
    }
  }

  async listDir(path: string): Promise<string[]> {
    const real = await this.real(path);
    if (real === undefined)
      throw new TrueupError('RENDER_FILE_MISSING', `${path}: no such directory in ${this.description}`);
    const names = await fs.readdir(real);
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/** The directory a local render is confined to: the enclosing Git checkout, else the filesystem root. */
export async function defaultRoot(dir: string): Promise<string> {
  let cur = await fs.realpath(resolve(dir));
  for (;;) {
    try {
      await fs.stat(resolve(cur, '.git'));
      return cur;
    } catch {
      const up = resolve(cur, '..');
      if (up === cur) return cur;
      cur = up;
    }
  }
}
