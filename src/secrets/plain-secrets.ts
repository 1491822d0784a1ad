/**
 * The plain-Secret guard's classification: which rendered Secrets hold data that reached Git in
 * cleartext. A value counts as encrypted when it is, byte for byte, a value SOPS had encrypted
 * in a file the render decrypted, or such a file whole (EncryptedValues): so a Secret from an
 * encrypted file, a secretGenerator over encrypted `envs:`/`files:`, and a chart Secret whose
 * values come from an encrypted values file are not plain, while a Secret file without SOPS
 * metadata, a generator literal, a plain patch adding a value, a key SOPS left unencrypted
 * (`unencrypted_suffix`, an `encrypted_regex` that does not match `data`) or a chart default is.
 * Empty values hold nothing, so a Secret with no data (a service-account token, a placeholder)
 * is never plain. Key names and where the Secret came from are reported, never a value.
 */
import type { JsonValue, KubeObject } from '../api/object.js';
import type { EncryptedValues } from './encrypted-values.js';

export interface PlainSecret {
  namespace: string;
  name: string;
  /** Where it came from in the source: a file, or a generator and its kustomization; '' when unknown. */
  from: string;
  /** The `data` / `stringData` keys whose values were in cleartext (names only). */
  keys: string[];
}

const utf8 = new TextEncoder();

function isSecret(o: KubeObject): boolean {
  return o.kind === 'Secret' && o.apiVersion === 'v1';
}

function entries(v: unknown): [string, JsonValue][] {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v as object) : [];
}

function textOf(v: JsonValue): string {
  if (v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The cleartext keys of one Secret (empty when all its values were encrypted or empty). */
export function cleartextKeys(o: KubeObject, encrypted: EncryptedValues): string[] {
  const keys: string[] = [];
  for (const [key, value] of entries(o.data)) {
    const text = textOf(value);
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === 0) continue;
    if (!encrypted.has(bytes) && !encrypted.has(utf8.encode(text))) keys.push(key);
  }
  for (const [key, value] of entries(o.stringData)) if (!covered(value, encrypted)) keys.push(key);
  return keys;
}

/** A stringData value: empty, or every scalar in it was encrypted (a list or map is not valid there, but seen). */
function covered(value: JsonValue, encrypted: EncryptedValues): boolean {
  if (Array.isArray(value)) return value.every((v) => covered(v, encrypted));
  if (typeof value === 'object' && value !== null)
    return Object.values(value).every((v) => covered(v, encrypted));
  const text = textOf(value);
  return text === '' || encrypted.has(utf8.encode(text));
}

/** The Secrets among `objects` holding cleartext data, in render order. */
export function findPlainSecrets(
  objects: readonly KubeObject[],
  encrypted: EncryptedValues,
  originOf: (o: KubeObject) => string | undefined,
): PlainSecret[] {
  const out: PlainSecret[] = [];
  for (const o of objects) {
    if (!isSecret(o)) continue;
    const keys = cleartextKeys(o, encrypted);
    if (keys.length === 0) continue;
    out.push({
      namespace: o.metadata.namespace ?? '',
      name: o.metadata.name ?? '',
      from: originOf(o) ?? '',
      keys: [...new Set(keys)],
    });
  }
  return out;
}

/** Named where they are applied: a Secret without a namespace goes to the destination's. */
export function inNamespace(list: readonly PlainSecret[], namespace: string | undefined): PlainSecret[] {
  return list.map((s) => (s.namespace || !namespace ? s : { ...s, namespace }));
}

/** `Secret web/db (from apps/web/secret.yaml; keys password, token)`, at most `max` of them. */
export function describePlainSecrets(list: readonly PlainSecret[], max = 5): string {
  const one = (s: PlainSecret) => {
    const id = s.namespace ? `${s.namespace}/${s.name}` : s.name;
    const from = s.from ? `from ${s.from}; ` : '';
    return `Secret ${id} (${from}key${s.keys.length === 1 ? '' : 's'} ${s.keys.join(', ')})`;
  };
  const shown = list.slice(0, max).map(one).join(', ');
  return list.length > max ? `${shown} and ${list.length - max} more` : shown;
}
