import { RetryClass, TrueupError } from '../api/errors.js';

/** Stable codes of every error the OCI Distribution client raises. */
export const OciErrorCode = {
  /** Not an `oci://host/repo` (or `host/repo`) reference, or a bad tag/digest. */
  InvalidReference: 'OciInvalidReference',
  /** 401 after presenting credentials (or none were configured and the registry wants them). */
  AuthFailed: 'OciAuthFailed',
  /** 403: credentials accepted, access refused. */
  Forbidden: 'OciForbidden',
  /** The token realm answered but not with a token, or the challenge could not be understood. */
  TokenFailed: 'OciTokenFailed',
  /** 404 on a manifest, tag or repository. */
  NotFound: 'OciNotFound',
  /** 429: the registry asks us to slow down. */
  RateLimited: 'OciRateLimited',
  /** 5xx or an unexpected status. */
  ServerError: 'OciServerError',
  /** DNS, refused connection, reset, TLS. */
  Network: 'OciNetworkError',
  Timeout: 'OciTimeout',
  /** A manifest, blob or tag list over its size budget. */
  TooLarge: 'OciTooLarge',
  /** Received bytes whose sha256 is not the digest asked for or announced. */
  DigestMismatch: 'OciDigestMismatch',
  /** The answer is not what the Distribution spec says (bad JSON, missing fields, wrong media type). */
  ProtocolError: 'OciProtocolError',
  /** A `kubernetes.io/dockerconfigjson` Secret that cannot be read. */
  InvalidDockerConfig: 'OciInvalidDockerConfig',
} as const;
export type OciErrorCode = (typeof OciErrorCode)[keyof typeof OciErrorCode];

const retryOf: Record<OciErrorCode, RetryClass> = {
  OciInvalidReference: RetryClass.Terminal,
  OciAuthFailed: RetryClass.Terminal,
  OciForbidden: RetryClass.Terminal,
  OciTokenFailed: RetryClass.Transient,
  OciNotFound: RetryClass.Terminal,
  OciRateLimited: RetryClass.Transient,
  OciServerError: RetryClass.Transient,
  OciNetworkError: RetryClass.Transient,
  OciTimeout: RetryClass.Transient,
  OciTooLarge: RetryClass.Terminal,
  OciDigestMismatch: RetryClass.Transient,
  OciProtocolError: RetryClass.Transient,
  OciInvalidDockerConfig: RetryClass.Terminal,
};

/** The retry class of a code (exported for callers that sort errors, e.g. image scanning). */
export function ociRetryOf(code: OciErrorCode): RetryClass {
  return retryOf[code];
}

/** A TrueupError with the retry class that belongs to the code; `retryAfterMs` from a 429/503. */
export class OciError extends TrueupError {
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(
    code: OciErrorCode,
    message: string,
    options: { cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super(code, message, {
      retry: retryOf[code],
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function ociError(code: OciErrorCode, message: string, cause?: unknown): OciError {
  return new OciError(code, message, cause === undefined ? {} : { cause });
}

/** The error for a non-success HTTP status, by retry class (what: e.g. `manifest 1.2.0 of oci://h/r`). */
export function statusError(what: string, status: number, retryAfter?: string | null): OciError {
  const retryAfterMs = parseRetryAfter(retryAfter);
  const extra = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 401)
    return new OciError(OciErrorCode.AuthFailed, `${what}: 401 unauthorized (check the credentials)`, {
      status,
    });
  if (status === 403) return new OciError(OciErrorCode.Forbidden, `${what}: 403 forbidden`, { status });
  if (status === 404) return new OciError(OciErrorCode.NotFound, `${what}: 404 not found`, { status });
  if (status === 429)
    return new OciError(OciErrorCode.RateLimited, `${what}: 429 too many requests`, { status, ...extra });
  return new OciError(OciErrorCode.ServerError, `${what}: HTTP ${status}`, { status, ...extra });
}

/** `Retry-After` as seconds or an HTTP date, in ms from now (dates need a clock: seconds only). */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
