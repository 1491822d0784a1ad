import { createHash } from 'node:crypto';
import type { FileTree } from '../render/file-tree.js';
import { collectGarbage } from './cache-gc.js';
import { descends, expandCommit, fullSha, hasCommit } from './commit-lookup.js';
import {
  authorizationHeader,
  cachedSecretSource,
  lookupCredentials,
  type SecretSource,
} from './credentials.js';
import { SourceErrorCode, sourceError } from './errors.js';
import { type CommitInfo, GitFileTree, ObjectReader } from './git-tree.js';
import type { HttpClient } from './http.js';
import { nodeHttpClient } from './node-http.js';
import { type NetworkLimits, type RefQuery, type RepoState, RepoStore } from './repo.js';
import { matchRevision, type RefSnapshot, revisionText } from './revision.js';
import type { Clock, GitSourceOptions, LogFn, Revision, SourceLogger, SourceRequest } from './types.js';
import { parseRepoUrl, type RepoUrl, redactUrl } from './url.js';

export type { Clock, GitSourceOptions, Revision, SourceLogger, SourceRequest };

const noop: LogFn = () => {};
const silent: SourceLogger = { debug: noop, info: noop, warn: noop };

/** In-memory state of one repository: single-flight slots and caches. */
interface Entry {
  url: RepoUrl;
  store: RepoStore;
  reader: ObjectReader;
  /** In-flight (or recent) ref queries, keyed by credential fingerprint. */
  queries: Map<string, { promise: Promise<RefQuery>; at: number; done: boolean }>;
  fetching?: Promise<void> | undefined;
  /** state.json, loaded once; every change is written through `saving` (one write at a time). */
  state?: Promise<RepoState>;
  saving: Promise<void>;
  /** Parsed trees by commit (promises, so concurrent callers share one). */
  trees: Map<string, Promise<GitFileTree>>;
  busy: number;
  /** Credential fingerprints the server accepted for this repository (this process). */
  authorized: Set<string>;
}

/** A stable, non-reversible key for credentials ('' for anonymous). */
function fingerprint(authorization: string | undefined): string {
  return authorization ? createHash('sha256').update(authorization).digest('hex') : '';
}

/**
 * The Git source: resolves revisions, fetches into a shared on-disk cache and serves trees.
 * One instance per process; every Application on a repository shares its entry, so a burst of
 * requests costs one ref query and at most one fetch.
 */
export class GitSource {
  private readonly entries = new Map<string, Entry>();
  private readonly http: HttpClient;
  private readonly clock: Clock;
  private readonly log: SourceLogger;
  private readonly limits: NetworkLimits;
  private readonly ttl: number;
  private readonly secrets: SecretSource | undefined;

  constructor(private readonly options: GitSourceOptions) {
    this.http = options.http ?? nodeHttpClient;
    this.clock = options.clock ?? Date;
    this.log = options.logger ?? silent;
    this.ttl = options.refCacheTtlMs ?? 0;
    this.secrets = options.secrets
      ? cachedSecretSource(options.secrets, options.secretsTtlMs ?? 10_000, () => this.clock.now())
      : undefined;
    this.limits = {
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
      lsRemoteTimeoutMs: options.lsRemoteTimeoutMs ?? 30_000,
      fetchTimeoutMs: options.fetchTimeoutMs ?? 600_000,
      maxRepoBytes: options.maxRepoBytes ?? 1024 ** 3,
      maxPacks: options.maxPacks ?? 32,
    };
  }

  /** Repositories held in memory and their parsed trees (at most 64 each): read by the soak bench. */
  cacheSize(): { repos: number; trees: number } {
    let trees = 0;
    for (const e of this.entries.values()) trees += e.trees.size;
    return { repos: this.entries.size, trees };
  }

  private entry(repoURL: string): Entry {
    const url = parseRepoUrl(repoURL);
    let entry = this.entries.get(url.cacheKey);
    if (!entry) {
      const store = new RepoStore(this.options.cacheDir, url, redactUrl(url.fetchUrl));
      entry = {
        url,
        store,
        reader: new ObjectReader(store.fs, store.gitdir),
        queries: new Map(),
        trees: new Map(),
        busy: 0,
        authorized: new Set(),
        saving: Promise.resolve(),
      };
      this.entries.set(url.cacheKey, entry);
    }
    return entry;
  }

  private async authorization(entry: Entry, req: SourceRequest): Promise<string | undefined> {
    // Per request: the entry is shared by every spelling of the URL, with or without userinfo.
    const { userinfo } = parseRepoUrl(req.repoURL);
    const creds = await lookupCredentials(entry.url.fetchUrl, {
      ...(this.secrets ? { secrets: this.secrets } : {}),
      ...(req.secretRef ? { secretRef: req.secretRef } : {}),
      ...(userinfo ? { userinfo } : {}),
    });
    return creds ? authorizationHeader(creds) : undefined;
  }

  private state(entry: Entry): Promise<RepoState> {
    entry.state ??= entry.store.readState();
    return entry.state;
  }

  /** Applies a change to the state and writes it (atomically, serialised per repository). */
  private async updateState(entry: Entry, change: (state: RepoState) => boolean): Promise<void> {
    const state = await this.state(entry);
    if (!change(state)) return;
    const write = entry.saving.then(() => entry.store.writeState(state));
    entry.saving = write.catch(() => {});
    await write;
  }

  /** One ref query per repository and credentials at a time (and within the TTL). */
  private queryRefs(entry: Entry, authorization: string | undefined): Promise<RefQuery> {
    const key = fingerprint(authorization);
    const now = this.clock.now();
    const slot = entry.queries.get(key);
    if (slot && (!slot.done || now - slot.at < this.ttl)) return slot.promise;
    const promise = entry.store.queryRefs(this.http, authorization, this.limits);
    const fresh = { promise, at: now, done: false };
    entry.queries.set(key, fresh);
    promise.then(
      () => {
        fresh.done = true;
        fresh.at = this.clock.now();
        entry.authorized.add(key);
      },
      (err: unknown) => {
        if (entry.queries.get(key) === fresh) entry.queries.delete(key);
        const code = (err as { code?: unknown }).code;
        if (code === SourceErrorCode.AuthFailed || code === SourceErrorCode.Forbidden)
          entry.authorized.delete(key);
      },
    );
    this.log.debug({ repo: entry.store.display }, 'querying refs');
    return promise;
  }

  /** Fetches unless `present()` holds; concurrent callers share one fetch and its outcome. */
  private async fetchUnless(
    entry: Entry,
    present: () => Promise<boolean>,
    auth: string | undefined,
    query: RefQuery,
  ) {
    for (;;) {
      if (await present()) return false;
      if (entry.fetching) {
        await entry.fetching;
        continue;
      }
      const started = this.clock.now();
      const state = await this.state(entry);
      const haves = [
        ...new Set([...Object.values(state.lastGood ?? {}), ...Object.values(state.refs?.refs ?? {})]),
      ];
      if (entry.fetching) continue;
      entry.fetching = entry.store
        .fetch(this.http, auth, this.limits, query, entry.reader, this.options.fetchEngine, haves)
        .then(() =>
          this.updateState(entry, (state) => {
            state.refs = query.snapshot;
            state.fetchedAt = started;
            return true;
          }),
        )
        .finally(() => {
          entry.fetching = undefined;
        });
      await entry.fetching;
      this.log.info({ repo: entry.store.display, ms: this.clock.now() - started }, 'fetched');
      return true;
    }
  }

  /**
   * Resolves a targetRevision to a commit and makes sure the commit is in the cache (fetching
   * only when it is not). A full commit id already in the cache costs no network at all.
   */
  async resolve(req: SourceRequest): Promise<Revision> {
    const entry = this.entry(req.repoURL);
    entry.busy++;
    try {
      return await this.resolveIn(entry, req);
    } finally {
      entry.busy--;
    }
  }

  private async resolveIn(entry: Entry, req: SourceRequest): Promise<Revision> {
    const { store } = entry;
    const rev = req.targetRevision.trim();
    const base = { repo: entry.url.normalized };
    const auth = await this.authorization(entry, req);
    // A full id already in the cache needs no network, once these credentials (or none) have
    // been accepted by the server for this repository: the cache is not a way around auth.
    if (fullSha.test(rev) && entry.authorized.has(fingerprint(auth)) && (await hasCommit(entry, rev))) {
      return { ...base, commit: rev, kind: 'commit', text: revisionText(rev), fetched: false };
    }
    const query = await this.queryRefs(entry, auth);
    const state = await this.state(entry);
    const lastGood: RefSnapshot = { refs: { ...state.refs?.refs, ...state.lastGood }, peeled: {} };
    const match = matchRevision(store.display, rev, query.snapshot, lastGood);
    if (match.kind === 'commit') {
      let commit = await expandCommit(entry, match.oid);
      let fetched = false;
      if (!commit) {
        const unchanged = state.refs && JSON.stringify(state.refs) === JSON.stringify(query.snapshot);
        if (!unchanged) {
          fetched = await this.fetchUnless(
            entry,
            async () => (await expandCommit(entry, match.oid)) !== undefined,
            auth,
            query,
          );
          commit = await expandCommit(entry, match.oid);
        }
      }
      if (!commit) {
        throw sourceError(
          SourceErrorCode.RevisionNotFound,
          `repository ${store.display}: no commit '${match.oid}' on any branch or tag`,
        );
      }
      return { ...base, commit, kind: 'commit', text: revisionText(commit), fetched };
    }
    const fetched = await this.fetchUnless(entry, () => hasCommit(entry, match.commit), auth, query);
    if (!(await hasCommit(entry, match.commit))) {
      throw sourceError(
        SourceErrorCode.RevisionNotFound,
        `repository ${store.display}: ${match.ref} points to ${match.commit}, which the server did not send`,
      );
    }
    const revision: Revision = {
      ...base,
      commit: match.commit,
      kind: match.kind,
      ref: match.ref,
      text: revisionText(match.commit, match.ref),
      fetched,
    };
    const previous = req.previousCommit ?? state.lastGood?.[match.ref];
    if (previous && previous !== match.commit && (await hasCommit(entry, previous))) {
      if (!(await descends(entry, match.commit, previous))) {
        if (this.options.onHistoryRewrite === 'refuse') {
          throw sourceError(
            SourceErrorCode.HistoryRewritten,
            `repository ${store.display}: ${match.ref} was rewritten: ${match.commit.slice(0, 12)} does not descend from ${previous.slice(0, 12)}`,
          );
        }
        this.log.warn(
          { repo: store.display, ref: match.ref, from: previous, to: match.commit },
          'history rewritten (force-push)',
        );
        revision.rewrittenFrom = previous;
      }
    }
    await this.updateState(entry, (s) => {
      if (s.lastGood?.[match.ref] === match.commit) return false;
      s.lastGood = { ...s.lastGood, [match.ref]: match.commit };
      return true;
    });
    return revision;
  }

  /** The tree of a commit already in the cache (from resolve). Trees are cached per commit. */
  async tree(repoURL: string, commit: string): Promise<FileTree> {
    const entry = this.entry(repoURL);
    const hit = entry.trees.get(commit);
    if (hit) {
      entry.trees.delete(commit);
      entry.trees.set(commit, hit);
      return hit;
    }
    const display = entry.store.display;
    const tree = entry.reader.commitTree(commit).then(
      (root) => new GitFileTree(`${display}@${commit.slice(0, 12)}`, entry.reader, root),
      (err: unknown) => {
        entry.trees.delete(commit);
        throw sourceError(
          SourceErrorCode.RevisionNotFound,
          `repository ${display}: commit ${commit} is not in the cache`,
          err,
        );
      },
    );
    entry.trees.set(commit, tree);
    if (entry.trees.size > 64) entry.trees.delete(entry.trees.keys().next().value!);
    return tree;
  }

  /**
   * Subject, author and time of a commit. Read from the cache; a commit not in it is fetched as
   * a full id would be by resolve() (with the repository's credentials).
   */
  async commitInfo(repoURL: string, commit: string): Promise<CommitInfo> {
    const entry = this.entry(repoURL);
    if (!(await hasCommit(entry, commit))) await this.resolve({ repoURL, targetRevision: commit });
    try {
      return await entry.reader.commitInfo(commit);
    } catch (err) {
      throw sourceError(
        SourceErrorCode.RevisionNotFound,
        `repository ${entry.store.display}: commit ${commit} is not in the cache`,
        err,
      );
    }
  }

  /** resolve() then tree(): what the controller and `trueup render --repo` call. */
  async open(req: SourceRequest): Promise<{ revision: Revision; tree: FileTree }> {
    const revision = await this.resolve(req);
    return { revision, tree: await this.tree(req.repoURL, revision.commit) };
  }

  /**
   * Removes the cache entries of repositories no Application uses any more. URLs are compared
   * normalised; entries with work in flight are kept. Returns the removed repositories.
   */
  async gc(inUse: Iterable<string>): Promise<string[]> {
    const keep = new Set<string>();
    for (const url of inUse) {
      try {
        keep.add(parseRepoUrl(url).cacheKey);
      } catch {}
    }
    const removed = await collectGarbage({
      cacheDir: this.options.cacheDir,
      keep,
      busy: (key) => {
        const live = this.entries.get(key);
        return live !== undefined && (live.busy > 0 || live.fetching !== undefined);
      },
      now: this.clock.now(),
      leftoverAgeMs: 3_600_000,
    });
    for (const { key } of removed) this.entries.delete(key);
    const urls = removed.map((r) => r.url).sort();
    if (urls.length) this.log.info({ removed: urls }, 'removed unused repositories from the cache');
    return urls;
  }
}
