/**
 * Typed values and the bytes SOPS feeds its MAC for them (Go's `sops.ToBytes`): strings as
 * UTF-8, ints in decimal, floats as `strconv.FormatFloat(f, 'f', -1, 64)` (shortest, never an
 * exponent), booleans as `True`/`False`, bytes as they are. Comments are not in the MAC.
 */
import type { JsonValue } from '../../api/object.js';
import { exactIntegerText } from '../../render/yaml/numbers.js';
import { CipherError, ValueType } from './cipher.js';

/** A decrypted leaf: the value to put back in the tree, and its MAC bytes (undefined for a comment). */
export interface Leaf {
  value: JsonValue;
  mac: Uint8Array | undefined;
  /** The raw plaintext, for the binary format (a Go string may hold any bytes). */
  raw: Uint8Array;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: false });

/** A JS number as Go's FormatFloat(f, 'f', -1, 64): the shortest round-trip digits, no exponent. */
export function goFloatText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const sign = s.startsWith('-') ? '-' : '';
  const m = s.slice(sign.length, e);
  const dot = m.indexOf('.');
  const digits = m.replace('.', '');
  const point = (dot < 0 ? m.length : dot) + Number(s.slice(e + 1));
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Text of a number as Go has it after go-yaml or SOPS's JSON store read it (int or float64). */
export function goNumberText(n: number): string {
  const exact = exactIntegerText(n);
  if (exact !== undefined) return exact;
  return goFloatText(n);
}

/** MAC bytes of a value left unencrypted in the file; undefined for null (SOPS skips it). */
export function plainMacBytes(value: string | number | boolean | null): Uint8Array | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return utf8.encode(value);
  if (typeof value === 'boolean') return utf8.encode(value ? 'True' : 'False');
  return utf8.encode(goNumberText(value));
}

const GO_BOOL: Record<string, boolean> = {
  '1': true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

/** The decrypted bytes of a value, typed as its `type:` says (Go's Atoi, ParseFloat, ParseBool). */
export function typedLeaf(type: ValueType, raw: Uint8Array): Leaf {
  const text = strictUtf8.decode(raw);
  switch (type) {
    case ValueType.Str:
    case ValueType.Bytes:
    case ValueType.Time:
      return { value: text, mac: raw, raw };
    case ValueType.Int: {
      if (!/^[+-]?[0-9]+$/.test(text)) throw new CipherError('its decrypted int is not an integer');
      const big = BigInt(text);
      const n = Number(big);
      if (!Number.isSafeInteger(n)) throw new CipherError('its decrypted int is out of range');
      return { value: n, mac: utf8.encode(big.toString()), raw };
    }
    case ValueType.Float: {
      const n = Number(text.replaceAll('_', ''));
      if (text.trim() === '' || Number.isNaN(n)) throw new CipherError('its decrypted float is not a number');
      return { value: n, mac: utf8.encode(goFloatText(n)), raw };
    }
    case ValueType.Bool: {
      const b = GO_BOOL[text];
      if (b === undefined) throw new CipherError('its decrypted bool is not a boolean');
      return { value: b, mac: utf8.encode(b ? 'True' : 'False'), raw };
    }
    case ValueType.Comment:
      return { value: text, mac: undefined, raw };
  }
}
