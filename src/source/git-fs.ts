import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The promise-based fs isomorphic-git needs. */
export interface GitFs {
  promises: {
    readFile: typeof fsp.readFile;
    writeFile(path: string, data: Uint8Array | string, options?: unknown): Promise<void>;
    unlink: typeof fsp.unlink;
    readdir: typeof fsp.readdir;
    mkdir: typeof fsp.mkdir;
    rmdir: typeof fsp.rmdir;
    stat: typeof fsp.stat;
    lstat: typeof fsp.lstat;
    readlink: typeof fsp.readlink;
    symlink: typeof fsp.symlink;
    chmod: typeof fsp.chmod;
  };
}

/** Writes a file so readers see the old content or the new, never half of it. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.tmp-${basename(path)}-${randomBytes(6).toString('hex')}`);
  try {
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

const packFile = /[\\/]objects[\\/]pack[\\/](pack-[0-9a-f]{40}\.(?:pack|idx))$/;

export interface GitFsOptions {
  /**
   * When set, pack files (`objects/pack/pack-*.pack|idx`) are written here instead, to be
   * checked and moved into place by the caller: a failed fetch leaves no pack behind.
   */
  stagingDir?: string;
  /** Checked before every write: a fetch abandoned after a failure must not write any more. */
  assertOpen?: () => void;
}

/** An fs for isomorphic-git whose every write is atomic (temp file + rename). */
export function createGitFs(options: GitFsOptions = {}): GitFs {
  const { stagingDir, assertOpen } = options;
  return {
    promises: {
      readFile: fsp.readFile,
      async writeFile(path, data) {
        assertOpen?.();
        const pack = stagingDir ? packFile.exec(path) : null;
        if (pack && stagingDir) {
          await fsp.mkdir(stagingDir, { recursive: true });
          await writeFileAtomic(join(stagingDir, pack[1]!), data);
          return;
        }
        await writeFileAtomic(path, data);
      },
      async unlink(path) {
        assertOpen?.();
        await fsp.unlink(path);
      },
      readdir: fsp.readdir,
      mkdir: fsp.mkdir,
      rmdir: fsp.rmdir,
      stat: fsp.stat,
      lstat: fsp.lstat,
      readlink: fsp.readlink,
      symlink: fsp.symlink,
      chmod: fsp.chmod,
    },
  };
}
