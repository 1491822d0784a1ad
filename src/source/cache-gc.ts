import * as fsp from 'node:fs/promises';
import { join } from 'node:path';

export interface GcOptions {
  cacheDir: string;
  /** Cache keys of the repositories still in use. */
  keep: ReadonlySet<string>;
  /** True for a repository with work in flight: never removed. */
  busy: (key: string) => boolean;
  now: number;
  /** Leftovers of interrupted work (temp repositories, staging dirs) older than this go. */
  leftoverAgeMs: number;
}

async function removeQuietly(path: string): Promise<void> {
  await fsp.rm(path, { recursive: true, force: true }).catch(() => undefined);
}

async function isOld(path: string, options: GcOptions): Promise<boolean> {
  const st = await fsp.stat(path).catch(() => undefined);
  return st !== undefined && options.now - st.mtimeMs > options.leftoverAgeMs;
}

/**
 * Removes the cache entries of repositories not in `keep` (renamed away first, so a reader never
 * sees half a repository), and leftovers of work a crash interrupted. Returns the removed
 * repositories: cache key and normalised URL (from state.json).
 */
export async function collectGarbage(options: GcOptions): Promise<Array<{ key: string; url: string }>> {
  const { cacheDir } = options;
  const reposDir = join(cacheDir, 'repos');
  const tmpDir = join(cacheDir, 'tmp');
  const removed: Array<{ key: string; url: string }> = [];
  for (const key of await fsp.readdir(reposDir).catch(() => [] as string[])) {
    if (options.busy(key)) continue;
    const dir = join(reposDir, key);
    if (options.keep.has(key)) {
      for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
        if (name.startsWith('staging-') && (await isOld(join(dir, name), options))) {
          await removeQuietly(join(dir, name));
        }
      }
      continue;
    }
    const state = await fsp.readFile(join(dir, 'state.json'), 'utf8').then(
      (t) => JSON.parse(t) as { url?: string },
      () => ({ url: undefined }),
    );
    const trash = join(tmpDir, `gc-${key}-${options.now}`);
    await fsp.mkdir(tmpDir, { recursive: true });
    await fsp.rename(dir, trash);
    await removeQuietly(trash);
    removed.push({ key, url: state.url ?? key });
  }
  for (const name of await fsp.readdir(tmpDir).catch(() => [] as string[])) {
    const key = name.replace(/^gc-/, '').slice(0, 32);
    if (!options.busy(key) && (await isOld(join(tmpDir, name), options)))
      await removeQuietly(join(tmpDir, name));
  }
  return removed;
}
