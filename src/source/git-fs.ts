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
  /**
   * The repository holds packs only (ours do: fetches write no loose objects). Lookups of loose
   * objects, which isomorphic-git tries first for every object, fail at once without a syscall,
   * and the pack directory listing is cached until `invalidate()`.
   */
  packedOnly?: boolean;
}

/** The fs of a cached repository, with its read caches. */
export interface CachedGitFs extends GitFs {
  /** Forget cached directory listings (after packs were added). */
  invalidate(): void;
}

const looseObject = /[\\/]objects[\\/][0-9a-f]{2}[\\/][0-9a-f]{38}$/;
const packDir = /[\\/]objects[\\/]pack$/;
/** One shared, stack-less ENOENT: cheap to throw for the thousands of loose-object misses. */
const noSuchObject = Object.assign(Object.create(Error.prototype) as Error, {
  code: 'ENOENT',
  message: 'no loose objects in this repository',
});

/** An fs for isomorphic-git whose every write is atomic (temp file + rename). */
export function createGitFs(options: GitFsOptions = {}): CachedGitFs {
  const { stagingDir, gitdir, assertOpen, pending, packedOnly } = options;
  const listings = new Map<string, Promise<string[]>>();
  const readFile = packedOnly
    ? ((async (path: string, opts?: unknown) => {
        if (looseObject.test(path)) throw noSuchObject;
        return fsp.readFile(path, opts as never);
      }) as typeof fsp.readFile)
    : fsp.readFile;
  const readdir = packedOnly
    ? ((async (path: string, opts?: unknown) => {
        if (opts !== undefined || !packDir.test(path)) return fsp.readdir(path, opts as never);
        let list = listings.get(path);
        if (!list) {
          list = fsp.readdir(path);
          listings.set(path, list);
          list.catch(() => listings.delete(path));
        }
        return [...(await list)];
      }) as typeof fsp.readdir)
    : fsp.readdir;
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
    invalidate: () => listings.clear(),
    promises: {
      readFile,
      writeFile: (path, data) =>
        track(async () => {
          const target = redirect(path);
          if (target !== path) await fsp.mkdir(dirname(target), { recursive: true });
          await writeFileAtomic(target, data);
        }),
      unlink: (path) => track(() => fsp.unlink(path)),
      readdir,
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
