/** `spec.decryption`: SOPS files decrypted with age keys before rendering (Flux's field). */
import { z } from 'zod';

export const DecryptionSchema = z
  .object({
    provider: z
      .enum(['sops'])
      .describe('Only sops: files carrying SOPS metadata are decrypted with age keys.'),
    secretRef: z
      .object({ name: z.string().min(1).describe("Secret in the Application's namespace.") })
      .describe('The Secret whose `*.agekey` entries hold age identities (as Flux reads them).'),
  })
  .describe('Decrypt SOPS-encrypted files (age keys only) in memory before rendering.');
