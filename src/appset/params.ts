/**
 * Parameter sets: what a generator yields and a template reads. In Argo CD's default
 * (fasttemplate) mode a set is flat (`path.basename`, `values.env`, strings); with goTemplate it
 * is nested (`.path.basename`). `flatten` is Argo's flattening (github.com/jeremywohl/flatten,
 * dot style) with values printed as Go's `%v` prints them.
 */
export type Params = Record<string, unknown>;

/** A value as Go's fmt `%v` prints what encoding/json decoded (float64, bool, nil, string). */
export function goString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  return `map[${Object.keys(v as object)
    .sort()
    .map((k) => `${k}:${goString((v as Params)[k])}`)
    .join(' ')}]`;
}

/** fmt's `%v` of a float64: shortest digits, exponent form when the exponent is < -4 or >= 6. */
function goFloat(f: number): string {
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(f)));
  // Checked against Go: 123456 → 123456, 1e6 → 1e+06, 1234567 → 1.234567e+06, 1e-5 → 1e-05.
  if (exp < -4 || exp >= 6) {
    const [mantissa = '', e = '0'] = f.toExponential().split('e');
    const n = Number(e);
    return `${mantissa}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(f);
}

/** Nested maps and lists as `a.b.0.c` keys (Argo's fasttemplate params and selector labels). */
export function flatten(value: Params): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (v: unknown, key: string): void => {
    if (v !== null && typeof v === 'object') {
      const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
      // An empty map or list yields no key at all, as flatten does.
      for (const [k, x] of entries) walk(x, key ? `${key}.${k}` : k);
      return;
    }
    out[key] = goString(v);
  };
  walk(value, '');
  return out;
}

/** A deep copy of plain JSON data. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}
