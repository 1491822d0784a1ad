/**
 * Decrypts one SOPS file: bytes and age identities in, the plaintext file's bytes out (or
 * undefined when the file is not SOPS-encrypted). Pure apart from CPU: nothing is written,
 * run or fetched. Every failure names the file and quotes no value.
 */
import type { AgeIdentities } from '../age.js';
import type { EncryptedValues } from '../encrypted-values.js';
import { SecretsErrorCode, secretsError } from '../errors.js';
import { CipherError, isEncryptedText, openValue, parseEncrypted } from './cipher.js';
import { emitDecrypted, emitDotenv, type Parsed, parseSopsFile } from './formats.js';
import { MetadataError, readMetadata, type SopsMetadata } from './metadata.js';
import { LeafError, shouldBeEncrypted, TreeDecrypter } from './walk.js';

const utf8 = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

function metadataOf(file: string, parsed: Parsed): SopsMetadata {
  try {
    return readMetadata(parsed.metadata);
  } catch (err) {
    if (!(err instanceof MetadataError)) throw err;
    const code = err.unsupported ? SecretsErrorCode.Unsupported : SecretsErrorCode.Malformed;
    throw secretsError(code, `${file}: SOPS metadata: ${err.message}`);
  }
}

async function dataKeyOf(file: string, meta: SopsMetadata, keys: AgeIdentities): Promise<Uint8Array> {
  if (meta.age.length === 0) {
    const types = meta.otherKeyTypes.length ? meta.otherKeyTypes.join(', ') : 'no key at all';
    throw secretsError(
      SecretsErrorCode.Unsupported,
      `${file}: SOPS key type ${types} is not supported: trueup decrypts files encrypted for age recipients only`,
    );
  }
  if (keys.size === 0)
    throw secretsError(
      SecretsErrorCode.NoKeyConfigured,
      `${file}: the file is SOPS-encrypted and no age key is configured (spec.decryption, --sops-age-key-file or SOPS_AGE_KEY_FILE)`,
    );
  const key = await keys.openDataKey(meta.age);
  if (key === undefined)
    throw secretsError(
      SecretsErrorCode.NoMatchingKey,
      `${file}: none of the age identities from ${keys.sources.join(', ')} opens the data key (recipients ${meta.age.map((a) => a.recipient).join(', ')})`,
    );
  return key;
}

function verifyMac(file: string, meta: SopsMetadata, key: Uint8Array, t: TreeDecrypter): void {
  const computed = t.macHex();
  let stored: string;
  try {
    if (!isEncryptedText(meta.mac)) throw new CipherError('not encrypted');
    stored = decoder.decode(openValue(parseEncrypted(meta.mac), key, meta.lastModified));
  } catch {
    throw secretsError(
      SecretsErrorCode.MacMismatch,
      `${file}: the SOPS MAC does not decrypt: the file was changed without its key`,
    );
  }
  if (stored !== computed && t.lostKeyOrder)
    throw secretsError(
      SecretsErrorCode.Unsupported,
      `${file}: the SOPS MAC cannot be checked: a mapping in the file has integer-like keys (such as "1") beside others, whose order trueup does not keep yet (not supported)`,
    );
  if (stored !== computed)
    throw secretsError(
      SecretsErrorCode.MacMismatch,
      `${file}: the SOPS MAC does not match the values: the file was changed without its key`,
    );
}

function decryptBody(parsed: Parsed, t: TreeDecrypter, meta: SopsMetadata, key: Uint8Array): Uint8Array {
  switch (parsed.format) {
    case 'yaml':
    case 'json':
      return utf8.encode(
        emitDecrypted(
          parsed.format,
          parsed.docs.map((d) => t.document(d)),
        ),
      );
    case 'binary': {
      if (typeof parsed.data !== 'string') throw new LeafError(['data'], 'it is not a string');
      return t.leaf(parsed.data, ['data'])?.raw ?? new Uint8Array();
    }
    case 'dotenv': {
      const lines = parsed.lines.map((l) => {
        if ('key' in l) return { key: l.key, value: String(t.leaf(l.value, [l.key])?.value ?? '') };
        // A comment SOPS encrypted opens with the path of its branch (the top: ':'); one that
        // does not open was written unencrypted and stays as it is, as SOPS does.
        if (!shouldBeEncrypted([], meta.rules) || !isEncryptedText(l.comment)) return l;
        try {
          return { comment: decoder.decode(openValue(parseEncrypted(l.comment), key, ':')) };
        } catch {
          return l;
        }
      });
      return utf8.encode(emitDotenv(lines));
    }
  }
}

/**
 * The plaintext of `bytes` if it is a SOPS file, else undefined. `file` names it in errors.
 * Throws a TrueupError (codes in errors.ts) when it is SOPS but cannot be decrypted and verified.
 */
export async function decryptSopsFile(
  file: string,
  bytes: Uint8Array,
  keys: AgeIdentities,
  /** Told what was encrypted in the file (its values, and the file whole). */
  record?: EncryptedValues,
): Promise<Uint8Array | undefined> {
  const parsed = parseSopsFile(file, decoder.decode(bytes));
  if (parsed === undefined) return undefined;
  const meta = metadataOf(file, parsed);
  const key = await dataKeyOf(file, meta, keys);
  const t = new TreeDecrypter(key, meta.rules, record);
  let out: Uint8Array;
  try {
    out = decryptBody(parsed, t, meta, key);
  } catch (err) {
    if (err instanceof LeafError) throw secretsError(SecretsErrorCode.Malformed, `${file}: ${err.message}`);
    throw err;
  }
  verifyMac(file, meta, key, t);
  record?.addFile(out);
  return out;
}
