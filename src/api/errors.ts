/**
 * Every error trueup raises carries a stable `code` and a retry class, so the controller can
 * decide whether to back off, wait, or surface the error and stop until the input changes.
 */
export const RetryClass = {
  /** Bad input (in Git, in the spec): retrying cannot help until the input changes. */
  Terminal: 'terminal',
  /** Network, API 5xx, conflicts: back off and retry. */
  Transient: 'transient',
  /** A dependency is not ready yet: requeue without counting a failure. */
  Waiting: 'waiting',
} as const;
export type RetryClass = (typeof RetryClass)[keyof typeof RetryClass];

export interface TrueupErrorOptions {
  cause?: unknown;
  retry?: RetryClass;
}

export class TrueupError extends Error {
  readonly code: string;
  readonly retry: RetryClass;

  constructor(code: string, message: string, options: TrueupErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TrueupError';
    this.code = code;
    this.retry = options.retry ?? RetryClass.Terminal;
  }
}

export function isTrueupError(value: unknown): value is TrueupError {
  return value instanceof TrueupError;
}

/** The message of anything thrown, for logs and status (never includes a stack). */
export function errorMessage(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
