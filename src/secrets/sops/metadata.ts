/**
 * The `sops:` metadata of a file: which keys wrap the data key, which values are encrypted,
 * and the encrypted MAC with the timestamp that is its additional data. Only age keys are
 * implemented; any other key type present alone is refused as "not supported".
 */
import type { JsonValue } from '../../api/object.js';

export interface AgeStanza {
  recipient: string;
  /** The armored age file holding the 32-byte data key. */
  enc: string;
}

export interface EncryptionRules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: RegExp;
  encryptedRegex?: RegExp;
  macOnlyEncrypted: boolean;
}

export interface SopsMetadata {
  age: AgeStanza[];
  /** Key types present besides age (`pgp`, `kms`, ...), for the "not supported" message. */
  otherKeyTypes: string[];
  /** `lastmodified` as Go's time.Format(RFC3339) prints it: the MAC's additional data. */
  lastModified: string;
  mac: string;
  rules: EncryptionRules;
}

/** Thrown with a message that names no value; the caller adds the file. */
export class MetadataError extends Error {
  constructor(
    message: string,
    readonly unsupported = false,
  ) {
    super(message);
  }
}

const OTHER_KEY_TYPES = ['pgp', 'kms', 'gcp_kms', 'hckms', 'azure_kv', 'hc_vault'] as const;

type Obj = { [k: string]: JsonValue };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(m: Obj, key: string): string | undefined {
  const v = m[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new MetadataError(`sops.${key} is not a string`);
  return v;
}

/** A Go RE2 pattern as a JS RegExp (unanchored search, as regexp.Match). */
function regex(m: Obj, key: string): RegExp | undefined {
  const source = str(m, key);
  if (source === undefined) return undefined;
  try {
    return new RegExp(source, 'u');
  } catch {
    throw new MetadataError(`sops.${key} is not a regular expression trueup can evaluate`, true);
  }
}

/** RFC 3339 as Go's Format prints a parsed time: no fraction, `Z` for UTC. */
function goRfc3339(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) throw new MetadataError('sops.lastmodified is not an RFC 3339 time');
  const zone = m[2] as string;
  return `${(m[1] as string).toUpperCase()}${zone === 'z' || zone === '+00:00' ? 'Z' : zone}`;
}

function ageStanzas(group: Obj, where: string): AgeStanza[] {
  const list = group.age;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new MetadataError(`${where}.age is not a list`);
  return list.map((entry, i) => {
    if (!isObj(entry) || typeof entry.recipient !== 'string' || typeof entry.enc !== 'string')
      throw new MetadataError(`${where}.age[${i}] has no recipient and enc`);
    return { recipient: entry.recipient, enc: entry.enc };
  });
}

function otherTypes(group: Obj): string[] {
  return OTHER_KEY_TYPES.filter((t) => Array.isArray(group[t]) && (group[t] as JsonValue[]).length > 0);
}

export function readMetadata(raw: JsonValue): SopsMetadata {
  if (!isObj(raw)) throw new MetadataError('the sops entry is not a mapping');
  if (str(raw, 'encrypted_comment_regex') || str(raw, 'unencrypted_comment_regex'))
    throw new MetadataError('encrypted_comment_regex/unencrypted_comment_regex are not supported', true);
  let age = ageStanzas(raw, 'sops');
  let other = otherTypes(raw);
  const groups = raw.key_groups;
  if (Array.isArray(groups) && groups.length > 0) {
    if (groups.length > 1)
      throw new MetadataError(
        `key_groups with ${groups.length} groups (Shamir secret sharing) are not supported`,
        true,
      );
    const g = groups[0];
    if (!isObj(g)) throw new MetadataError('sops.key_groups[0] is not a mapping');
    age = age.concat(ageStanzas(g, 'sops.key_groups[0]'));
    other = other.concat(otherTypes(g));
  }
  const mac = str(raw, 'mac');
  const lastModified = str(raw, 'lastmodified');
  if (mac === undefined || lastModified === undefined)
    throw new MetadataError('the sops metadata has no mac or no lastmodified');
  const macOnly = raw.mac_only_encrypted;
  if (
    macOnly !== undefined &&
    macOnly !== null &&
    typeof macOnly !== 'boolean' &&
    macOnly !== 'true' &&
    macOnly !== 'false'
  )
    throw new MetadataError('sops.mac_only_encrypted is not a boolean');
  const rules: EncryptionRules = { macOnlyEncrypted: macOnly === true || macOnly === 'true' };
  const set = [
    ['unencryptedSuffix', str(raw, 'unencrypted_suffix')],
    ['encryptedSuffix', str(raw, 'encrypted_suffix')],
    ['unencryptedRegex', regex(raw, 'unencrypted_regex')],
    ['encryptedRegex', regex(raw, 'encrypted_regex')],
  ] as const;
  const present = set.filter(([, v]) => v !== undefined);
  if (present.length > 1)
    throw new MetadataError(
      'more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex',
    );
  for (const [k, v] of present) (rules as unknown as Record<string, unknown>)[k] = v;
  return { age, otherKeyTypes: other, lastModified: goRfc3339(lastModified), mac, rules };
}

/**
 * The dotenv store's flattened metadata (`sops_age__list_0__map_recipient=...`, newlines as
 * `\n`) back into a tree. Keys arrive without the `sops_` prefix.
 */
export function unflattenMetadata(entries: readonly [string, string][]): JsonValue {
  const root: Obj = {};
  for (const [flatKey, rawValue] of entries) {
    const value = rawValue.replaceAll('\\n', '\n');
    const tokens = flatKey.split(/(__map_|__list_)/);
    let node: Obj | JsonValue[] = root;
    let key: string | number = tokens[0] as string;
    for (let i = 1; i < tokens.length; i += 2) {
      const sep = tokens[i];
      const next: string | number = sep === '__list_' ? Number(tokens[i + 1]) : (tokens[i + 1] as string);
      if (typeof next === 'number' && !Number.isInteger(next))
        throw new MetadataError('a flattened sops metadata key has a bad list index');
      const container: Obj | JsonValue[] = typeof next === 'number' ? [] : {};
      const holder = node as Record<string | number, JsonValue>;
      const existing = holder[key];
      if (existing === undefined || existing === null) holder[key] = container;
      node = holder[key] as Obj | JsonValue[];
      key = next;
    }
    (node as Record<string | number, JsonValue>)[key] = value;
  }
  return root;
}
