/**
 * spec.decryption's Secret: every `*.agekey` entry (Flux's convention, so Secrets move over
 * unchanged) of the named Secret in the Application's namespace is a set of age identities.
 * Read each time the app renders (never on a pass whose render is cached) and never kept:
 * changed keys take effect at the next render (a new revision, a changed spec, a hard refresh).
 */
import { RetryClass, TrueupError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { AgeIdentities } from '../../secrets/age.js';
import type { DecryptionKeysPort } from '../ports.js';

export type GetSecret = (namespace: string, name: string) => Promise<KubeObject | undefined>;

export const DecryptionErrorCode = {
  /** The Secret is not there (yet): waiting, it may be created after the Application. */
  SecretNotFound: 'DecryptionSecretNotFound',
  /** The Secret holds no `*.agekey` entry. */
  NoAgeKey: 'DecryptionNoAgeKey',
} as const;

export function secretDecryptionKeys(get: GetSecret): DecryptionKeysPort {
  return {
    async ageIdentities(namespace, name) {
      const where = `Secret ${namespace}/${name}`;
      const secret = await get(namespace, name);
      if (!secret)
        throw new TrueupError(DecryptionErrorCode.SecretNotFound, `spec.decryption: ${where} not found`, {
          retry: RetryClass.Waiting,
        });
      const data = (secret.data ?? {}) as Record<string, unknown>;
      const entries = Object.keys(data)
        .filter((k) => k.endsWith('.agekey'))
        .sort();
      if (entries.length === 0)
        throw new TrueupError(
          DecryptionErrorCode.NoAgeKey,
          `spec.decryption: ${where} has no *.agekey entry (age identities, as Flux reads them)`,
        );
      let keys = AgeIdentities.none;
      for (const k of entries) {
        const text = Buffer.from(String(data[k]), 'base64').toString('utf8');
        keys = keys.concat(AgeIdentities.parse(text, `${where} entry ${k}`));
      }
      return keys;
    },
  };
}
