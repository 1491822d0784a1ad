/**
 * SOPS's value cipher: `ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<t>]`, AES-256-GCM
 * with the IV length the value carries (SOPS writes 32 bytes) and the value's tree path as
 * additional data (`key1:key2:` — see walk.ts), so a ciphertext moved to another key fails.
 */
import { createDecipheriv } from 'node:crypto';

export const ValueType = {
  Str: 'str',
  Int: 'int',
  Float: 'float',
  Bool: 'bool',
  Bytes: 'bytes',
  Time: 'time',
  Comment: 'comment',
} as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];
const types = new Set<string>(Object.values(ValueType));

/** Thrown for a value that is not in the format or does not open; the caller names the file. */
export class CipherError extends Error {}

export interface EncryptedValue {
  data: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  type: ValueType;
}

const ENC = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/s;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isEncryptedText(value: string): boolean {
  return value.startsWith('ENC[AES256_GCM,');
}

function base64(text: string, what: string): Uint8Array {
  if (!BASE64.test(text)) throw new CipherError(`its ${what} is not base64`);
  return Buffer.from(text, 'base64');
}

/** Parses an `ENC[...]` string (Go's regexp in SOPS is greedy the same way). */
export function parseEncrypted(value: string): EncryptedValue {
  const m = ENC.exec(value);
  if (!m) throw new CipherError('it is not a SOPS encrypted value (AES256_GCM)');
  const type = m[4] as string;
  if (!types.has(type)) throw new CipherError(`its type "${type.slice(0, 16)}" is unknown`);
  const iv = base64(m[2] as string, 'iv');
  const tag = base64(m[3] as string, 'tag');
  if (iv.length === 0) throw new CipherError('its iv is empty');
  if (tag.length !== 16) throw new CipherError('its tag is not 16 bytes');
  return { data: base64(m[1] as string, 'data'), iv, tag, type: type as ValueType };
}

/** Opens one value; throws CipherError when the key, the path or the bytes do not match. */
export function openValue(value: EncryptedValue, key: Uint8Array, additionalData: string): Uint8Array {
  try {
    const d = createDecipheriv('aes-256-gcm', key, value.iv, { authTagLength: 16 });
    d.setAAD(Buffer.from(additionalData, 'utf8'));
    d.setAuthTag(value.tag);
    return Buffer.concat([d.update(value.data), d.final()]);
  } catch {
    throw new CipherError('it does not decrypt with the data key at its path (changed or moved)');
  }
}
