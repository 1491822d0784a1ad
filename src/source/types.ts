import type { SecretRef, SecretSource } from './credentials.js';
import type { HttpClient } from './http.js';
import type { FetchEngine } from './repo.js';
import type { RevisionKind } from './revision.js';

export type LogFn = (fields: Record<string, unknown>, message: string) => void;
/** The logger shape the source needs (pino's satisfies it). */
export interface SourceLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
}
export interface Clock {
  now(): number;
}

export interface GitSourceOptions {
  /** Root of the on-disk cache; one sub-directory per repository. */
  cacheDir: string;
  http?: HttpClient;
  clock?: Clock;
  logger?: SourceLogger;
  /** Where repository credentials come from (the controller passes a ClusterClient-backed one). */
  secrets?: SecretSource;
  /** Reuse the list of credential Secrets this long (one list per poll, not per app). Default 10 s. */
  secretsTtlMs?: number;
  /** No byte from the server for this long fails the request (a stalled server). Default 30 s. */
  idleTimeoutMs?: number;
  /** A ref query must finish within this. Default 30 s. */
  lsRemoteTimeoutMs?: number;
  /** A fetch must finish within this. Default 10 min. */
  fetchTimeoutMs?: number;
  /** Most bytes of packs one repository may hold in the cache. Default 1 GiB. */
  maxRepoBytes?: number;
  /**
   * Every incremental fetch adds a pack; at this many the next fetch refetches the repository
   * whole into one pack (dropping objects no ref reaches). Default 32.
   */
  maxPacks?: number;
  /** Reuse a ref query this long for the same repository (one query per poll). Default 0: only concurrent callers share. */
  refCacheTtlMs?: number;
  /**
   * Who fetches: `isomorphic-git` (default: its fetch and pack indexer) or `native` (our own
   * upload-pack request and a node:zlib/node:crypto indexer, several times faster on big packs).
   */
  fetchEngine?: FetchEngine;
  /** A ref moved to a commit not descending from the previous one: follow it (default) or refuse. */
  onHistoryRewrite?: 'follow' | 'refuse';
}

export interface SourceRequest {
  repoURL: string;
  targetRevision: string;
  /** Credentials named explicitly (otherwise matched by URL prefix). */
  secretRef?: SecretRef;
  /** The commit this app used before; a new commit that does not descend from it is a history rewrite. */
  previousCommit?: string;
}

/** A targetRevision resolved to a commit present in the cache. */
export interface Revision {
  /** The repository (normalised, never with credentials). */
  repo: string;
  commit: string;
  kind: RevisionKind;
  /** The full ref it resolved through, for branches, tags and ranges. */
  ref?: string;
  /** Flux-style text for status: `main@sha1:<sha>`. */
  text: string;
  /** True when this call had to fetch. */
  fetched: boolean;
  /** Set when the ref moved to a commit that does not descend from the previous one (force-push). */
  rewrittenFrom?: string;
}
