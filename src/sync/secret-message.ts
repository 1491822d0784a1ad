/**
 * The API server quotes the offending value in some errors (`Invalid value: …`, a decoder's
 * `…{Value:7}`). For a Secret that value is a secret, and the message goes to status, events and
 * logs; so every value the Secret holds is masked out of the message before it is kept.
 */
import type { KubeObject } from '../api/object.js';

const MASK = '***';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The strings a Secret's values can appear as in a message: raw, decoded from base64, as JSON. */
function secretStrings(obj: KubeObject): string[] {
  const out = new Set<string>();
  const add = (v: unknown): void => {
    if (v === null || v === undefined) return;
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    if (s === '' || s === '""') return;
    out.add(s);
    out.add(JSON.stringify(s).slice(1, -1));
  };
  const data = obj.data;
  if (data && typeof data === 'object')
    for (const v of Object.values(data as Record<string, unknown>)) {
      add(v);
      if (typeof v === 'string') add(Buffer.from(v, 'base64').toString('utf8'));
    }
  const stringData = obj.stringData;
  if (stringData && typeof stringData === 'object')
    for (const v of Object.values(stringData as Record<string, unknown>)) {
      add(v);
      if (typeof v === 'string') add(Buffer.from(v).toString('base64'));
    }
  // Longest first, so a value that contains another is masked whole.
  return [...out].sort((a, b) => b.length - a.length);
}

export function isSecret(obj: KubeObject): boolean {
  return obj.kind === 'Secret' && (obj.apiVersion === 'v1' || obj.apiVersion === '/v1');
}

/** `message` with every value of `obj` masked when `obj` is a Secret; unchanged otherwise. */
export function withoutSecretValues(obj: KubeObject, message: string): string {
  if (!isSecret(obj)) return message;
  let out = message;
  for (const s of secretStrings(obj)) {
    // A short value (`7`) is masked only where it stands alone, not inside other words or numbers.
    const alone = new RegExp(`(?<![A-Za-z0-9+/=])${escapeRegExp(s)}(?![A-Za-z0-9+/=])`, 'g');
    out = out.replace(alone, MASK);
  }
  return out;
}
