/**
 * The Git source: resolve a targetRevision to a commit, fetch it into a shared on-disk cache,
 * serve its tree as a FileTree.
 *
 *   const source = new GitSource({ cacheDir, secrets, logger });      // one per process
 *   const { revision, tree } = await source.open({ repoURL, targetRevision: 'main' });
 *   revision.text;                          // 'main@sha1:<sha>' for status
 *   await renderTree(tree, 'apps/web/overlays/prod');
 *   await source.gc(urlsOfAllApplications);  // now and then
 *
 * Each call costs one ref query (GET info/refs; concurrent callers of a repository share it,
 * and `refCacheTtlMs` stretches the sharing over a poll), and a fetch only when the commit is
 * not in the cache yet (also shared: a burst of requests makes one fetch). A full commit id
 * already in the cache costs nothing.
 *
 * Cache layout under `cacheDir`: `repos/<sha256(normalised URL)[:32]>/git` (a bare repository
 * holding only packs), `.../state.json` (the refs of the last successful fetch and the last
 * good commit of every ref, replaced atomically), `tmp/` (repositories being created or
 * compacted, GC trash). A fetch writes into a staging directory and moves its pack in only when
 * complete and verified, so a failed fetch leaves the last good revision untouched.
 *
 * Every failure is a TrueupError with a `Git*` code (SourceErrorCode) and a retry class;
 * messages name the repository with credentials redacted.
 */
export {
  ARGOCD_SECRET_TYPE_LABEL,
  type GitCredentials,
  SECRET_TYPE_LABEL,
  type SecretLike,
  type SecretRef,
  type SecretSource,
  SecretType,
  staticSecretSource,
} from './credentials.js';
export { SourceErrorCode } from './errors.js';
export { type CommitInfo, parseCommitInfo } from './git-tree.js';
export type { HttpClient, HttpRequest, HttpResponse } from './http.js';
export { createNodeHttpClient, type NodeHttpOptions, nodeHttpClient } from './node-http.js';
export type { FetchEngine } from './repo.js';
export { type RefSnapshot, RevisionKind, revisionText } from './revision.js';
export {
  type Clock,
  GitSource,
  type GitSourceOptions,
  type Revision,
  type SourceLogger,
  type SourceRequest,
} from './source.js';
export { normalizeRepoUrl, parseRepoUrl, redactUrl } from './url.js';
