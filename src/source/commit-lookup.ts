/**
 * Questions about commits answered from a repository's cache, without the network: is a commit
 * there, which commit a full or short id (or an annotated tag) names, and whether one commit
 * descends from another. The packs are read first (ObjectReader); isomorphic-git covers loose
 * objects.
 */
import git from 'isomorphic-git';
import { SourceErrorCode, sourceError } from './errors.js';
import type { ObjectReader } from './git-tree.js';
import { gitFailure, type RepoStore } from './repo.js';

/** A repository's cache: the bare repository on disk and the reader of its packs. */
export interface CachedRepo {
  readonly store: RepoStore;
  readonly reader: ObjectReader;
}

export const fullSha = /^[0-9a-f]{40}$/;

/** True when the object is in the cache (packs or loose objects). */
export async function hasCommit(repo: CachedRepo, oid: string): Promise<boolean> {
  if (await repo.reader.has(oid)) return true;
  try {
    await git.readCommit({
      fs: repo.store.fs,
      gitdir: repo.store.gitdir,
      oid,
      cache: repo.reader.cache,
    });
    return true;
  } catch {
    return false;
  }
}

/** Full commit id for a full or short id present in the cache; undefined when absent. */
export async function expandCommit(repo: CachedRepo, oid: string): Promise<string | undefined> {
  const { fs, gitdir, display } = repo.store;
  let full = oid;
  if (!fullSha.test(oid)) {
    const packed = await repo.reader.expand(oid);
    if (packed.length > 1) {
      throw sourceError(
        SourceErrorCode.AmbiguousRevision,
        `repository ${display}: '${oid}' matches more than one object`,
      );
    }
    if (packed.length === 1) full = packed[0]!;
    else {
      try {
        full = await git.expandOid({ fs, gitdir, oid, cache: repo.reader.cache });
      } catch (err) {
        if ((err as { code?: string }).code === 'AmbiguousError') {
          throw sourceError(
            SourceErrorCode.AmbiguousRevision,
            `repository ${display}: '${oid}' matches more than one object`,
          );
        }
        return undefined;
      }
    }
  }
  const packed = await repo.reader.object(full);
  let type: string | undefined = packed?.type;
  let target: string | undefined;
  if (packed?.type === 'tag') target = /^object ([0-9a-f]{40})$/m.exec(packed.data.toString('latin1'))?.[1];
  if (!packed) {
    try {
      const { type: t, object } = await git.readObject({
        fs,
        gitdir,
        oid: full,
        cache: repo.reader.cache,
        format: 'parsed',
      });
      type = t;
      if (t === 'tag') target = (object as { object: string }).object;
    } catch {
      return undefined;
    }
  }
  if (type === 'tag') return target;
  if (type !== 'commit') {
    throw sourceError(
      SourceErrorCode.RevisionNotFound,
      `repository ${display}: '${oid}' is a ${type}, not a commit`,
    );
  }
  return full;
}

/** True when `ancestor` is reachable from `oid` (breadth-first over parents, from the packs). */
export async function descends(repo: CachedRepo, oid: string, ancestor: string): Promise<boolean> {
  const seen = new Set<string>([oid]);
  let frontier = [oid];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const commit of frontier) {
      const parents = await repo.reader.parents(commit);
      if (!parents) return descendsSlow(repo, oid, ancestor);
      for (const p of parents) {
        if (p === ancestor) return true;
        if (!seen.has(p)) {
          seen.add(p);
          next.push(p);
        }
      }
    }
    frontier = next;
  }
  return false;
}

async function descendsSlow(repo: CachedRepo, oid: string, ancestor: string): Promise<boolean> {
  try {
    return await git.isDescendent({
      fs: repo.store.fs,
      gitdir: repo.store.gitdir,
      oid,
      ancestor,
      depth: -1,
      cache: repo.reader.cache,
    });
  } catch (err) {
    throw gitFailure(repo.store.display, 'walking history', err);
  }
}
