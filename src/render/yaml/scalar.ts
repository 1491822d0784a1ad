/**
 * Scalar decisions of go-yaml v2's encoder: whether a string may be written plain (it must read
 * back as a string under YAML 1.1 rules, so `yes`, `on`, `y`, `0755`, `1e3`, `1:20`, dates are
 * quoted) and libyaml's analysis of which styles a scalar's characters allow.
 */
import { goYamlTimestamp } from './timestamp.js';

export const ScalarStyle = { Plain: 0, Single: 1, Double: 2, Literal: 3 } as const;
export type ScalarStyle = (typeof ScalarStyle)[keyof typeof ScalarStyle];

export const isSpace = (cp: number): boolean => cp === 0x20;
export const isBreak = (cp: number): boolean =>
  cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
const isBlankz = (cp: number | undefined): boolean =>
  cp === undefined || cp === 0 || cp === 0x20 || cp === 0x09 || isBreak(cp);

/** go-yaml v2's resolve table: YAML 1.1 booleans, nulls, special floats, merge key. */
const V2_MAP = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'true',
  'True',
  'TRUE',
  'on',
  'On',
  'ON',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'false',
  'False',
  'FALSE',
  'off',
  'Off',
  'OFF',
  '',
  '~',
  'null',
  'Null',
  'NULL',
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
]);
const HINT_MAP_CHARS = new Set('yYnNtTfFoO~');
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_FLOAT_DOT_RE = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const BASE60_RE = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const INT_RE = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function goIntInRange(plain: string): boolean {
  let body = plain;
  let neg = false;
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  let v: bigint;
  if (/^0[xXoObB]/.test(body)) v = BigInt(`0${body[1]?.toLowerCase()}${body.slice(2)}`);
  else if (body.length > 1 && body[0] === '0') v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  if (neg) v = -v;
  if (v >= INT64_MIN && v < 2n ** 63n) return true;
  return !neg && plain[0] !== '+' && v <= UINT64_MAX;
}

/**
 * Answers of plainResolvesToString for texts that start like a number (`100m`, `128Mi`, `1.4.2`):
 * they take several regular expressions and repeat across objects.
 */
const numberLike = new Map<string, boolean>();

/** go-yaml v2 resolve("", s) === !!str, and not a base-60 float: may be written plain. */
export function plainResolvesToString(s: string): boolean {
  const c = s.charCodeAt(0);
  if (s === '') return false;
  const isDigit = c >= 48 && c <= 57;
  const sign = c === 43 || c === 45;
  if (isDigit || sign) {
    let known = numberLike.get(s);
    if (known === undefined) {
      known = numberLikeIsString(s);
      if (numberLike.size < 10_000) numberLike.set(s, known);
    }
    return known;
  }
  if (c === 46 /* . */) {
    if (V2_MAP.has(s)) return false;
    return !GO_FLOAT_DOT_RE.test(s);
  }
  if (HINT_MAP_CHARS.has(s[0] as string)) return !V2_MAP.has(s);
  return true;
}

function numberLikeIsString(s: string): boolean {
  if (V2_MAP.has(s)) return false;
  if (goYamlTimestamp(s) !== undefined) return false;
  const plain = s.includes('_') ? s.replaceAll('_', '') : s;
  if (INT_RE.test(plain) && goIntInRange(plain)) return false;
  if (FLOAT_RE.test(plain) && Number.isFinite(Number(plain))) return false;
  return !BASE60_RE.test(s);
}

export interface ScalarAnalysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** libyaml's yaml_emitter_analyze_scalar, for block context. */
export function analyzeScalar(cps: readonly number[], isPrintable: (cp: number) => boolean): ScalarAnalysis {
  const n = cps.length;
  if (n === 0) {
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  let blockIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  const head = String.fromCodePoint(...cps.slice(0, 3));
  if (head === '---' || head === '...') blockIndicators = true;
  let precededByWhitespace = true;
  let followedByWhitespace = isBlankz(cps[1]);
  for (let i = 0; i < n; i++) {
    const cp = cps[i] as number;
    if (i === 0) {
      switch (cp) {
        case 0x23: // #
        case 0x2c: // ,
        case 0x5b: // [
        case 0x5d: // ]
        case 0x7b: // {
        case 0x7d: // }
        case 0x26: // &
        case 0x2a: // *
        case 0x21: // !
        case 0x7c: // |
        case 0x3e: // >
        case 0x27: // '
        case 0x22: // "
        case 0x25: // %
        case 0x40: // @
        case 0x60: // `
          blockIndicators = true;
          break;
        case 0x3f: // ?
        case 0x3a: // :
          if (followedByWhitespace) blockIndicators = true;
          break;
        case 0x2d: // -
          if (followedByWhitespace) blockIndicators = true;
          break;
      }
    } else if (cp === 0x3a) {
      if (followedByWhitespace) blockIndicators = true;
    } else if (cp === 0x23) {
      if (precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(cp)) specialCharacters = true;
    if (isBreak(cp)) lineBreaks = true;
    if (isSpace(cp)) {
      if (i === 0) leadingSpace = true;
      if (i === n - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(cp)) {
      if (i === 0) leadingBreak = true;
      if (i === n - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankz(cp);
    if (i + 1 < n) followedByWhitespace = isBlankz(cps[i + 2]);
  }
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
    blockAllowed = false;
  }
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}
