/**
 * Maps Kubernetes API failures to typed TrueupErrors with a retry class:
 * 409 conflict, 429, 5xx and network errors are transient; 400 and 422 are terminal (bad input,
 * the message names the object); 404 is not-found; 410 means a watch must relist.
 */
import { RetryClass, TrueupError } from '../api/errors.js';
import type { JsonObject } from '../api/object.js';

export const KubeErrorCode = {
  NotFound: 'KubeNotFound',
  Conflict: 'KubeConflict',
  Invalid: 'KubeInvalid',
  BadRequest: 'KubeBadRequest',
  Unauthorized: 'KubeUnauthorized',
  Forbidden: 'KubeForbidden',
  Gone: 'KubeGone',
  TooManyRequests: 'KubeTooManyRequests',
  ServerError: 'KubeServerError',
  Network: 'KubeNetwork',
  KindUnknown: 'KubeKindUnknown',
  Unexpected: 'KubeUnexpected',
} as const;
export type KubeErrorCode = (typeof KubeErrorCode)[keyof typeof KubeErrorCode];

/** An error the API server returned (or the network raised), with its HTTP status when there is one. */
export class KubeApiError extends TrueupError {
  readonly status: number;
  /** The Status `reason` (e.g. `Invalid`, `AlreadyExists`, `Conflict`), when the server sent one. */
  readonly reason: string;
  /** The server's own message, without our prefix. */
  readonly serverMessage: string;

  constructor(
    code: KubeErrorCode,
    message: string,
    opts: { status: number; reason: string; serverMessage: string; retry: RetryClass; cause?: unknown },
  ) {
    super(code, message, { retry: opts.retry, cause: opts.cause });
    this.name = 'KubeApiError';
    this.status = opts.status;
    this.reason = opts.reason;
    this.serverMessage = opts.serverMessage;
  }
}

export function isKubeApiError(value: unknown, code?: KubeErrorCode): value is KubeApiError {
  return value instanceof KubeApiError && (code === undefined || value.code === code);
}

function classify(status: number): { code: KubeErrorCode; retry: RetryClass } {
  if (status === 404) return { code: KubeErrorCode.NotFound, retry: RetryClass.Terminal };
  if (status === 409) return { code: KubeErrorCode.Conflict, retry: RetryClass.Transient };
  if (status === 422) return { code: KubeErrorCode.Invalid, retry: RetryClass.Terminal };
  if (status === 400) return { code: KubeErrorCode.BadRequest, retry: RetryClass.Terminal };
  if (status === 401) return { code: KubeErrorCode.Unauthorized, retry: RetryClass.Terminal };
  if (status === 403) return { code: KubeErrorCode.Forbidden, retry: RetryClass.Terminal };
  if (status === 410) return { code: KubeErrorCode.Gone, retry: RetryClass.Transient };
  if (status === 429) return { code: KubeErrorCode.TooManyRequests, retry: RetryClass.Transient };
  if (status >= 500) return { code: KubeErrorCode.ServerError, retry: RetryClass.Transient };
  return { code: KubeErrorCode.Unexpected, retry: RetryClass.Terminal };
}

/**
 * Builds the error for a non-2xx response. `subject` names what the request was about
 * (`Deployment web/api`, `list Deployment.apps in web`); the body is the server's Status when it sent one.
 */
export function apiError(subject: string, status: number, body: unknown): KubeApiError {
  const { code, retry } = classify(status);
  let reason = '';
  let serverMessage = '';
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const s = body as JsonObject;
    if (typeof s.reason === 'string') reason = s.reason;
    if (typeof s.message === 'string') serverMessage = s.message;
  } else if (typeof body === 'string') {
    serverMessage = body.trim().slice(0, 500);
  }
  if (!serverMessage) serverMessage = `HTTP ${status}`;
  // The API server answers 500 when a server-side apply body does not fit the schema; that is
  // bad input, not a server fault: retrying cannot help.
  if (status === 500 && /failed to create typed patch object|not declared in schema/.test(serverMessage)) {
    return new KubeApiError(KubeErrorCode.Invalid, `${subject}: ${serverMessage}`, {
      status,
      reason: reason || 'Invalid',
      serverMessage,
      retry: RetryClass.Terminal,
    });
  }
  return new KubeApiError(code, `${subject}: ${serverMessage}`, { status, reason, serverMessage, retry });
}

export function networkError(subject: string, cause: unknown): KubeApiError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new KubeApiError(KubeErrorCode.Network, `${subject}: ${detail}`, {
    status: 0,
    reason: 'Network',
    serverMessage: detail,
    retry: RetryClass.Transient,
    cause,
  });
}

export function kindUnknownError(apiVersion: string, kind: string): KubeApiError {
  const message = `the server does not serve kind ${kind} in ${apiVersion} (no such resource or its CRD is not established)`;
  return new KubeApiError(KubeErrorCode.KindUnknown, message, {
    status: 404,
    reason: 'NotFound',
    serverMessage: message,
    retry: RetryClass.Waiting,
  });
}

/** An SSA or update rejected because a field cannot change (e.g. a Deployment's selector). */
export function isImmutableFieldError(err: unknown): boolean {
  if (!(err instanceof KubeApiError)) return false;
  if (err.status !== 422 && err.status !== 400) return false;
  return /field is immutable|is immutable|may not change once set|cannot be updated/i.test(err.serverMessage);
}
