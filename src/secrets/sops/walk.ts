/**
 * Walks a SOPS tree the way SOPS does (`Tree.Decrypt`): mapping keys build the path, sequence
 * items share their parent's path, each leaf is decrypted when the file's rules say it was
 * encrypted, with `path.join(':') + ':'` as additional data, and the MAC hashes every leaf's
 * bytes in document order (with `mac_only_encrypted`, only the encrypted ones, after a fixed
 * prefix). Nulls are skipped, empty strings stay empty.
 */
import { createHash, type Hash } from 'node:crypto';
import type { JsonValue } from '../../api/object.js';
import type { EncryptedValues } from '../encrypted-values.js';
import { CipherError, isEncryptedText, openValue, parseEncrypted } from './cipher.js';
import type { EncryptionRules } from './metadata.js';
import { type Leaf, plainMacBytes, typedLeaf } from './values.js';

/** SOPS's `MACOnlyEncryptedInitialization`: 32 fixed bytes hashed first with mac_only_encrypted. */
const MAC_ONLY_PREFIX = Buffer.from(
  '8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69',
  'hex',
);

/** A leaf that failed; `path` is the key path (keys are not secret: they are plain in the file). */
export class LeafError extends Error {
  constructor(
    readonly path: readonly string[],
    reason: string,
  ) {
    super(`the value at ${path.length ? path.join('.') : '(top)'}: ${reason}`);
  }
}

export function shouldBeEncrypted(path: readonly string[], r: EncryptionRules): boolean {
  let encrypted = true;
  if (r.unencryptedSuffix !== undefined && path.some((p) => p.endsWith(r.unencryptedSuffix as string)))
    encrypted = false;
  if (r.encryptedSuffix !== undefined) encrypted = path.some((p) => p.endsWith(r.encryptedSuffix as string));
  if (r.unencryptedRegex !== undefined && path.some((p) => (r.unencryptedRegex as RegExp).test(p)))
    encrypted = false;
  if (r.encryptedRegex !== undefined) encrypted = path.some((p) => (r.encryptedRegex as RegExp).test(p));
  return encrypted;
}

/** Keys a JS object puts first whatever their place in the file (array-index-like). */
const INDEX_KEY = /^(0|[1-9][0-9]{0,8})$/;

export class TreeDecrypter {
  private readonly hash: Hash = createHash('sha512');
  /**
   * A mapping had an integer-like key next to others: the parsed object lost the file's key
   * order, so the MAC (over values in file order) cannot be recomputed. Reported as unsupported.
   */
  lostKeyOrder = false;

  constructor(
    private readonly key: Uint8Array,
    private readonly rules: EncryptionRules,
    /** Told every value that was encrypted (the plain-Secret guard's evidence). */
    private readonly record?: EncryptedValues,
  ) {
    if (rules.macOnlyEncrypted) this.hash.update(MAC_ONLY_PREFIX);
  }

  /** Decrypts one leaf at `path` and adds it to the MAC; returns undefined for null. */
  leaf(value: string | number | boolean | null, path: readonly string[]): Leaf | undefined {
    if (value === null) return undefined;
    const encrypted = shouldBeEncrypted(path, this.rules);
    let leaf: Leaf;
    if (!encrypted) {
      const mac = plainMacBytes(value);
      leaf = { value, mac, raw: mac ?? new Uint8Array() };
    } else if (typeof value !== 'string') {
      throw new LeafError(path, `expected an encrypted string, found a ${typeof value}`);
    } else if (value === '') {
      leaf = { value: '', mac: new Uint8Array(), raw: new Uint8Array() };
    } else {
      if (!isEncryptedText(value)) throw new LeafError(path, 'it is not a SOPS encrypted value (AES256_GCM)');
      try {
        const enc = parseEncrypted(value);
        leaf = typedLeaf(enc.type, openValue(enc, this.key, `${path.join(':')}:`));
      } catch (err) {
        if (err instanceof CipherError) throw new LeafError(path, err.message);
        throw err;
      }
      this.record?.addValue(leaf.raw, leaf.value);
    }
    if ((!this.rules.macOnlyEncrypted || encrypted) && leaf.mac) this.hash.update(leaf.mac);
    return leaf;
  }

  /** Decrypts a whole document (a mapping) in place order; returns the decrypted copy. */
  document(doc: JsonValue): JsonValue {
    return this.walk(doc, []);
  }

  private walk(value: JsonValue, path: readonly string[]): JsonValue {
    if (Array.isArray(value)) return value.map((v) => this.walk(v, path));
    if (value !== null && typeof value === 'object') {
      const out: { [k: string]: JsonValue } = {};
      const keys = Object.keys(value);
      if (keys.length > 1 && keys.some((k) => INDEX_KEY.test(k))) this.lostKeyOrder = true;
      for (const [k, v] of Object.entries(value)) out[k] = this.walk(v, [...path, k]);
      return out;
    }
    const leaf = this.leaf(value, path);
    return leaf === undefined ? null : leaf.value;
  }

  /** The MAC over every leaf seen so far, as SOPS prints it (upper-case hex SHA-512). */
  macHex(): string {
    return this.hash.digest('hex').toUpperCase();
  }
}
