import { RetryClass, TrueupError } from '../api/errors.js';

/**
 * Stable codes of every error SOPS decryption raises. Each message names the file (or the key
 * source) and never quotes a value, a ciphertext or a key: decrypted text must not reach logs,
 * events or status through an error.
 */
export const SecretsErrorCode = {
  /** The values decrypt but their MAC does not match the file's: the file was changed without its key. */
  MacMismatch: 'SOPS_MAC_MISMATCH',
  /** Keys are configured but none of them opens the file's data key. */
  NoMatchingKey: 'SOPS_NO_MATCHING_KEY',
  /** The file is encrypted and no key is configured at all. */
  NoKeyConfigured: 'SOPS_NO_KEY_CONFIGURED',
  /** A SOPS feature trueup does not implement (pgp/kms/vault keys, Shamir key groups, comment regexes). */
  Unsupported: 'SOPS_UNSUPPORTED',
  /** The file or one of its `ENC[...]` values is not in SOPS's format, or a value does not decrypt. */
  Malformed: 'SOPS_MALFORMED',
  /** An age key file or Secret entry holds something that is not an age identity. */
  InvalidIdentity: 'SOPS_INVALID_IDENTITY',
} as const;
export type SecretsErrorCode = (typeof SecretsErrorCode)[keyof typeof SecretsErrorCode];

const retryOf: Record<SecretsErrorCode, RetryClass> = {
  SOPS_MAC_MISMATCH: RetryClass.Terminal,
  SOPS_NO_MATCHING_KEY: RetryClass.Terminal,
  SOPS_NO_KEY_CONFIGURED: RetryClass.Terminal,
  SOPS_UNSUPPORTED: RetryClass.Terminal,
  SOPS_MALFORMED: RetryClass.Terminal,
  SOPS_INVALID_IDENTITY: RetryClass.Terminal,
};

/** A TrueupError with the retry class of its code. No cause is kept: a library's message may quote data. */
export function secretsError(code: SecretsErrorCode, message: string): TrueupError {
  return new TrueupError(code, message, { retry: retryOf[code] });
}
