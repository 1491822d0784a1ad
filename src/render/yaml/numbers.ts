/**
 * Exact text of integers that a JS number cannot hold (beyond 2^53). go-yaml keeps them as
 * int64/uint64 and `kubectl kustomize` prints every digit; JsonValue only has `number`, so the
 * parser records the exact digits here, keyed by the (rounded) double, and the emitter prints
 * them back. Two different big integers that round to the same double are marked ambiguous and
 * print as the double's shortest digits. Bounded: the table is cleared when it grows too large.
 */
const MAX_ENTRIES = 100_000;
const exact = new Map<number, string | null>();

/** Remembers `digits` (a decimal integer literal) as the exact value of `value`. */
export function registerExactInteger(value: number, digits: string): void {
  if (Number.isSafeInteger(value)) return;
  const prior = exact.get(value);
  if (prior === undefined) {
    if (exact.size >= MAX_ENTRIES) exact.clear();
    exact.set(value, digits);
  } else if (prior !== null && prior !== digits) {
    exact.set(value, null);
  }
}

/** The exact decimal digits recorded for `value`, if one unambiguous integer was parsed as it. */
export function exactIntegerText(value: number): string | undefined {
  if (Number.isSafeInteger(value)) return undefined;
  return exact.get(value) ?? undefined;
}

const INT_LITERAL = /^-?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.FormatFloat(f, 'g', -1, 64). */
function goFormatG(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // Shortest round-trip digits and decimal exponent, from JS (same shortest algorithm).
  const [mant = '', expText = '0'] = f.toExponential().split('e');
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${neg ? '-' : ''}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  let body: string;
  if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length <= exp + 1) body = digits + '0'.repeat(exp + 1 - digits.length);
  else body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return (neg ? '-' : '') + body;
}

/**
 * A number as `kubectl kustomize` prints it: its JSON text (Go encoding/json) read back by
 * go-yaml v2, so integers within int64/uint64 print as digits and everything else in Go's
 * shortest `%g` form (1.2345675e+06, 1e-05, 1.8446744073709552e+19).
 */
export function formatNumber(n: number): string {
  const exactText = exactIntegerText(n);
  if (exactText !== undefined) return exactText;
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : n < 0 ? '-.inf' : '.nan';
  if (Number.isSafeInteger(n)) return n === 0 ? '0' : String(n);
  const json = String(n); // same digits and thresholds as Go's encoding/json
  if (INT_LITERAL.test(json)) {
    const v = BigInt(json);
    if (v >= INT64_MIN && v <= UINT64_MAX) return json;
  }
  return goFormatG(n);
}
