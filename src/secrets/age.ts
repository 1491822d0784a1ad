/**
 * age identities (X25519 `AGE-SECRET-KEY-1…`, as in an age key file or a `*.agekey` Secret
 * entry) and opening a SOPS data key with them. The identities live in a private field so a
 * logger that serialises the object sees nothing.
 */
import { armor, Decrypter } from 'age-encryption';
import { SecretsErrorCode, secretsError } from './errors.js';
import type { AgeStanza } from './sops/metadata.js';

export class AgeIdentities {
  readonly #keys: readonly string[];
  /** Where the keys came from, for messages (a file path, `Secret ns/name`). */
  readonly sources: readonly string[];

  private constructor(keys: readonly string[], sources: readonly string[]) {
    this.#keys = keys;
    this.sources = sources;
  }

  static readonly none = new AgeIdentities([], []);

  /**
   * Parses an age key file's text: one identity per line, `#` comments and blank lines
   * skipped. `source` names the file or Secret entry in errors; no line is ever quoted.
   */
  static parse(text: string, source: string): AgeIdentities {
    const keys: string[] = [];
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).trim();
      if (line === '' || line.startsWith('#')) continue;
      if (!/^AGE-SECRET-KEY-[0-9A-Z-]+$/.test(line))
        throw secretsError(
          SecretsErrorCode.InvalidIdentity,
          `${source}: line ${i + 1} is not an age identity (AGE-SECRET-KEY-1...; plugin and SSH identities are not supported)`,
        );
      try {
        new Decrypter().addIdentity(line);
      } catch {
        throw secretsError(
          SecretsErrorCode.InvalidIdentity,
          `${source}: line ${i + 1} is not a valid age identity`,
        );
      }
      keys.push(line);
    }
    if (keys.length === 0)
      throw secretsError(SecretsErrorCode.InvalidIdentity, `${source}: no age identity in it`);
    return new AgeIdentities(keys, [source]);
  }

  /** Both sets together (e.g. several `*.agekey` entries). */
  concat(other: AgeIdentities): AgeIdentities {
    return new AgeIdentities([...this.#keys, ...other.#keys], [...this.sources, ...other.sources]);
  }

  get size(): number {
    return this.#keys.length;
  }

  /** The 32-byte data key from the first stanza one of the identities opens; undefined if none does. */
  async openDataKey(stanzas: readonly AgeStanza[]): Promise<Uint8Array | undefined> {
    if (this.#keys.length === 0) return undefined;
    const d = new Decrypter();
    for (const k of this.#keys) d.addIdentity(k);
    for (const s of stanzas) {
      let file: Uint8Array;
      try {
        file = armor.decode(s.enc);
      } catch {
        continue;
      }
      try {
        const key = await d.decrypt(file, 'uint8array');
        if (key.length === 32) return key;
      } catch {
        // not for any of our identities: try the next stanza
      }
    }
    return undefined;
  }

  toJSON(): string {
    return `[${this.#keys.length} age identities]`;
  }
}
