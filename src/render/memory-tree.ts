/**
 * Files held in memory as a read-only FileTree (no symlinks, confined to its root): an unpacked
 * chart archive, and the trees tests build.
 */
import { TrueupError } from '../api/errors.js';
import type { FileStat, FileTree } from './file-tree.js';
import { normalize } from './paths.js';

export class InMemoryTree implements FileTree {
  private readonly dirs = new Map<string, string[]>();

  constructor(
    private readonly files: ReadonlyMap<string, Uint8Array>,
    readonly description: string,
  ) {
    const children = new Map<string, Set<string>>([['', new Set()]]);
    for (const path of files.keys()) {
      const parts = path.split('/');
      for (let i = 0; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (!children.has(dir)) children.set(dir, new Set());
        children.get(dir)?.add(parts[i] ?? '');
      }
    }
    for (const [dir, names] of children) this.dirs.set(dir, [...names].sort());
  }

  private norm(path: string): string {
    const p = normalize(path);
    if (p === undefined)
      throw new TrueupError(
        'RENDER_OUTSIDE_ROOT',
        `${path}: the path leaves the root of ${this.description}`,
      );
    return p;
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const p = this.norm(path);
    if (this.dirs.has(p)) return { kind: 'dir', size: 0 };
    const f = this.files.get(p);
    return f ? { kind: 'file', size: f.byteLength } : undefined;
  }

  async readFile(path: string): Promise<Uint8Array> {
    const f = this.files.get(this.norm(path));
    if (!f) throw new TrueupError('RENDER_FILE_MISSING', `${path}: no such file in ${this.description}`);
    return f;
  }

  async realPath(path: string): Promise<string> {
    return this.norm(path);
  }

  async listDir(path: string): Promise<string[]> {
    const names = this.dirs.get(this.norm(path));
    if (!names)
      throw new TrueupError('RENDER_FILE_MISSING', `${path}: no such directory in ${this.description}`);
    return [...names];
  }
}
