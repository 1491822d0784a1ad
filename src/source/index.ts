/**
 * The Git source: resolve a targetRevision to a commit, fetch it into a shared on-disk cache,
 * serve its tree as a FileTree. See GitSource.
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
export { type HttpClient, type HttpRequest, type HttpResponse, nodeHttpClient } from './http.js';
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
