/** spec.decryption: which age identities an Application's render decrypts SOPS files with. */
import type { Application, ApplicationSpec } from '../api/application.js';
import { TrueupError } from '../api/errors.js';
import { AgeIdentities } from '../secrets/age.js';
import type { DecryptionKeysPort } from './ports.js';

/** No spec.decryption: no keys (an encrypted file then fails the render, naming it). */
export async function decryptionKeysOf(
  port: DecryptionKeysPort | undefined,
  app: Application,
  spec: ApplicationSpec,
): Promise<AgeIdentities> {
  if (!spec.decryption) return AgeIdentities.none;
  const secret = spec.decryption.secretRef.name;
  if (!port)
    throw new TrueupError(
      'DecryptionUnavailable',
      `spec.decryption: this controller was started without a reader for decryption Secrets (Secret ${secret})`,
    );
  return port.ageIdentities(app.metadata.namespace ?? '', secret);
}
