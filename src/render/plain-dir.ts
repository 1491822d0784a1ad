/**
 * A directory without a kustomization: its *.yaml, *.yml and *.json files, in code-point order
 * (dot-entries skipped), in file order — the way Argo CD reads a directory source. With
 * `DirectoryOptions` (spec.source.directory), subdirectories are read only with `recurse`, and
 * files are kept by the `include` / `exclude` globs over their path relative to the directory;
 * without them (the CLI's plain-directory render) every file below it is read.
 */
import { TrueupError } from '../api/errors.js';
import type { Loader } from './loader.js';
import { join, show } from './paths.js';
import { resourcesFromText } from './resources.js';
import type { Resource } from './types.js';

const EXT = /\.(ya?ml|json)$/i;

/** A malformed include/exclude glob (terminal: the spec must change). */
export const DIRECTORY_GLOB_INVALID = 'RENDER_DIRECTORY_GLOB_INVALID';

/** spec.source.directory of an Application (Argo CD's fields and defaults). */
export interface DirectoryOptions {
  /** Read subdirectories too; default false. */
  recurse?: boolean | undefined;
  /** Only files whose relative path matches are read. */
  include?: string | undefined;
  /** Files whose relative path matches are skipped; wins over include. */
  exclude?: string | undefined;
}

/**
 * Compiles a glob in Argo CD's syntax (github.com/gobwas/glob compiled without separators, as
 * Argo CD's directory include/exclude do): `*` and `**` match any text including `/`, `?` one
 * character, `[abc]` `[a-z]` `[!a-z]` a character class, `{a,b}` alternatives (nestable), `\`
 * escapes. Argo CD treats a malformed glob as matching nothing; trueup refuses it, naming it.
 */
export function compileDirectoryGlob(pattern: string, field: string): RegExp {
  let i = 0;
  const fail = (why: string) =>
    new TrueupError(DIRECTORY_GLOB_INVALID, `spec.source.directory.${field} ${pattern}: ${why}`);
  const literal = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  // Parses up to the end, or inside braces up to its `,` or `}`; returns the regex source.
  const parse = (inBraces: boolean): string => {
    let out = '';
    while (i < pattern.length) {
      const c = pattern[i] as string;
      if (inBraces && (c === ',' || c === '}')) return out;
      i++;
      if (c === '\\') {
        if (i >= pattern.length) throw fail('ends with an escape');
        out += literal(pattern[i++] as string);
      } else if (c === '*') {
        while (pattern[i] === '*') i++;
        out += '[\\s\\S]*';
      } else if (c === '?') {
        out += '[\\s\\S]';
      } else if (c === '[') {
        const end = pattern.indexOf(']', i + 1);
        if (end < 0) throw fail('unclosed [');
        let body = pattern.slice(i, end);
        i = end + 1;
        const negate = body.startsWith('!');
        if (negate) body = body.slice(1);
        if (body === '') throw fail('empty character class');
        const cls = body.replace(/[\\\]^[]/g, '\\$&');
        out += negate ? `[^${cls}]` : `[${cls}]`;
      } else if (c === '{') {
        const alts: string[] = [];
        for (;;) {
          alts.push(parse(true));
          if (i >= pattern.length) throw fail('unclosed {');
          if (pattern[i++] === '}') break;
        }
        out += `(?:${alts.join('|')})`;
      } else {
        out += literal(c);
      }
    }
    return out;
  };
  const source = parse(false);
  return new RegExp(`^${source}$`);
}

interface Filter {
  recurse: boolean;
  include?: RegExp;
  exclude?: RegExp;
}

function filterOf(options: DirectoryOptions | undefined): Filter {
  if (!options) return { recurse: true };
  const f: Filter = { recurse: options.recurse === true };
  if (options.include) f.include = compileDirectoryGlob(options.include, 'include');
  if (options.exclude) f.exclude = compileDirectoryGlob(options.exclude, 'exclude');
  return f;
}

export async function loadPlainDirectory(
  loader: Loader,
  dir: string,
  out: Resource[] = [],
  options?: DirectoryOptions,
): Promise<Resource[]> {
  await walk(loader, dir, '', filterOf(options), out);
  return out;
}

async function walk(loader: Loader, dir: string, rel: string, f: Filter, out: Resource[]): Promise<void> {
  const here = rel ? (join(dir, rel) ?? rel) : dir;
  for (const name of await loader.listDir(here)) {
    if (name.startsWith('.')) continue;
    const path = join(here, name) ?? name;
    const relPath = rel ? `${rel}/${name}` : name;
    const st = await loader.stat(path);
    if (!st) continue;
    if (st.kind === 'dir') {
      if (f.recurse) await walk(loader, dir, relPath, f, out);
      continue;
    }
    if (!EXT.test(name)) continue;
    if (f.exclude?.test(relPath)) continue;
    if (f.include && !f.include.test(relPath)) continue;
    out.push(...resourcesFromText(await loader.readText(path, show(dir)), path, loader.limits));
    if (out.length > loader.limits.maxResources) return;
  }
}
