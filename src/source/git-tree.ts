import git from 'isomorphic-git';
import type { FileStat, FileTree } from '../render/file-tree.js';
import { SourceErrorCode, sourceError } from './errors.js';
import type { GitFs } from './git-fs.js';
import { type GitObject, PackReader, parseTree } from './pack-reader.js';

/** One entry of a parsed tree object. */
interface TreeEntry {
  kind: 'tree' | 'blob' | 'link' | 'gitlink';
  oid: string;
}
interface ParsedTree {
  entries: Map<string, TreeEntry>;
  names: string[];
}

const MAX_LINK_HOPS = 40;

/** A small LRU keyed by object id; objects are immutable, so entries never go stale. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  private weight = 0;
  constructor(
    private readonly maxWeight: number,
    private readonly weigh: (v: V) => number = () => 1,
  ) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    if (this.map.has(key)) return;
    const w = this.weigh(v);
    if (w > this.maxWeight) return;
    this.map.set(key, v);
    this.weight += w;
    for (const [k, old] of this.map) {
      if (this.weight <= this.maxWeight) break;
      this.map.delete(k);
      this.weight -= this.weigh(old);
    }
  }
}

/**
 * Reads trees and blobs straight from a repository's object store (no checkout), caching parsed
 * trees and small blobs by object id, so every revision of one repository shares them.
 */
/** What a person reads of a commit: its subject line, author and author time. */
export interface CommitInfo {
  commit: string;
  subject: string;
  author: string;
  email?: string;
  /** RFC 3339. */
  time: string;
}

/** Parses a raw commit object (`author Name <email> 1700000000 +0100`, blank line, message). */
export function parseCommitInfo(commit: string, raw: string): CommitInfo {
  const split = raw.indexOf('\n\n');
  const header = split < 0 ? raw : raw.slice(0, split);
  const message = split < 0 ? '' : raw.slice(split + 2);
  const author = /^author (.*?) <([^>]*)> (\d+) [+-]\d{4}$/m.exec(header);
  return {
    commit,
    subject: message.split('\n', 1)[0]?.trim() ?? '',
    author: author?.[1] ?? '',
    ...(author?.[2] ? { email: author[2] } : {}),
    time: author ? new Date(Number(author[3]) * 1000).toISOString() : '',
  };
}

export class ObjectReader {
  private readonly trees = new Lru<ParsedTree>(20_000);
  private readonly blobs = new Lru<Uint8Array>(64 * 1024 * 1024, (b) => b.length + 64);
  /** isomorphic-git's pack index cache, shared by every read of this repository. */
  readonly cache: object = {};

  private readonly packs: PackReader;

  constructor(
    readonly fs: GitFs,
    readonly gitdir: string,
  ) {
    this.packs = new PackReader(gitdir);
  }

  /** Call after packs were added to the repository. */
  invalidate(): void {
    this.packs.invalidate();
  }

  /** True when a pack holds the object (an index lookup, no read). */
  async has(oid: string): Promise<boolean> {
    return this.packs.has(oid).catch(() => false);
  }

  /** An object through the fast pack reader; undefined (use isomorphic-git) when it cannot. */
  private async fast(oid: string, type: GitObject['type']): Promise<Buffer | undefined> {
    const object = await this.packs.read(oid).catch(() => undefined);
    return object?.type === type ? object.data : undefined;
  }

  async tree(oid: string): Promise<ParsedTree> {
    const hit = this.trees.get(oid);
    if (hit) return hit;
    const raw = await this.fast(oid, 'tree');
    const tree = raw
      ? parseTree(raw)
      : (await git.readTree({ fs: this.fs, gitdir: this.gitdir, oid, cache: this.cache })).tree.map((e) => ({
          mode: e.mode,
          name: e.path,
          oid: e.oid,
        }));
    const entries = new Map<string, TreeEntry>();
    for (const e of tree) {
      const kind =
        e.mode === '040000'
          ? 'tree'
          : e.mode === '120000'
            ? 'link'
            : e.mode === '160000'
              ? 'gitlink'
              : 'blob';
      entries.set(e.name, { kind, oid: e.oid });
    }
    const names = [...entries.entries()]
      .filter(([, e]) => e.kind !== 'gitlink')
      .map(([name]) => name)
      .sort();
    const parsed = { entries, names };
    this.trees.set(oid, parsed);
    return parsed;
  }

  async blob(oid: string): Promise<Uint8Array> {
    const hit = this.blobs.get(oid);
    if (hit) return hit;
    const blob =
      (await this.fast(oid, 'blob')) ??
      (await git.readBlob({ fs: this.fs, gitdir: this.gitdir, oid, cache: this.cache })).blob;
    this.blobs.set(oid, blob);
    return blob;
  }

  /** Ids in the packs starting with a prefix (a linear scan of one fan-out bucket per pack). */
  async expand(prefix: string): Promise<string[]> {
    return this.packs.expand(prefix).catch(() => []);
  }

  /** The type and content of an object from the packs; undefined when not packed. */
  async object(oid: string): Promise<GitObject | undefined> {
    return this.packs.read(oid).catch(() => undefined);
  }

  /** The parents of a commit, from the packs; undefined when it is not packed. */
  async parents(commit: string): Promise<string[] | undefined> {
    const raw = await this.fast(commit, 'commit');
    if (!raw) return undefined;
    const header = raw.toString('latin1', 0, Math.max(raw.indexOf('\n\n'), 0));
    return [...header.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((m) => m[1]!);
  }

  /** Subject, author and time of a commit (the raw object from the packs, else isomorphic-git's). */
  async commitInfo(commit: string): Promise<CommitInfo> {
    const raw = await this.fast(commit, 'commit');
    if (raw) return parseCommitInfo(commit, raw.toString('utf8'));
    const { commit: c } = await git.readCommit({
      fs: this.fs,
      gitdir: this.gitdir,
      oid: commit,
      cache: this.cache,
    });
    return {
      commit,
      subject: c.message.split('\n', 1)[0] ?? '',
      author: c.author.name,
      ...(c.author.email ? { email: c.author.email } : {}),
      time: new Date(c.author.timestamp * 1000).toISOString(),
    };
  }

  /** The root tree of a commit. */
  async commitTree(commit: string): Promise<string> {
    const raw = await this.fast(commit, 'commit');
    const line = raw?.toString('latin1', 0, 46);
    if (line?.startsWith('tree ')) return line.slice(5, 45);
    const { commit: c } = await git.readCommit({
      fs: this.fs,
      gitdir: this.gitdir,
      oid: commit,
      cache: this.cache,
    });
    return c.tree;
  }
}

/** Splits a tree path into segments, resolving `.` and `..`; undefined when it leaves the root. */
export function splitPath(path: string): string[] | undefined {
  if (path.startsWith('/') || path.includes('\0')) return undefined;
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out;
}

/** The FileTree of one commit, read from the object store. Confined to the commit's tree. */
export class GitFileTree implements FileTree {
  constructor(
    readonly description: string,
    private readonly reader: ObjectReader,
    private readonly rootTree: string,
  ) {}

  private escapes(path: string) {
    return sourceError(
      SourceErrorCode.PathEscapes,
      `${this.description}: path '${path}' leaves the repository tree`,
    );
  }

  /** Follows the path (and symlinks inside the tree) to an entry; undefined when missing. */
  private async lookup(path: string): Promise<TreeEntry | undefined> {
    return (await this.walk(path)).entry;
  }

  /**
   * Walks the path, resolving the symlinks of every component; `real` is the path walked (with
   * the unresolved rest when something is missing), so the load restrictor sees where it lands.
   */
  private async walk(path: string): Promise<{ entry: TreeEntry | undefined; real: string[] }> {
    const segments = splitPath(path);
    if (!segments) throw this.escapes(path);
    let hops = 0;
    let pending = segments;
    let current: TreeEntry = { kind: 'tree', oid: this.rootTree };
    let done: string[] = [];
    while (pending.length > 0) {
      const [name, ...rest] = pending as [string, ...string[]];
      if (current.kind !== 'tree') return { entry: undefined, real: [...done, ...pending] };
      const next = (await this.reader.tree(current.oid)).entries.get(name);
      if (!next || next.kind === 'gitlink') return { entry: undefined, real: [...done, ...pending] };
      if (next.kind === 'link') {
        if (++hops > MAX_LINK_HOPS) {
          throw sourceError(
            SourceErrorCode.PathNotFound,
            `${this.description}: '${path}': too many levels of symlinks`,
          );
        }
        const target = Buffer.from(await this.reader.blob(next.oid)).toString('utf8');
        const joined = splitPath([...done, target].join('/'));
        if (target.startsWith('/') || !joined) throw this.escapes(path);
        pending = [...joined, ...rest];
        done = [];
        current = { kind: 'tree', oid: this.rootTree };
        continue;
      }
      done.push(name);
      current = next;
      pending = rest;
    }
    return { entry: current, real: done };
  }

  async realPath(path: string): Promise<string> {
    return (await this.walk(path)).real.join('/');
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const entry = await this.lookup(path);
    if (!entry) return undefined;
    if (entry.kind === 'tree') return { kind: 'dir', size: 0 };
    return { kind: 'file', size: (await this.reader.blob(entry.oid)).length };
  }

  async readFile(path: string): Promise<Uint8Array> {
    const entry = await this.lookup(path);
    if (!entry) {
      throw sourceError(SourceErrorCode.PathNotFound, `${this.description}: file '${path}' not found`);
    }
    if (entry.kind !== 'blob') {
      throw sourceError(
        SourceErrorCode.NotAFile,
        `${this.description}: '${path}' is a directory, not a file`,
      );
    }
    return this.reader.blob(entry.oid);
  }

  async listDir(path: string): Promise<string[]> {
    const entry = await this.lookup(path);
    if (!entry) {
      throw sourceError(SourceErrorCode.PathNotFound, `${this.description}: directory '${path}' not found`);
    }
    if (entry.kind !== 'tree') {
      throw sourceError(
        SourceErrorCode.NotADirectory,
        `${this.description}: '${path}' is a file, not a directory`,
      );
    }
    return [...(await this.reader.tree(entry.oid)).names];
  }
}
