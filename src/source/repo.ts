import { createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import { isTrueupError, type TrueupError } from '../api/errors.js';
import { SourceErrorCode, sourceError } from './errors.js';
import { type CachedGitFs, createGitFs, listFiles, writeFileAtomic } from './git-fs.js';
import { ObjectReader } from './git-tree.js';
import { type Advertisement, type HttpClient, HttpOperation } from './http.js';
import { indexPack } from './pack-index.js';
import type { RefSnapshot } from './revision.js';
import { ProtocolViolation, requestPack, uploadPackRequest } from './upload-pack.js';
import type { RepoUrl } from './url.js';

/** What the cache remembers about a repository between runs (state.json, written atomically). */
export interface RepoState {
  url: string;
  /** The refs of the last successful fetch: the last good revision of every ref. */
  refs?: RefSnapshot;
  fetchedAt?: number;
  /** The commit each ref last resolved to successfully (for force-push and deleted-ref detection). */
  lastGood?: Record<string, string>;
}

/** Who speaks upload-pack and indexes the pack: isomorphic-git's fetch, or our own (faster). */
export type FetchEngine = 'isomorphic-git' | 'native';

export interface NetworkLimits {
  /** Once a repository has this many packs, the next fetch refetches it whole (compaction). */
  maxPacks: number;
  idleTimeoutMs: number;
  lsRemoteTimeoutMs: number;
  fetchTimeoutMs: number;
  maxRepoBytes: number;
}

export interface RefQuery {
  snapshot: RefSnapshot;
  advertisement?: Advertisement;
}

/** Builds a snapshot from isomorphic-git's listServerRefs answer. */
function toSnapshot(
  list: Array<{ ref: string; oid: string; target?: string | undefined; peeled?: string | undefined }>,
): RefSnapshot {
  const snapshot: RefSnapshot = { refs: {}, peeled: {} };
  for (const r of list) {
    snapshot.refs[r.ref] = r.oid;
    if (r.peeled) snapshot.peeled[r.ref] = r.peeled;
    if (r.ref === 'HEAD' && r.target) snapshot.head = r.target;
  }
  return snapshot;
}

/** Turns anything a git call threw into a typed error naming the repository. */
export function gitFailure(repo: string, what: string, err: unknown, op?: HttpOperation): TrueupError {
  if (op?.error) return op.error;
  if (isTrueupError(err)) return err;
  const name =
    (err as { code?: unknown; name?: unknown } | undefined)?.code ?? (err as Error | undefined)?.name;
  if (name === 'SmartHttpError' || name === 'ParseError' || name === 'InternalError') {
    return sourceError(
      SourceErrorCode.ProtocolError,
      `repository ${repo}: ${what}: the server does not speak the Git smart-HTTP protocol`,
      err,
    );
  }
  return sourceError(SourceErrorCode.ProtocolError, `repository ${repo}: ${what} failed`, err);
}

/** The on-disk part of one repository's cache entry: `<cacheDir>/repos/<key>/{git,state.json}`. */
export class RepoStore {
  readonly dir: string;
  readonly gitdir: string;
  readonly fs: CachedGitFs = createGitFs({ packedOnly: true });

  constructor(
    readonly cacheDir: string,
    readonly url: RepoUrl,
    /** The repository as shown in messages (redacted). */
    readonly display: string,
  ) {
    this.dir = join(cacheDir, 'repos', url.cacheKey);
    this.gitdir = join(this.dir, 'git');
  }

  async readState(): Promise<RepoState> {
    try {
      return JSON.parse(await fsp.readFile(join(this.dir, 'state.json'), 'utf8')) as RepoState;
    } catch {
      return { url: this.url.normalized };
    }
  }

  async writeState(state: RepoState): Promise<void> {
    await writeFileAtomic(join(this.dir, 'state.json'), `${JSON.stringify(state)}\n`);
  }

  /** Creates the bare repository if missing: built in a temp dir and renamed into place. */
  async ensureInitialized(): Promise<void> {
    try {
      await fsp.access(join(this.gitdir, 'config'));
      return;
    } catch {}
    const tmp = join(this.cacheDir, 'tmp', `${this.url.cacheKey}-${randomBytes(6).toString('hex')}`);
    try {
      await this.initAt(join(tmp, 'git'));
      await writeFileAtomic(join(tmp, 'state.json'), `${JSON.stringify({ url: this.url.normalized })}\n`);
      await fsp.mkdir(join(this.cacheDir, 'repos'), { recursive: true });
      await fsp.rename(tmp, this.dir).catch(async (err: NodeJS.ErrnoException) => {
        // Someone else (another process) created it first: theirs is as good as ours.
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
      });
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  }

  /** An empty bare repository with `origin` set to the fetch URL (never with credentials). */
  private async initAt(gitdir: string): Promise<void> {
    await fsp.mkdir(gitdir, { recursive: true });
    await git.init({ fs: this.fs, dir: gitdir, gitdir, bare: true });
    await git.setConfig({ fs: this.fs, gitdir, path: 'remote.origin.url', value: this.url.fetchUrl });
    await git.setConfig({
      fs: this.fs,
      gitdir,
      path: 'remote.origin.fetch',
      value: '+refs/heads/*:refs/remotes/origin/*',
    });
  }

  /** ls-remote: one GET of the ref advertisement, recorded so a fetch right after can reuse it. */
  async queryRefs(
    http: HttpClient,
    authorization: string | undefined,
    limits: NetworkLimits,
  ): Promise<RefQuery> {
    const op = new HttpOperation(http, {
      repo: this.display,
      ...(authorization ? { authorization } : {}),
      idleTimeoutMs: limits.idleTimeoutMs,
      operationTimeoutMs: limits.lsRemoteTimeoutMs,
    });
    op.recordAdvertisement();
    try {
      const list = await Promise.race([
        git.listServerRefs({
          http: op.gitHttp,
          url: this.url.fetchUrl,
          protocolVersion: 1,
          symrefs: true,
          peelTags: true,
        }),
        op.failed,
      ]);
      const advertisement = op.takeAdvertisement();
      return { snapshot: toSnapshot(list), ...(advertisement ? { advertisement } : {}) };
    } catch (err) {
      throw gitFailure(this.display, 'listing refs', err, op);
    } finally {
      op.close();
    }
  }

  /** Bytes of pack files already stored. */
  private async storedBytes(): Promise<number> {
    const packDir = join(this.gitdir, 'objects', 'pack');
    let total = 0;
    for (const name of await fsp.readdir(packDir).catch(() => [] as string[])) {
      total += (await fsp.stat(join(packDir, name)).catch(() => ({ size: 0 }))).size;
    }
    return total;
  }

  /**
   * Fetches every branch and tag the snapshot advertises, sending the commits we have as
   * `have`s so only new objects travel. Packs land in a staging directory and move into the
   * object store only once the whole fetch succeeded and the pack checksum is right (the caller
   * then replaces the state atomically). A failure at any point leaves the store untouched.
   */
  async fetch(
    http: HttpClient,
    authorization: string | undefined,
    limits: NetworkLimits,
    query: RefQuery,
    reader: ObjectReader,
    engine: FetchEngine = 'isomorphic-git',
    haves: readonly string[] = [],
  ): Promise<void> {
    await this.ensureInitialized();
    const packs = await this.packCount();
    if (packs >= limits.maxPacks) {
      await this.refetch(http, authorization, limits, query, engine);
    } else {
      const budget = limits.maxRepoBytes - (await this.storedBytes());
      await this.fetchInto(this.gitdir, http, authorization, limits, query, reader, engine, haves, budget);
    }
    this.fs.invalidate();
    reader.invalidate();
  }

  /** Number of pack files: every incremental fetch adds one. */
  async packCount(): Promise<number> {
    const names = await fsp.readdir(join(this.gitdir, 'objects', 'pack')).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.idx')).length;
  }

  /**
   * Compaction: once incremental fetches have left `maxPacks` packs, fetch everything afresh
   * into a new repository (one pack, only what the refs reach) and swap it in. The old objects
   * stay readable until the swap; commits no ref reaches any more are dropped with them.
   */
  private async refetch(
    http: HttpClient,
    authorization: string | undefined,
    limits: NetworkLimits,
    query: RefQuery,
    engine: FetchEngine,
  ): Promise<void> {
    const tmp = join(this.cacheDir, 'tmp', `${this.url.cacheKey}-refetch-${randomBytes(6).toString('hex')}`);
    try {
      const gitdir = join(tmp, 'git');
      await this.initAt(gitdir);
      const reader = new ObjectReader(createGitFs({ packedOnly: true }), gitdir);
      await this.fetchInto(
        gitdir,
        http,
        authorization,
        limits,
        query,
        reader,
        engine,
        [],
        limits.maxRepoBytes,
      );
      const old = join(tmp, 'old');
      await fsp.rename(this.gitdir, old);
      await fsp.rename(gitdir, this.gitdir);
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  }

  private async fetchInto(
    gitdir: string,
    http: HttpClient,
    authorization: string | undefined,
    limits: NetworkLimits,
    query: RefQuery,
    reader: ObjectReader,
    engine: FetchEngine,
    haves: readonly string[],
    budget: number,
  ): Promise<void> {
    if (budget <= 0) {
      throw sourceError(
        SourceErrorCode.RepoTooLarge,
        `repository ${this.display}: the cache already holds the size limit of ${limits.maxRepoBytes} bytes`,
      );
    }
    const op = new HttpOperation(http, {
      repo: this.display,
      ...(authorization ? { authorization } : {}),
      idleTimeoutMs: limits.idleTimeoutMs,
      operationTimeoutMs: limits.fetchTimeoutMs,
      maxPackBytes: budget,
    });
    if (query.advertisement) op.preloadAdvertisement(query.advertisement);
    const staging = join(dirname(gitdir), `staging-${randomBytes(6).toString('hex')}`);
    let open = true;
    const pending = new Set<Promise<unknown>>();
    const fs = createGitFs({
      pending,
      stagingDir: staging,
      gitdir,
      assertOpen: () => {
        if (!open) throw new Error('fetch abandoned');
      },
    });
    const { snapshot } = query;
    const ref =
      snapshot.head && snapshot.refs[snapshot.head]
        ? snapshot.head
        : Object.keys(snapshot.refs).find((r) => !r.endsWith('^{}'));
    try {
      if (engine === 'native') await this.fetchNative(op, snapshot, reader, haves, staging);
      else if (ref) {
        await Promise.race([
          git.fetch({
            fs,
            http: op.gitHttp,
            gitdir,
            url: this.url.fetchUrl,
            ref,
            singleBranch: false,
            tags: true,
            cache: reader.cache,
          }),
          op.failed,
        ]);
      }
      if (op.error) throw op.error;
      await this.publishStaged(staging, gitdir);
    } catch (err) {
      throw gitFailure(this.display, 'fetching', err, op);
    } finally {
      open = false;
      op.close();
      // An abandoned isomorphic-git call may be mid-write: let it finish before cleaning up.
      await Promise.allSettled([...pending]);
      await fsp.rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * The native engine: one stateless upload-pack request (every advertised branch and tag we do
   * not have as `want`s, the commits we have as `have`s), the pack indexed with node:zlib and
   * node:crypto (isomorphic-git's indexer hashes each object through async WebCrypto and
   * inflates in JavaScript: several times slower), written to the staging directory.
   */
  private async fetchNative(
    op: HttpOperation,
    snapshot: RefSnapshot,
    reader: ObjectReader,
    haves: readonly string[],
    staging: string,
  ): Promise<void> {
    const wanted = new Set<string>();
    for (const [ref, oid] of Object.entries(snapshot.refs)) {
      if (ref === 'HEAD' || ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/')) wanted.add(oid);
    }
    const wants: string[] = [];
    for (const oid of [...wanted].sort()) if (!(await reader.has(oid))) wants.push(oid);
    if (wants.length === 0) return;
    const present: string[] = [];
    for (const oid of haves) if (present.length < 256 && (await reader.has(oid))) present.push(oid);
    let pack: Buffer;
    try {
      pack = await Promise.race([
        requestPack(op.client, this.url.fetchUrl, uploadPackRequest(wants, present, 'trueup')),
        op.failed,
      ]);
    } catch (err) {
      if (err instanceof ProtocolViolation && !op.error) {
        throw sourceError(SourceErrorCode.ProtocolError, `repository ${this.display}: ${err.message}`, err);
      }
      throw err;
    }
    if (op.error) throw op.error;
    let idx: Buffer;
    try {
      idx = indexPack(pack).idx;
    } catch (err) {
      throw sourceError(
        SourceErrorCode.Network,
        `repository ${this.display}: the received pack is truncated or corrupt`,
        err,
      );
    }
    const base = join(staging, 'objects', 'pack', `pack-${pack.subarray(pack.length - 20).toString('hex')}`);
    await fsp.mkdir(dirname(base), { recursive: true });
    await fsp.writeFile(`${base}.pack`, pack);
    await fsp.writeFile(`${base}.idx`, idx);
  }

  /**
   * Moves a successful fetch's writes into the repository: each pack (after checking its trailing
   * SHA-1) before its index, since readers find packs through their index; then the refs.
   */
  private async publishStaged(staging: string, gitdir: string): Promise<void> {
    const files = await listFiles(staging);
    const packs = files.filter((f) => /^objects[\\/]pack[\\/]pack-[0-9a-f]{40}\.pack$/.test(f));
    const indexes = new Set(packs.map((p) => p.replace(/\.pack$/, '.idx')));
    for (const pack of packs) {
      const idx = pack.replace(/\.pack$/, '.idx');
      if (!files.includes(idx)) throw new Error(`pack ${pack} has no index`);
      const data = await fsp.readFile(join(staging, pack));
      const sum = createHash('sha1')
        .update(data.subarray(0, data.length - 20))
        .digest('hex');
      if (data.length < 32 || sum !== data.subarray(data.length - 20).toString('hex')) {
        throw sourceError(
          SourceErrorCode.Network,
          `repository ${this.display}: the received pack is truncated or corrupt`,
        );
      }
    }
    const order = [...packs, ...indexes, ...files.filter((f) => !packs.includes(f) && !indexes.has(f))];
    for (const rel of order) {
      await fsp.mkdir(dirname(join(gitdir, rel)), { recursive: true });
      await fsp.rename(join(staging, rel), join(gitdir, rel));
    }
  }
}
