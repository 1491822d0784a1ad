/**
 * The two path patterns of Argo CD's git generator:
 * - directories: Go's `path.Match` (`*` and `?` stop at `/`, `[a-z]`, `[^x]`, `\` escapes);
 * - files: a `git ls-files` pathspec, Argo's default (`*` and `?` also match `/`, so
 *   `apps/**` and `apps/*` both reach every depth; a pattern without wildcards also names the
 *   files under a directory).
 */

const cache = new Map<string, RegExp>();

function classToRegex(pattern: string, start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  let out = '[';
  if (pattern[i] === '^' || pattern[i] === '!') {
    out += '^';
    i++;
  }
  let first = true;
  while (i < pattern.length && (pattern[i] !== ']' || first)) {
    first = false;
    let c = pattern[i] as string;
    if (c === '\\') {
      i++;
      c = pattern[i] ?? '';
    }
    out += c === ']' || c === '\\' || c === '[' || c === '^' ? `\\${c}` : c;
    i++;
  }
  if (i >= pattern.length) return undefined;
  return { source: `${out}]`, end: i };
}

function toRegex(pattern: string, slashIsSpecial: boolean): RegExp {
  const key = `${slashIsSpecial ? 'd' : 'f'}${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const any = slashIsSpecial ? '[^/]' : '.';
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') out += `${any}*`;
    else if (c === '?') out += any;
    else if (c === '\\' && i + 1 < pattern.length) {
      i++;
      out += escapeRegex(pattern[i] as string);
    } else if (c === '[') {
      const cls = classToRegex(pattern, i);
      if (!cls) throw new Error(`pattern ${pattern}: unterminated [`);
      // A class never matches / in path.Match.
      out += slashIsSpecial ? `(?!/)${cls.source}` : cls.source;
      i = cls.end;
    } else out += escapeRegex(c);
  }
  const re = new RegExp(`^${out}$`, 's');
  cache.set(key, re);
  return re;
}

const escapeRegex = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Go's path.Match(pattern, name); a malformed pattern throws (Argo reports ErrBadPattern). */
export function pathMatch(pattern: string, name: string): boolean {
  return toRegex(pattern, true).test(name);
}

/** Whether `git ls-files -- <pattern>` lists `file`. */
export function pathspecMatch(pattern: string, file: string): boolean {
  const p = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
  if (!/[*?[]/.test(p)) return file === p || file.startsWith(`${p}/`) || p === '' || p === '.';
  return toRegex(p, false).test(file);
}
