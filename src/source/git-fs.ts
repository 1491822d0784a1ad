import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';

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

export interface GitFsOptions {
  /**
   * When set with `gitdir`, every write under `gitdir` (packs, refs, shallow) lands at the same
   * relative path under this directory instead, to be checked and moved into place by the
   * caller (publishStaged): a failed fetch leaves the repository exactly as it was.
   */
  stagingDir?: string;
  gitdir?: string;
  /** Checked before every write: a fetch abandoned after a failure must not write any more. */
  assertOpen?: () => void;
  /** Writes in progress are added here, so the caller can wait for them before cleaning up. */
  pending?: Set<Promise<unknown>>;
}

/** An fs for isomorphic-git whose every write is atomic (temp file + rename). */
export function createGitFs(options: GitFsOptions = {}): GitFs {
  const { stagingDir, gitdir, assertOpen, pending } = options;
  const track = async <T>(work: () => Promise<T>): Promise<T> => {
    assertOpen?.();
    const p = work();
    pending?.add(p);
    try {
      return await p;
    } finally {
      pending?.delete(p);
    }
  };
  const redirect = (path: string): string => {
    if (!stagingDir || !gitdir) return path;
    const rel = relative(gitdir, path);
    if (rel.startsWith('..') || rel === '' || rel.startsWith(sep)) return path;
    return join(stagingDir, rel);
  };
  return {
    promises: {
      readFile: fsp.readFile,
      writeFile: (path, data) =>
        track(async () => {
          const target = redirect(path);
          if (target !== path) await fsp.mkdir(dirname(target), { recursive: true });
          await writeFileAtomic(target, data);
        }),
      unlink: (path) => track(() => fsp.unlink(path)),
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

/** Every file under a directory, as paths relative to it. */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(join(dir, prefix), { withFileTypes: true }).catch(() => [])) {
    const rel = prefix ? join(prefix, entry.name) : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out;
}
