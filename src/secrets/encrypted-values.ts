/**
 * What reached Git encrypted, remembered by digest so a rendered Secret can be checked for data
 * that was in cleartext: every value SOPS had encrypted in a file the render decrypted (as its
 * plaintext and as the text the renderer sees for it), and each decrypted file whole (what a
 * generator's `files:` entry embeds). Only SHA-256 digests are kept, never a value, so this set
 * holds nothing secret and may live as long as the render it belongs to.
 */
import { createHash } from 'node:crypto';

const utf8 = new TextEncoder();

function digest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

export class EncryptedValues {
  private readonly digests = new Set<string>();

  /** A value SOPS had encrypted: its plaintext bytes and the text it has in the decrypted tree. */
  addValue(raw: Uint8Array, value: string | number | boolean | null | object): void {
    if (raw.length > 0) this.digests.add(digest(raw));
    if (typeof value === 'object') return;
    const text = String(value);
    if (text === '') return;
    // A string's text is its raw bytes; a number or boolean reads back as its own text (True → true).
    if (typeof value !== 'string') this.digests.add(digest(utf8.encode(text)));
    // A dotenv value keeps its newlines escaped in the decrypted file, and a generator reads it so.
    if (text.includes('\n')) this.digests.add(digest(utf8.encode(text.replaceAll('\n', '\\n'))));
  }

  /** A decrypted file, whole. */
  addFile(bytes: Uint8Array): void {
    if (bytes.length > 0) this.digests.add(digest(bytes));
  }

  /** Whether these bytes are a value (or a whole file) that was encrypted in Git. */
  has(bytes: Uint8Array): boolean {
    return this.digests.size > 0 && this.digests.has(digest(bytes));
  }

  get size(): number {
    return this.digests.size;
  }
}
