/** Errors of notification delivery, each with a retry class (the queue retries transient ones). */
import { RetryClass, TrueupError } from '../api/errors.js';

export const NotifyErrorCode = {
  /** The provider answered 5xx: retried with back-off. */
  ServerError: 'NotifyServerError',
  /** 429: retried after its Retry-After. */
  RateLimited: 'NotifyRateLimited',
  /** 4xx other than 429: the request or its credentials are wrong; not retried. */
  Rejected: 'NotifyRejected',
  /** Connection refused, reset, timed out, DNS: retried with back-off. */
  Network: 'NotifyNetworkError',
  /** The provider's Secret or a key in it is missing. */
  SecretMissing: 'NotifySecretMissing',
  /** The provider has no usable address, or the app's repoURL names no repository. */
  BadAddress: 'NotifyBadAddress',
  /** The rule's message template failed to evaluate. */
  Template: 'NotifyTemplateError',
} as const;
export type NotifyErrorCode = (typeof NotifyErrorCode)[keyof typeof NotifyErrorCode];

const retryOf: Record<NotifyErrorCode, RetryClass> = {
  NotifyServerError: RetryClass.Transient,
  NotifyRateLimited: RetryClass.Transient,
  NotifyRejected: RetryClass.Terminal,
  NotifyNetworkError: RetryClass.Transient,
  NotifySecretMissing: RetryClass.Terminal,
  NotifyBadAddress: RetryClass.Terminal,
  NotifyTemplateError: RetryClass.Terminal,
};

export class NotifyError extends TrueupError {
  /** For RateLimited: how long the provider asked us to wait (ms). */
  readonly retryAfterMs: number | undefined;
  constructor(code: NotifyErrorCode, message: string, opts: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(code, message, { cause: opts.cause, retry: retryOf[code] });
    this.name = 'NotifyError';
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/**
 * Retry-After as RFC 9110 gives it: delay-seconds or an HTTP date; undefined when absent or
 * unreadable (the queue's back-off applies then).
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
