/**
 * Reads from the FileTree on the renderer's behalf, enforcing the size limits and turning
 * "not there" into an error that names who asked for the file.
 */
import { isTrueupError } from '../api/errors.js';
import { RenderErrorCode, renderError } from './errors.js';
import type { FileStat, FileTree } from './file-tree.js';
import type { RenderLimits } from './options.js';
import { show } from './paths.js';

export class Loader {
  private bytes = 0;
  private files = 0;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly reals = new Map<string, string>();

  constructor(
    readonly tree: FileTree,
    readonly limits: RenderLimits,
  ) {}

  private count(path: string, size: number): void {
    this.files++;
    this.bytes += size;
    if (this.files > this.limits.maxFiles)
      throw renderError(
        RenderErrorCode.TooLarge,
        `${show(path)}: more than ${this.limits.maxFiles} files read`,
      );
    if (this.bytes > this.limits.maxTotalBytes)
      throw renderError(
        RenderErrorCode.TooLarge,
        `${show(path)}: the tree is over the ${this.limits.maxTotalBytes}-byte limit`,
      );
  }

  /** The tree's real path of `path` (every symlink resolved), remembered for the render. */
  async realPath(path: string): Promise<string> {
    let real = this.reals.get(path);
    if (real === undefined) {
      real = await this.tree.realPath(path);
      this.reals.set(path, real);
    }
    return real;
  }

  async stat(path: string): Promise<FileStat | undefined> {
    return this.tree.stat(path);
  }

  async readBytes(path: string, by: string): Promise<Uint8Array> {
    const st = await this.tree.stat(path);
    if (!st) throw renderError(RenderErrorCode.Missing, `${by}: ${show(path)}: no such file`);
    if (st.kind !== 'file')
      throw renderError(RenderErrorCode.Missing, `${by}: ${show(path)}: is a directory, not a file`);
    if (st.size > this.limits.maxFileBytes)
      throw renderError(
        RenderErrorCode.TooLarge,
        `${show(path)}: ${st.size} bytes is over the ${this.limits.maxFileBytes}-byte file limit`,
      );
    this.count(path, st.size);
    try {
      const data = await this.tree.readFile(path);
      if (data.byteLength > this.limits.maxFileBytes)
        throw renderError(
          RenderErrorCode.TooLarge,
          `${show(path)}: over the ${this.limits.maxFileBytes}-byte file limit`,
        );
      return data;
    } catch (err) {
      if (isTrueupError(err)) throw err;
      throw renderError(RenderErrorCode.Missing, `${by}: ${show(path)}: cannot read`, err);
    }
  }

  async readText(path: string, by: string): Promise<string> {
    const text = this.decoder.decode(await this.readBytes(path, by));
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  async listDir(path: string): Promise<string[]> {
    this.count(path, 0);
    return this.tree.listDir(path);
  }
}
