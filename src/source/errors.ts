import { RetryClass, TrueupError } from '../api/errors.js';

/** Stable codes of every error the Git source raises. */
export const SourceErrorCode = {
  /** `ssh://`, `git@host:` and other transports isomorphic-git cannot speak. */
  UnsupportedUrl: 'GitUnsupportedUrl',
  InvalidUrl: 'GitInvalidUrl',
  /** 401: no or wrong credentials. */
  AuthFailed: 'GitAuthFailed',
  /** 403: credentials accepted but not allowed. */
  Forbidden: 'GitForbidden',
  /** 3xx: the repository moved (redirects are not followed). */
  Redirected: 'GitRedirected',
  /** 404 on the repository itself. */
  RepoNotFound: 'GitRepoNotFound',
  DnsFailure: 'GitDnsFailure',
  ConnectionRefused: 'GitConnectionRefused',
  /** The server's certificate is not trusted (private CA not configured, expired, wrong name). */
  Tls: 'GitTlsError',
  /** The connection broke (reset, closed mid-response, TLS failure). */
  Network: 'GitNetworkError',
  /** No byte within the idle timeout, or the whole operation took too long. */
  Timeout: 'GitTimeout',
  /** 5xx or an unexpected status from the server. */
  ServerError: 'GitServerError',
  /** The server answered something that is not the Git smart-HTTP protocol. */
  ProtocolError: 'GitProtocolError',
  RepoTooLarge: 'GitRepoTooLarge',
  /** The revision (branch, tag, range, commit) does not exist. */
  RevisionNotFound: 'GitRevisionNotFound',
  /** A branch or tag we resolved before is gone from the remote. */
  RefDeleted: 'GitRefDeleted',
  /** A short SHA matches more than one object. */
  AmbiguousRevision: 'GitAmbiguousRevision',
  /** A ref moved to a commit that does not descend from the one fetched before (force-push), and the policy refuses it. */
  HistoryRewritten: 'GitHistoryRewritten',
  /** The Secret holding the credentials does not exist (yet). */
  CredentialsNotFound: 'GitCredentialsNotFound',
  InvalidCredentials: 'GitInvalidCredentials',
  /** A path inside a revision: missing, wrong kind, or leaving the tree. */
  PathNotFound: 'GitPathNotFound',
  NotAFile: 'GitNotAFile',
  NotADirectory: 'GitNotADirectory',
  PathEscapes: 'GitPathEscapes',
  /** The cache on disk could not be read or written. */
  Cache: 'GitCacheError',
} as const;
export type SourceErrorCode = (typeof SourceErrorCode)[keyof typeof SourceErrorCode];

const retryOf: Record<SourceErrorCode, RetryClass> = {
  GitUnsupportedUrl: RetryClass.Terminal,
  GitInvalidUrl: RetryClass.Terminal,
  GitAuthFailed: RetryClass.Terminal,
  GitForbidden: RetryClass.Terminal,
  GitRedirected: RetryClass.Terminal,
  GitRepoNotFound: RetryClass.Terminal,
  GitDnsFailure: RetryClass.Transient,
  GitConnectionRefused: RetryClass.Transient,
  GitTlsError: RetryClass.Terminal,
  GitNetworkError: RetryClass.Transient,
  GitTimeout: RetryClass.Transient,
  GitServerError: RetryClass.Transient,
  GitProtocolError: RetryClass.Transient,
  GitRepoTooLarge: RetryClass.Terminal,
  GitRevisionNotFound: RetryClass.Terminal,
  GitRefDeleted: RetryClass.Terminal,
  GitAmbiguousRevision: RetryClass.Terminal,
  GitHistoryRewritten: RetryClass.Terminal,
  GitCredentialsNotFound: RetryClass.Waiting,
  GitInvalidCredentials: RetryClass.Terminal,
  GitPathNotFound: RetryClass.Terminal,
  GitNotAFile: RetryClass.Terminal,
  GitNotADirectory: RetryClass.Terminal,
  GitPathEscapes: RetryClass.Terminal,
  GitCacheError: RetryClass.Transient,
};

/** A TrueupError with the retry class that belongs to the code. */
export function sourceError(code: SourceErrorCode, message: string, cause?: unknown): TrueupError {
  return new TrueupError(code, message, {
    retry: retryOf[code],
    ...(cause === undefined ? {} : { cause: safeCause(cause) }),
  });
}

/**
 * Causes are kept for debugging but reduced to their class and a redacted message: a raw
 * error from a library may carry a URL with credentials or response headers.
 */
function safeCause(cause: unknown): unknown {
  if (cause instanceof TrueupError) return cause;
  const err = cause instanceof Error ? cause : new Error(String(cause));
  const out = new Error(redactText(err.message));
  out.name = err.name;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') (out as Error & { code: string }).code = code;
  return out;
}

/** Removes `user:password@` from every URL in a text. */
export function redactText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1***@');
}
