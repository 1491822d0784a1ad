/** A FileTree held in memory (tests, and callers that already have the files). */
import { TrueupError } from '../../src/api/errors.js';
import type { FileStat, FileTree } from '../../src/render/file-tree.js';
import { normalize } from '../../src/render/paths.js';

export class MemoryTree implements FileTree {
  private readonly files = new Map<string, Uint8Array>();
  private readonly dirs = new Set<string>(['']);

  constructor(
    files: Record<string, string | Uint8Array>,
    readonly description = 'memory',
  ) {
    for (const [path, content] of Object.entries(files)) {
      const p = normalize(path);
      if (p === undefined || p === '') throw new Error(`bad path ${path}`);
      this.files.set(p, typeof content === 'string' ? new TextEncoder().encode(content) : content);
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i++) this.dirs.add(parts.slice(0, i).join('/'));
    }
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

  /** No symlinks in memory: the normalised path. */
  async realPath(path: string): Promise<string> {
    return this.norm(path);
  }

  async listDir(path: string): Promise<string[]> {
    const p = this.norm(path);
    if (!this.dirs.has(p))
      throw new TrueupError('RENDER_FILE_MISSING', `${path}: no such directory in ${this.description}`);
    const prefix = p ? `${p}/` : '';
    const names = new Set<string>();
    for (const key of [...this.files.keys(), ...this.dirs]) {
      if (key === p || !key.startsWith(prefix)) continue;
      names.add(key.slice(prefix.length).split('/')[0]!);
    }
    return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
