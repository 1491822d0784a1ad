/**
 * A FileTree whose files come out decrypted when they carry SOPS metadata, so everything the
 * renderer reads (resources, patches, generator `envs:` and `files:`, plain directories) sees
 * plaintext, and nothing else changes. Decryption happens on each read, in memory; nothing is
 * kept. With no identities, an encrypted file fails the read (SOPS_NO_KEY_CONFIGURED) instead
 * of rendering ciphertext. The SOPS code (and age's crypto) loads on the first encrypted file:
 * a render without one (most of them) does not pay for it.
 */
import type { FileStat, FileTree } from '../render/file-tree.js';
import type { AgeIdentities } from './age.js';
import { EncryptedValues } from './encrypted-values.js';

/** Every SOPS file holds at least its encrypted MAC: a byte search skips the rest cheaply. */
const MARKER = Buffer.from('ENC[AES256_GCM,');

export class DecryptingTree implements FileTree {
  readonly description: string;
  /** Digests of what the files read so far held encrypted (for the plain-Secret guard). */
  readonly encrypted = new EncryptedValues();

  constructor(
    private readonly inner: FileTree,
    /** None: an encrypted file fails, naming it. */
    private readonly keys?: AgeIdentities,
  ) {
    this.description = inner.description;
  }

  stat(path: string): Promise<FileStat | undefined> {
    return this.inner.stat(path);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const bytes = await this.inner.readFile(path);
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(MARKER) < 0) return bytes;
    const [{ decryptSopsFile }, keys] = await Promise.all([
      import('./sops/decrypt.js'),
      this.keys ?? import('./age.js').then((m) => m.AgeIdentities.none),
    ]);
    return (await decryptSopsFile(path, bytes, keys, this.encrypted)) ?? bytes;
  }

  listDir(path: string): Promise<string[]> {
    return this.inner.listDir(path);
  }

  realPath(path: string): Promise<string> {
    return this.inner.realPath(path);
  }
}
