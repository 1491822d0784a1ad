/**
 * The content-hash suffix Kustomize appends to generated ConfigMaps and Secrets: sha256 of a
 * canonical JSON encoding (Go's encoding/json: sorted keys, `<>&` escaped), first 10 hex
 * characters with 0,1,3,a,e mapped to g,h,k,m,t.
 */

import { createHash } from 'node:crypto';
import type { JsonValue, KubeObject } from '../../api/object.js';
import { sha256Hex } from './sha256.js';

/** Up to this many characters sha256.ts takes ~2 ms at most in a fresh process; loading node:crypto ~7. */
const SMALL = 16 * 1024;

function goString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** JSON as Go's encoding/json writes a map[string]interface{}: keys sorted, no spaces. */
export function goJson(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${goString(k)}:${goJson(v[k])}`).join(',')}}`;
}

export function encodeHash(hex: string): string {
  const map: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return hex
    .slice(0, 10)
    .split('')
    .map((c) => map[c] ?? c)
    .join('');
}

function field(obj: KubeObject, key: string): JsonValue {
  const v = obj[key] as JsonValue | undefined;
  return v === undefined || v === null ? '' : v;
}

/** The suffix for a generated ConfigMap or Secret (without the dash). */
export function contentHash(obj: KubeObject): string {
  const m: Record<string, JsonValue> = { kind: obj.kind, name: '', data: field(obj, 'data') };
  if (obj.kind === 'Secret') m.type = field(obj, 'type');
  const bin = obj.binaryData as JsonValue | undefined;
  if (bin !== undefined && bin !== null && typeof bin === 'object' && Object.keys(bin).length > 0)
    m.binaryData = bin;
  const text = goJson(m);
  // node:crypto loads only when a generator's content is large (the CLI bundle loads it lazily)
  return encodeHash(text.length <= SMALL ? sha256Hex(text) : createHash('sha256').update(text).digest('hex'));
}
