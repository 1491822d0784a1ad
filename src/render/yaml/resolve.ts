/**
 * The value of a plain (unquoted, untagged) YAML scalar, as go-yaml v3 resolves it when
 * Kustomize decodes a resource: `true`/`True`/`TRUE` are booleans but `yes`/`on`/`y` stay
 * strings; `~`, `null`, empty are null; Go integer syntax (0x, 0o, 0b, legacy octal 0755,
 * underscores, sign) is an integer; YAML floats; `.inf`/`.nan` (which JSON cannot carry);
 * timestamps become RFC 3339 strings (Kustomize prints them through encoding/json).
 */
import { registerExactInteger } from './numbers.js';
import { goYamlTimestamp } from './timestamp.js';

/** Thrown for values JSON cannot represent (Kustomize fails on them too). */
export class UnrepresentableScalar extends Error {}

const MAP = new Map<string, boolean | null | number>([
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
  ['', null],
  ['~', null],
  ['null', null],
  ['Null', null],
  ['NULL', null],
  ['.nan', Number.NaN],
  ['.NaN', Number.NaN],
  ['.NAN', Number.NaN],
  ['.inf', Number.POSITIVE_INFINITY],
  ['.Inf', Number.POSITIVE_INFINITY],
  ['.INF', Number.POSITIVE_INFINITY],
  ['+.inf', Number.POSITIVE_INFINITY],
  ['+.Inf', Number.POSITIVE_INFINITY],
  ['+.INF', Number.POSITIVE_INFINITY],
  ['-.inf', Number.NEGATIVE_INFINITY],
  ['-.Inf', Number.NEGATIVE_INFINITY],
  ['-.INF', Number.NEGATIVE_INFINITY],
]);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DEC_RE = /^[0-9]+$/;
const HEX_RE = /^[0-9a-fA-F]+$/;
const OCT_RE = /^[0-7]+$/;
const BIN_RE = /^[01]+$/;

/** Go's strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) (underscores already removed). */
function goParseInt(s: string): bigint | undefined {
  let sign = 1n;
  let body = s;
  if (body[0] === '+' || body[0] === '-') {
    if (body[0] === '-') sign = -1n;
    body = body.slice(1);
  }
  let value: bigint;
  if (body.length > 2 && body[0] === '0' && (body[1] === 'x' || body[1] === 'X')) {
    if (!HEX_RE.test(body.slice(2))) return undefined;
    value = BigInt(`0x${body.slice(2)}`);
  } else if (body.length > 2 && body[0] === '0' && (body[1] === 'o' || body[1] === 'O')) {
    if (!OCT_RE.test(body.slice(2))) return undefined;
    value = BigInt(`0o${body.slice(2)}`);
  } else if (body.length > 2 && body[0] === '0' && (body[1] === 'b' || body[1] === 'B')) {
    if (!BIN_RE.test(body.slice(2))) return undefined;
    value = BigInt(`0b${body.slice(2)}`);
  } else if (body.length > 1 && body[0] === '0') {
    if (!OCT_RE.test(body.slice(1))) return undefined;
    value = BigInt(`0o${body.slice(1)}`);
  } else {
    if (!DEC_RE.test(body)) return undefined;
    value = BigInt(body);
  }
  value *= sign;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  // ParseUint takes no sign.
  if (sign === 1n && s[0] !== '+' && value <= UINT64_MAX) return value;
  return undefined;
}

function intValue(v: bigint): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) registerExactInteger(n, v.toString());
  return n === 0 ? 0 : n;
}

function floatValue(n: number, text: string): number {
  if (!Number.isFinite(n) || Number.isNaN(n)) throw new UnrepresentableScalar(`unsupported value ${text}`);
  return n === 0 ? 0 : n;
}

/** Resolves a plain scalar's text the way go-yaml v3 does (into interface{}). */
const SMALL_INT = /^-?[1-9][0-9]{0,14}$/;

export function resolvePlainScalar(text: string): string | number | boolean | null {
  const c = text.charCodeAt(0);
  // Fast paths: ordinary words and small decimal integers.
  if (
    (c >= 97 && c <= 122 && c !== 110 && c !== 116 && c !== 102 && c !== 121 && c !== 111) ||
    (c >= 65 && c <= 90 && c !== 78 && c !== 84 && c !== 70 && c !== 89 && c !== 79)
  ) {
    return text;
  }
  if (SMALL_INT.test(text)) return Number(text);
  if (text === '0') return 0;
  const mapped = MAP.get(text);
  if (mapped !== undefined) {
    if (typeof mapped === 'number') throw new UnrepresentableScalar(`unsupported value ${text}`);
    return mapped;
  }
  if (c === 46 /* . */) {
    // strconv.ParseFloat of the text
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) return floatValue(Number(text), text);
    return text;
  }
  const isDigit = c >= 48 && c <= 57;
  if (!isDigit && c !== 43 && c !== 45) return text;
  const ts = goYamlTimestamp(text);
  if (ts !== undefined) return ts;
  const plain = text.includes('_') ? text.replaceAll('_', '') : text;
  const i = goParseInt(plain);
  if (i !== undefined) return intValue(i);
  if (FLOAT_RE.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return floatValue(f, text);
  }
  return text;
}

const YAML11_BOOLS = new Map<string, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((s): [string, boolean] => [s, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].map((s): [string, boolean] => [s, false]),
]);

/**
 * A plain scalar as go-yaml v2 (YAML 1.1, through sigs.k8s.io/yaml) resolves it, which is how
 * Kustomize reads JSON 6902 patches written in YAML: y/yes/on/n/no/off are booleans too, and
 * timestamps stay the text as written. Numbers and the rest as go-yaml v3.
 */
export function resolvePlainScalarYaml11(text: string): string | number | boolean | null {
  const b = YAML11_BOOLS.get(text);
  if (b !== undefined) return b;
  const c = text.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 43 || c === 45) {
    if (goYamlTimestamp(text) !== undefined) return text;
  }
  return resolvePlainScalar(text);
}
