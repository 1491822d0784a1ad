/**
 * Reads from the FileTree on the renderer's behalf, enforcing the render's budgets (bytes, files, time), UTF-8 for text, and turning
 * "not there" into an error that names who asked for the file.
 */
import { isTrueupError } from '../api/errors.js';
import { RenderErrorCode, renderError } from './errors.js';
import type { FileStat, FileTree } from './file-tree.js';
import type { RenderLimits } from './options.js';
import { show } from './paths.js';
import { firstInvalidUtf8 } from './yaml/utf8.js';

export class Loader {
  private bytes = 0;
  private files = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly reals = new Map<string, string>();

  private readonly deadline: number;

  constructor(
    readonly tree: FileTree,
    readonly limits: RenderLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.deadline = now() + limits.timeoutMs;
  }

  /** Throws once the render's time budget is spent; `where` names what it was doing. */
  checkTime(where: string): void {
    if (this.now() > this.deadline)
      throw renderError(
        RenderErrorCode.TooLarge,
        `${where}: the render took longer than its ${this.limits.timeoutMs} ms budget`,
      );
  }

  private count(path: string, size: number, files = 1): void {
    this.checkTime(show(path));
    this.files += files;
    this.bytes += size;
    if (this.files > this.limits.maxFiles)
      throw renderError(
        RenderErrorCode.TooLarge,
        `${show(path)}: more than ${this.limits.maxFiles} files read`,
      );
    if (this.bytes > this.limits.maxTotalBytes)
      throw renderError(
        RenderErrorCode.TooLarge,
        `${show(path)}: the render read more than its budget of ${this.limits.maxTotalBytes} bytes`,
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
    this.count(path, st.size);
    try {
      const data = await this.tree.readFile(path);
      // the file may have grown since stat: count what was read
      if (data.byteLength > st.size) this.count(path, data.byteLength - st.size, 0);
      return data;
    } catch (err) {
      if (isTrueupError(err)) throw err;
      throw renderError(RenderErrorCode.Missing, `${by}: ${show(path)}: cannot read`, err);
    }
  }

  /** A text file (YAML, JSON, env): it must be UTF-8, as go-yaml and Kustomize require. */
  async readText(path: string, by: string): Promise<string> {
    const bytes = await this.readBytes(path, by);
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      throw renderError(
        RenderErrorCode.YamlInvalid,
        `${show(path)}: invalid UTF-8 at byte ${firstInvalidUtf8(bytes)} (a YAML or env file must be UTF-8; kubectl kustomize refuses it too)`,
      );
    }
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  async listDir(path: string): Promise<string[]> {
    this.count(path, 0);
    return this.tree.listDir(path);
  }
}
