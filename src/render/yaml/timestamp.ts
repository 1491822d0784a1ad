/**
 * go-yaml v3 resolves plain scalars that look like timestamps into time.Time; Kustomize then
 * prints them through encoding/json as RFC 3339 (nano) strings. This reproduces that: it
 * accepts the layouts go-yaml v3 tries with Go's time.Parse and returns the RFC3339Nano text.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Go's getnum(s, fixed=false): one or two digits. Returns [value, rest] or undefined. */
function getnum(s: string): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return [s.charCodeAt(0) - 48, s.slice(1)];
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC3339Nano text of a plain scalar go-yaml v3 reads as a timestamp, else undefined. */
export function goYamlTimestamp(s: string): string | undefined {
  // Quick check: all date formats start with YYYY-.
  let i = 0;
  while (i < s.length && isDigit(s, i)) i++;
  if (i !== 4 || s[4] !== '-') return undefined;
  const year = Number(s.slice(0, 4));
  let rest = s.slice(5);
  const m = getnum(rest);
  if (!m) return undefined;
  const month = m[0];
  rest = m[1];
  if (rest[0] !== '-') return undefined;
  const d = getnum(rest.slice(1));
  if (!d) return undefined;
  const day = d[0];
  rest = d[1];
  if (month < 1 || month > 12) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const dim = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 31);
  if (day < 1 || day > dim) return undefined;
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (rest === '') return `${date}T00:00:00Z`;
  // Time part: 'T', 't' (with zone) or ' ' (without zone).
  const sep = rest[0];
  if (sep !== 'T' && sep !== 't' && sep !== ' ') return undefined;
  const h = getnum(rest.slice(1));
  if (h?.[1][0] !== ':') return undefined;
  const mi = getnum(h[1].slice(1));
  if (mi?.[1][0] !== ':') return undefined;
  const se = getnum(mi[1].slice(1));
  if (!se) return undefined;
  const [hour, minute, second] = [h[0], mi[0], se[0]];
  if (hour >= 24 || minute >= 60 || second >= 60) return undefined;
  rest = se[1];
  let frac = '';
  if ((rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
    let j = 1;
    while (j < rest.length && isDigit(rest, j)) j++;
    frac = rest.slice(1, j).slice(0, 9).padEnd(9, '0').replace(/0+$/, '');
    rest = rest.slice(j);
  }
  let zone: string;
  if (sep === ' ') {
    if (rest !== '') return undefined;
    zone = 'Z';
  } else if (rest === 'Z') {
    zone = 'Z';
  } else {
    if (rest.length !== 6 || (rest[0] !== '+' && rest[0] !== '-') || rest[3] !== ':') return undefined;
    if (!isDigit(rest, 1) || !isDigit(rest, 2) || !isDigit(rest, 4) || !isDigit(rest, 5)) return undefined;
    const zh = Number(rest.slice(1, 3));
    const zm = Number(rest.slice(4, 6));
    if (zh > 24 || zm > 60) return undefined;
    zone = zh === 0 && zm === 0 ? 'Z' : rest;
  }
  return `${date}T${pad(hour)}:${pad(minute)}:${pad(second)}${frac ? `.${frac}` : ''}${zone}`;
}
