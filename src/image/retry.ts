/**
 * When a failed scan or automation run is tried again: a terminal error (bad spec, template,
 * credentials refused) waits for the interval; a transient or waiting one (registry down, 5xx,
 * 429, push race lost) backs off from 10 s, doubling per consecutive failure, never later than
 * the interval; a registry's Retry-After is honoured even past that. Pure.
 */
import { isTrueupError, RetryClass } from '../api/errors.js';

export const FIRST_RETRY_MS = 10_000;

export function retryDelayMs(err: unknown, intervalMs: number, failures: number): number {
  if (isTrueupError(err) && err.retry === RetryClass.Terminal) return intervalMs;
  const backoff = Math.min(intervalMs, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
  const retryAfter = (err as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof retryAfter === 'number' ? Math.max(backoff, retryAfter) : backoff;
}
