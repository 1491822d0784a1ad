/**
 * ApplicationSet errors, each with a stable code and its retry class in a compiler-checked
 * table: a generator or template problem is the set's own input (terminal: surfaced as
 * ErrorOccurred until the spec or Git changes); Git access errors keep the source layer's class.
 */
import { type RetryClass, TrueupError } from '../api/errors.js';

export const AppSetErrorCode = {
  GeneratorFailed: 'AppSetGeneratorFailed',
  TemplateFailed: 'AppSetTemplateFailed',
  SpecInvalid: 'AppSetSpecInvalid',
  /** A pull request provider's API could not be reached or failed (5xx, 429). */
  ProviderUnavailable: 'AppSetProviderUnavailable',
} as const;
export type AppSetErrorCode = (typeof AppSetErrorCode)[keyof typeof AppSetErrorCode];

export const retryOf: Record<AppSetErrorCode, RetryClass> = {
  AppSetGeneratorFailed: 'terminal',
  AppSetTemplateFailed: 'terminal',
  AppSetSpecInvalid: 'terminal',
  AppSetProviderUnavailable: 'transient',
};

export class AppSetError extends TrueupError {
  constructor(code: AppSetErrorCode, message: string, cause?: unknown) {
    super(code, message, { retry: retryOf[code], ...(cause !== undefined ? { cause } : {}) });
  }
}

/** A generator could not produce parameter sets (the message names the generator). */
export class GeneratorError extends AppSetError {
  constructor(generator: string, message: string, cause?: unknown) {
    super(AppSetErrorCode.GeneratorFailed, `${generator} generator: ${message}`, cause);
  }
}
