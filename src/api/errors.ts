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

/**
 * Marks every TrueupError, whichever copy of this module made it: `trueup render` runs from a
 * one-file bundle (scripts/bundle-render.mjs) with its own copy of this class, while the modules
 * it imports lazily (`render --repo`) throw the compiled modules' copy; isTrueupError takes both.
 */
const BRAND = Symbol.for('trueup.TrueupError');

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
Object.defineProperty(TrueupError.prototype, BRAND, { value: true });

/** True for a TrueupError (or subclass) from any copy of this module. */
export function isTrueupError(value: unknown): value is TrueupError {
  return typeof value === 'object' && value !== null && BRAND in value;
}

/** The message of anything thrown, for logs and status (never includes a stack). */
export function errorMessage(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
