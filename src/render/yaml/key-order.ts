/**
 * go-yaml v2's map key order (keyList.Less), which `kubectl kustomize` output follows: runs of
 * digits compare by value, letters sort after non-letters, otherwise by code point.
 */
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function isLetter(cp: number): boolean {
  if (cp < 128) return (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
  return LETTER.test(String.fromCodePoint(cp));
}

function isDigit(cp: number): boolean {
  if (cp < 128) return cp >= 48 && cp <= 57;
  return DIGIT.test(String.fromCodePoint(cp));
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0) as number);
  return out;
}

const ASCII_ALNUM_DASH = /^[\x20-\x7e]*$/;

const LETTERS_ONLY = /^[A-Za-z]*$/;
const simpleCache = new Map<string, boolean>();

/** Keys made of ASCII letters only compare by code unit (the common case, cached). */
function isSimple(k: string): boolean {
  let v = simpleCache.get(k);
  if (v === undefined) {
    v = LETTERS_ONLY.test(k);
    if (simpleCache.size < 10_000) simpleCache.set(k, v);
  }
  return v;
}

/** Negative when `a` sorts before `b`. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  if (isSimple(a) && isSimple(b)) return a < b ? -1 : 1;
  const ar = ASCII_ALNUM_DASH.test(a) ? null : codePoints(a);
  const br = ASCII_ALNUM_DASH.test(b) ? null : codePoints(b);
  const alen = ar ? ar.length : a.length;
  const blen = br ? br.length : b.length;
  const at = (i: number) => (ar ? (ar[i] as number) : a.charCodeAt(i));
  const bt = (i: number) => (br ? (br[i] as number) : b.charCodeAt(i));
  for (let i = 0; i < alen && i < blen; i++) {
    const ca = at(i);
    const cb = bt(i);
    if (ca === cb) continue;
    const al = isLetter(ca);
    const bl = isLetter(cb);
    if (al && bl) return ca - cb;
    if (al || bl) return bl ? -1 : 1;
    let an = 0n;
    let bn = 0n;
    if (ca === 48 || cb === 48) {
      for (let j = i - 1; j >= 0 && isDigit(at(j)); j--) {
        if (at(j) !== 48) {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < alen && isDigit(at(ai)); ai++) an = an * 10n + BigInt(at(ai) - 48);
    for (; bi < blen && isDigit(bt(bi)); bi++) bn = bn * 10n + BigInt(bt(bi) - 48);
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai - bi;
    return ca - cb;
  }
  return alen - blen;
}
