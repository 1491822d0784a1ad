/**
 * A FileTree over a local directory, confined to its root: `..` above the root and symlinks that
 * resolve outside it are errors (RENDER_OUTSIDE_ROOT), never followed.
 *
 * It reads with the synchronous fs calls (a render reads many small files; the thread-pool round
 * trips of fs.promises cost more than the reads) and remembers resolved paths: it is meant for a
 * local checkout rendered by the CLI, not for serving a busy event loop.
 */
import {
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { TrueupError } from '../api/errors.js';
import type { FileStat, FileTree } from './file-tree.js';
import { basename, dirname, join, normalize } from './paths.js';

function escapes(root: string, abs: string): boolean {
  const rel = relative(root, abs);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** `dir/name` for a real directory path (the filesystem root ends with the separator already). */
function under(dir: string, name: string): string {
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

function fileStat(st: Stats): FileStat | undefined {
  if (st.isDirectory()) return { kind: 'dir', size: 0 };
  if (st.isFile()) return { kind: 'file', size: st.size };
  return undefined;
}

export class DiskTree implements FileTree {
  readonly description: string;
  private realRoot: string | undefined;
  private readonly reals = new Map<string, string | undefined>();
  /** The lstat of real paths that are no symlink (so also their stat), taken while resolving. */
  private readonly linkStats = new Map<string, FileStat | undefined>();

  constructor(private readonly root: string) {
    this.description = root;
  }

  private rootReal(): string {
    this.realRoot ??= realpathSync(this.root);
    return this.realRoot;
  }

  /** The real path of `path`, or undefined when nothing is there; throws when it leaves the root. */
  private real(path: string): string | undefined {
    const norm = normalize(path);
    if (norm === undefined)
      throw new TrueupError(
        'RENDER_OUTSIDE_ROOT',
        `${path}: the path leaves the root of ${this.description}`,
      );
    if (this.reals.has(norm)) return this.reals.get(norm);
    const real = this.resolveReal(norm, path);
    this.reals.set(norm, real);
    return real;
  }

  private resolveReal(norm: string, path: string): string | undefined {
    const root = this.rootReal();
    // Below a directory already resolved, an entry that is not a symlink is that directory's
    // real path and its name: no realpath, no path arithmetic (most reads of a render).
    const slash = norm.lastIndexOf('/');
    const parent = norm === '' ? undefined : this.reals.get(slash < 0 ? '' : norm.slice(0, slash));
    const abs = parent !== undefined ? under(parent, norm.slice(slash + 1)) : resolve(root, norm);
    let real: string;
    try {
      // Most probes are for names that are not there (kustomization.yml, Kustomization, ...): an
      // lstat without an exception answers them; a dangling link is still there for lstat.
      const st = lstatSync(abs, { throwIfNoEntry: false });
      if (st === undefined) return undefined;
      // not a link below a resolved directory: real, and inside the root as its directory is
      if (parent !== undefined && !st.isSymbolicLink()) {
        this.linkStats.set(abs, fileStat(st)); // not a link: what stat() would say
        return abs;
      }
      // else the libc realpath: one call instead of an lstat per component from JavaScript
      real = realpathSync.native(abs);
      if (real === abs && abs === under(root, norm)) {
        // no link on the way: every directory above is its own real path (inside the root)
        for (let i = norm.indexOf('/'); i > 0; i = norm.indexOf('/', i + 1)) {
          const dir = norm.slice(0, i);
          if (!this.reals.has(dir)) this.reals.set(dir, under(root, dir));
        }
        return real;
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        this.checkDangling(root, norm, path);
        return undefined;
      }
      if (code === 'ELOOP')
        throw new TrueupError('RENDER_OUTSIDE_ROOT', `${path}: symlink loop in ${this.description}`);
      throw new TrueupError('RENDER_FILE_MISSING', `${path}: cannot read in ${this.description}`, {
        cause: err,
      });
    }
    if (!escapes(root, real)) return real;
    throw new TrueupError(
      'RENDER_OUTSIDE_ROOT',
      `${path}: a symlink points outside the root of ${this.description}`,
    );
  }

  /** A dangling symlink pointing outside is still an escape. */
  private checkDangling(root: string, norm: string, path: string): void {
    let target: string;
    try {
      target = readlinkSync(resolve(root, norm));
    } catch {
      return;
    }
    if (escapes(root, resolve(resolve(root, norm, '..'), target)))
      throw new TrueupError(
        'RENDER_OUTSIDE_ROOT',
        `${path}: a symlink points outside the root of ${this.description}`,
      );
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const real = this.real(path);
    if (real === undefined) return undefined;
    return this.linkStats.get(real) ?? fileStat(statSync(real));
  }

  async readFile(path: string): Promise<Uint8Array> {
    const real = this.real(path);
    if (real === undefined)
      throw new TrueupError('RENDER_FILE_MISSING', `${path}: no such file in ${this.description}`);
    try {
      return readFileSync(real);
    } catch (err) {
      throw new TrueupError('RENDER_FILE_MISSING', `${path}: cannot read in ${this.description}`, {
        cause: err,
      });
    }
  }

  async realPath(path: string): Promise<string> {
    const real = this.real(path);
    if (real !== undefined) {
      const root = this.rootReal();
      // below the root (as real() ensures) with nothing to rewrite: the rest of the path
      if (sep === '/' && real.startsWith(root) && real[root.length] === '/' && !root.endsWith('/'))
        return real.slice(root.length + 1);
      return relative(root, real).split(sep).join('/');
    }
    const norm = normalize(path) ?? path; // real() threw when the path leaves the root
    if (norm === '') return '';
    // Not there: resolve the parent, keep the name (the read then fails with "no such file").
    return join(await this.realPath(dirname(norm)), basename(norm)) ?? norm;
  }

  async listDir(path: string): Promise<string[]> {
    const real = this.real(path);
    if (real === undefined)
      throw new TrueupError('RENDER_FILE_MISSING', `${path}: no such directory in ${this.description}`);
    return readdirSync(real).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/** The directory a local render is confined to: the enclosing Git checkout, else the filesystem root. */
export async function defaultRoot(dir: string): Promise<string> {
  let cur = realpathSync(resolve(dir));
  for (;;) {
    try {
      statSync(resolve(cur, '.git'));
      return cur;
    } catch {
      const up = resolve(cur, '..');
      if (up === cur) return cur;
      cur = up;
    }
  }
}
