/**
 * The output side of go-yaml v2's emitter (a port of libyaml's), reduced to what JSON values
 * need: indentation state, indicators, and the four scalar styles with their 80-column folding.
 * Columns count code points, as libyaml's do.
 */
import { formatNumber } from './numbers.js';
import { analyzeScalar, isBreak, isSpace, plainResolvesToString, ScalarStyle } from './scalar.js';

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

function hex(v: number, width: number): string {
  return v.toString(16).toUpperCase().padStart(width, '0');
}

const ESCAPES = new Map<number, string>([
  [0x00, '0'],
  [0x07, 'a'],
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0b, 'v'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [0x1b, 'e'],
  [0x22, '"'],
  [0x5c, '\\'],
  [0x85, 'N'],
  [0xa0, '_'],
  [0x2028, 'L'],
  [0x2029, 'P'],
]);

function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

function toCodePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push((c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    out.push(c);
  }
  return out;
}

/** Indicators that make a plain scalar impossible as its first character (libyaml analyze_scalar). */
const LEADING_INDICATOR = new Uint8Array(128);
for (const c of '#,[]{}&*!|>\'"%@`') LEADING_INDICATOR[c.charCodeAt(0)] = 1;

/**
 * A string that analyzeScalar would find plain-allowed without looking further: printable ASCII
 * with no space or break (so never folded), no leading indicator, no `-`, `?` or `:` alone or
 * before a blank, no trailing `:`, not starting with `---` or `...`. Other strings take the
 * full analysis, with the same outcome for these.
 */
export function plainSafeAscii(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  const c0 = s.charCodeAt(0);
  if (LEADING_INDICATOR[c0] === 1) return false;
  if ((c0 === 0x2d || c0 === 0x3f || c0 === 0x3a) && n === 1) return false;
  if (s.charCodeAt(n - 1) === 0x3a) return false;
  if (n >= 3 && (s.startsWith('---') || s.startsWith('...'))) return false;
  return true;
}

const SPACES: string[] = [];
function spaces(n: number): string {
  if (n >= 64) return ' '.repeat(n);
  SPACES[n] ??= ' '.repeat(n);
  return SPACES[n];
}

export class Writer {
  /** The text so far, in pieces joined once at the end (cheaper than growing one string). */
  private readonly out: string[] = [];
  column = 0;
  indent = -1;
  private readonly indents: number[] = [];
  whitespace = true;
  indention = true;

  text(): string {
    return this.out.join('');
  }

  private put(s: string): void {
    this.out.push(s);
    this.column += s.length;
  }

  private putCp(cp: number): void {
    this.out.push(String.fromCodePoint(cp));
    this.column++;
  }

  private putBreak(): void {
    this.out.push('\n');
    this.column = 0;
  }

  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.putBreak();
    }
    if (this.column < indent) this.put(spaces(indent - this.column));
    this.whitespace = true;
    this.indention = true;
  }

  writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  /** libyaml's check_simple_key for a string key: single line and at most 128 bytes. */
  isSimpleKey(key: string): boolean {
    if (key.length > 128 && Buffer.byteLength(key) > 128) return false;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029) return false;
    }
    return true;
  }

  /** One scalar node (emit_scalar): a JSON primitive. */
  scalar(v: string | number | boolean | null, simpleKey: boolean): void {
    // A plain scalar without spaces is written as it is: the indentation (for folding) is unused.
    if (typeof v !== 'string') {
      this.writePlain(v === null ? 'null' : typeof v === 'number' ? formatNumber(v) : String(v), simpleKey);
      return;
    }
    if (plainSafeAscii(v) && plainResolvesToString(v)) {
      this.writePlain(v, simpleKey);
      return;
    }
    this.increaseIndent(true, false);
    this.stringScalar(v, simpleKey);
    this.popIndent();
  }

  /** A mapping key that plainSafeAscii admits and that reads back as a string, and its `:`. */
  writePlainKey(key: string): void {
    if (!this.whitespace) this.put(' ');
    this.out.push(key, ':');
    this.column += key.length + 1;
    this.whitespace = false;
    this.indention = false;
  }

  private stringScalar(str: string, simpleKey: boolean): void {
    // Kustomize's JSON text keeps U+0085 raw and go-yaml v2 then reads it, inside a double-quoted
    // scalar, as a line break that folds: one NEL becomes a space, n NELs n-1 newlines.
    const s = str.includes('\u0085')
      ? str.replace(/\u0085+/g, (m) => (m.length === 1 ? ' ' : '\n'.repeat(m.length - 1)))
      : str;
    // Fast path: printable ASCII without spaces that libyaml may write plain (no leading
    // indicator, no ": "): plain unless YAML 1.1 reads it as something other than a string.
    if (plainSafeAscii(s) && plainResolvesToString(s)) {
      this.writePlain(s, !simpleKey);
      return;
    }
    const cps = toCodePoints(s);
    const a = analyzeScalar(cps, isPrintable);
    // go-yaml v2 stringv: literal for "\n", plain when it reads back as a string, else double.
    let style: ScalarStyle;
    if (s.includes('\n')) style = ScalarStyle.Literal;
    else if (plainResolvesToString(s)) style = ScalarStyle.Plain;
    else style = ScalarStyle.Double;
    // libyaml select_scalar_style (block context, flow level 0).
    if (simpleKey && a.multiline) style = ScalarStyle.Double;
    if (style === ScalarStyle.Plain) {
      if (!a.blockPlainAllowed) style = ScalarStyle.Single;
      if (cps.length === 0 && simpleKey) style = ScalarStyle.Single;
    }
    if (style === ScalarStyle.Single && !a.singleQuotedAllowed) style = ScalarStyle.Double;
    if (style === ScalarStyle.Literal && (!a.blockAllowed || simpleKey)) style = ScalarStyle.Double;
    const allowBreaks = !simpleKey;
    switch (style) {
      case ScalarStyle.Plain:
        this.writePlainCps(cps, allowBreaks);
        break;
      case ScalarStyle.Single:
        this.writeSingle(cps, allowBreaks);
        break;
      case ScalarStyle.Double:
        this.writeDouble(cps, allowBreaks);
        break;
      case ScalarStyle.Literal:
        this.writeLiteral(cps);
        break;
    }
  }

  /** A plain scalar without spaces or breaks (numbers, booleans, simple strings). */
  private writePlain(text: string, _allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    this.put(text);
    this.whitespace = false;
    this.indention = false;
  }

  private writePlainCps(cps: number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const cp = cps[i] as number;
      if (isSpace(cp)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpace(cps[i + 1] ?? 0)) {
          this.writeIndent();
        } else {
          this.putCp(cp);
        }
        spaces = true;
      } else if (isBreak(cp)) {
        if (!breaks && cp === 0x0a) this.putBreak();
        this.writeBreak(cp);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.putCp(cp);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeBreak(cp: number): void {
    if (cp === 0x0a) this.putBreak();
    else {
      this.out.push(String.fromCodePoint(cp));
      this.column = 0;
    }
  }

  private writeSingle(cps: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const cp = cps[i] as number;
      if (isSpace(cp)) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i !== 0 &&
          i !== cps.length - 1 &&
          !isSpace(cps[i + 1] ?? 0)
        ) {
          this.writeIndent();
        } else {
          this.putCp(cp);
        }
        spaces = true;
      } else if (isBreak(cp)) {
        if (!breaks && cp === 0x0a) this.putBreak();
        this.writeBreak(cp);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (cp === 0x27) this.put("'");
        this.putCp(cp);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
  }

  private writeDouble(cps: number[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    // go-yaml's is_bom looks at the start of the value, not at i: a leading BOM escapes all.
    const bom = cps[0] === 0xfeff;
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const cp = cps[i] as number;
      if (!isPrintable(cp) || bom || isBreak(cp) || cp === 0x22 || cp === 0x5c) {
        const esc = ESCAPES.get(cp);
        if (esc !== undefined) this.put(`\\${esc}`);
        else if (cp <= 0xff) this.put(`\\x${hex(cp, 2)}`);
        else if (cp <= 0xffff) this.put(`\\u${hex(cp, 4)}`);
        else this.put(`\\U${hex(cp, 8)}`);
        spaces = false;
      } else if (isSpace(cp)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== cps.length - 1) {
          this.writeIndent();
          if (isSpace(cps[i + 1] ?? 0)) this.put('\\');
        } else {
          this.putCp(cp);
        }
        spaces = true;
      } else {
        this.putCp(cp);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
  }

  private writeLiteral(cps: number[]): void {
    this.writeIndicator('|', true, false, false);
    // Block scalar hints: indentation indicator when it starts with a space or break; chomping.
    if (isSpace(cps[0] ?? 0) || isBreak(cps[0] ?? 0)) this.put(String(BEST_INDENT));
    const n = cps.length;
    if (n === 0 || !isBreak(cps[n - 1] as number)) this.put('-');
    else if (n === 1 || isBreak(cps[n - 2] as number)) this.put('+');
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const cp of cps) {
      if (isBreak(cp)) {
        this.writeBreak(cp);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.writeIndent();
          breaks = false;
        }
        this.putCp(cp);
        this.indention = false;
      }
    }
  }
}
