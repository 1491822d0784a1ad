/**
 * The git generator's parameter sets, as pure functions of the repository's paths and file
 * contents (the controller reads them through src/source). Names and shapes are Argo CD's:
 *
 * directories, fasttemplate: `path`, `path.basename`, `path.basenameNormalized`, `path[n]`;
 * goTemplate: `path: {path, basename, basenameNormalized, segments}`.
 * files: the file's content (a map, or a list of maps: one set each), flattened with dots in
 * fasttemplate mode (`a.b.0.c`, values printed as Go's %v), kept nested with goTemplate; plus
 * the path params of the file's directory and `path.filename`, `path.filenameNormalized`.
 * `pathParamPrefix: p` moves the path params under `p.path…`.
 */
import { load } from 'js-yaml';
import type { GitGenerator } from '../../api/application-set-generators.js';
import { GeneratorError } from '../errors.js';
import { pathMatch, pathspecMatch } from '../glob.js';
import { flatten, type Params } from '../params.js';

/** Argo CD's utils.SanitizeName: lower case, [^-a-z0-9.] → '-', at most 253, trimmed of '-' and '.'. */
export function sanitizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-a-z0-9.]/g, '-')
    .slice(0, 253)
    .replace(/^[-.]+|[-.]+$/g, '');
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const dirname = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.');

function pathParams(
  dir: string,
  file: string | undefined,
  prefix: string | undefined,
  goTemplate: boolean,
): Params {
  const base = basename(dir);
  if (goTemplate) {
    const p: Params = { path: dir, basename: base };
    if (file !== undefined) p.filename = basename(file);
    p.basenameNormalized = sanitizeName(base);
    if (file !== undefined) p.filenameNormalized = sanitizeName(basename(file));
    p.segments = dir.split('/');
    return prefix ? { [prefix]: { path: p } } : { path: p };
  }
  const name = prefix ? `${prefix}.path` : 'path';
  const out: Params = { [name]: dir, [`${name}.basename`]: base };
  if (file !== undefined) out[`${name}.filename`] = basename(file);
  out[`${name}.basenameNormalized`] = sanitizeName(base);
  if (file !== undefined) out[`${name}.filenameNormalized`] = sanitizeName(basename(file));
  dir.split('/').forEach((segment, n) => {
    if (segment) out[`${name}[${n}]`] = segment;
  });
  return out;
}

function wrapGlob<T>(pattern: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new GeneratorError('git', `${pattern}: syntax error in pattern`, err);
  }
}

/**
 * The paths an include/exclude list keeps: matched by at least one include and by no exclude
 * (an exclude wins whatever its position, as Argo CD).
 */
export function selectPaths(
  all: readonly string[],
  entries: readonly { path: string; exclude?: boolean | undefined }[],
  match: (pattern: string, path: string) => boolean,
): string[] {
  return all.filter((p) => {
    let include = false;
    for (const e of entries) {
      if (wrapGlob(e.path, () => match(e.path, p))) {
        if (e.exclude) return false;
        include = true;
      }
    }
    return include;
  });
}

/** Parameter sets of `directories`: `allDirs` is every directory of the repository (no hidden ones). */
export function gitDirectoryParams(
  gen: GitGenerator,
  allDirs: readonly string[],
  goTemplate: boolean,
): Params[] {
  return selectPaths(allDirs, gen.directories ?? [], pathMatch).map((dir) =>
    pathParams(dir, undefined, gen.pathParamPrefix, goTemplate),
  );
}

/** The files `files` selects from every file of the repository. */
export function gitFilesSelected(gen: GitGenerator, allFiles: readonly string[]): string[] {
  return selectPaths(allFiles, gen.files ?? [], pathspecMatch);
}

/** Parameter sets of one parameter file (JSON or YAML: a map, or a list of maps). */
export function gitFileParams(
  gen: GitGenerator,
  file: string,
  content: string,
  goTemplate: boolean,
): Params[] {
  let parsed: unknown;
  try {
    // JSON is YAML; Argo CD reads both with the same YAML parser.
    parsed = load(content);
  } catch (err) {
    throw new GeneratorError(
      'git',
      `${file}: unable to parse file: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const isMap = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);
  let objects: Params[];
  if (parsed === undefined || parsed === null) objects = [{}];
  else if (Array.isArray(parsed)) {
    objects = parsed.length
      ? parsed.map((o, i) => {
          if (!isMap(o)) throw new GeneratorError('git', `${file}: item ${i} is not a map`);
          return o;
        })
      : [{}];
  } else if (isMap(parsed)) objects = [parsed];
  else throw new GeneratorError('git', `${file}: unable to parse file: not a map or a list of maps`);
  const dir = dirname(file);
  return objects.map((o) => {
    // JSON data only (YAML timestamps and the like as their JSON text, as YAML→JSON does).
    const data = JSON.parse(JSON.stringify(o)) as Params;
    const params: Params = goTemplate ? data : flatten(data);
    return { ...params, ...pathParams(dir, file, gen.pathParamPrefix, goTemplate) };
  });
}
