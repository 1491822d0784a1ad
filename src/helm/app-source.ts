/**
 * An Application's `spec.source.helm` turned into one chart render's options, as Argo CD turns
 * them into `helm template` flags: valueFiles (relative to the chart path, never leaving the
 * repository; missing ones refused unless ignoreMissingValueFiles), values, valuesObject,
 * parameters (`--set` / `--set-string`), fileParameters (`--set-file`), release name and
 * namespace defaults, skipCrds, and Capabilities from the destination cluster unless overridden.
 */
import type { HelmParameter, HelmSource } from '../api/helm-source.js';
import type { FileTree } from '../render/file-tree.js';
import { readBounded, treePath } from './chart-files.js';
import { HelmErrorCode, helmError } from './errors.js';
import { defaultHelmLimits, type HelmLimits } from './limits.js';
import type { ChartRenderOptions, ValuesSource } from './render-chart.js';

/** What the destination cluster reports (discovery), for `.Capabilities`. */
export interface ClusterCapabilities {
  /** `vMAJOR.MINOR.PATCH`. */
  kubeVersion: string;
  /** Served group versions (`v1`, `apps/v1`, `monitoring.coreos.com/v1`, ...). */
  apiVersions: string[];
}

/** What the Application contributes besides its helm fields. */
export interface HelmAppContext {
  appName: string;
  /** spec.destination.namespace ('' when unset). */
  destinationNamespace: string;
  /** Discovered from the destination; absent: Helm's defaults. */
  capabilities?: ClusterCapabilities | undefined;
  /** With spec.sources: the tree of each source with a `ref`, read by valueFiles `$REF/...`. */
  refs?: ReadonlyMap<string, FileTree> | undefined;
  /** The field the options come from, for messages (default `spec.source.helm`). */
  field?: string | undefined;
}

const SOURCE_FIELD = 'spec.source.helm';

/**
 * A valueFiles entry `$REF/path`: the file at path in the repository of the source whose `ref`
 * is REF (spec.sources), confined to that repository, as Argo CD reads it.
 */
async function refValues(
  file: string,
  refs: ReadonlyMap<string, FileTree> | undefined,
  ignoreMissing: boolean,
  field: string,
  limits: HelmLimits,
): Promise<ValuesSource | undefined> {
  const slash = file.indexOf('/');
  const ref = file.slice(1, slash < 0 ? undefined : slash);
  const rest = slash < 0 ? '' : file.slice(slash + 1);
  const what = `${field}.valueFiles entry ${file}`;
  if (refs === undefined)
    throw helmError(
      HelmErrorCode.FileMissing,
      `${what}: $${ref} names a source's ref, which only spec.sources has (spec.source reads files relative to the chart)`,
    );
  const tree = refs.get(ref);
  if (tree === undefined)
    throw helmError(
      HelmErrorCode.FileMissing,
      `${what}: no source of spec.sources has ref: ${ref}${refs.size ? ` (refs: ${[...refs.keys()].join(', ')})` : ''}`,
    );
  if (rest === '') throw helmError(HelmErrorCode.FileMissing, `${what}: names no file after $${ref}/`);
  const path = treePath('', rest, what);
  const st = await tree.stat(path);
  if (st === undefined && ignoreMissing) return undefined;
  if (st?.kind !== 'file')
    throw helmError(
      HelmErrorCode.FileMissing,
      `${what}: ${path} ${st ? 'is not a file' : 'not found'} in ${tree.description}` +
        (st ? '' : ' (set ignoreMissingValueFiles: true to skip missing files)'),
    );
  const data = await readBounded(tree, path, limits.maxValuesFileBytes, what);
  return { name: file, content: new TextDecoder().decode(data) };
}

/**
 * A `--set` value as Argo CD passes a parameter: unescaped commas escaped (Helm would split the
 * value there), except for a `{a,b}` list, which is Helm's list syntax.
 */
export function setValue(value: string): string {
  if (value.startsWith('{') && value.endsWith('}')) return value;
  return value.replace(/(?<!\\),/g, '\\,');
}

/**
 * A file's content as a `--set-string` value that reads back as exactly that text (what
 * `--set-file` does): backslashes and commas escaped, and a leading `{` so it is not a list.
 */
export function fileContentValue(content: string): string {
  const escaped = content.replace(/\\/g, '\\\\').replace(/,/g, '\\,');
  return escaped.startsWith('{') ? `\\${escaped}` : escaped;
}

/** `parameters` split into `--set` and `--set-string` expressions, in their order. */
export function parameterFlags(parameters: readonly HelmParameter[]): { set: string[]; setString: string[] } {
  const set: string[] = [];
  const setString: string[] = [];
  for (const p of parameters) {
    if (p.forceString) setString.push(`${p.name}=${p.value}`);
    else set.push(`${p.name}=${setValue(p.value)}`);
  }
  return { set, setString };
}

/** The tree path of `file` given relative to the chart directory; throws when it leaves the tree. */
export function chartRelative(chartPath: string, file: string, field: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file))
    throw helmError(
      HelmErrorCode.PathEscapes,
      `${field} ${file}: remote values files are not supported; commit the file to the repository`,
    );
  return treePath(chartPath, file, field);
}

/** The options of the render of the chart at tree path `chartPath` for this Application. */
export async function chartOptionsFor(
  tree: FileTree,
  chartPath: string,
  helm: HelmSource | undefined,
  ctx: HelmAppContext,
  limits: HelmLimits = defaultHelmLimits,
): Promise<ChartRenderOptions> {
  const h = helm ?? {};
  const field = ctx.field ?? SOURCE_FIELD;
  const values: ValuesSource[] = [];
  for (const file of h.valueFiles ?? []) {
    if (file.startsWith('$')) {
      const v = await refValues(file, ctx.refs, h.ignoreMissingValueFiles === true, field, limits);
      if (v) values.push(v);
      continue;
    }
    const path = chartRelative(chartPath, file, `${field}.valueFiles entry`);
    const st = await tree.stat(path);
    if (st === undefined && h.ignoreMissingValueFiles) continue;
    if (st?.kind !== 'file')
      throw helmError(
        HelmErrorCode.FileMissing,
        `${field}.valueFiles entry ${file}: ${path} ${st ? 'is not a file' : 'not found'} in ${tree.description}` +
          (st ? '' : ' (set ignoreMissingValueFiles: true to skip missing files)'),
      );
    values.push({ path });
  }
  // Argo CD uses valuesObject alone when both are set; trueup applies both, valuesObject last,
  // so neither field is ignored.
  if (h.values !== undefined && h.values.trim() !== '')
    values.push({ name: `${field}.values`, content: h.values });
  if (h.valuesObject !== undefined)
    values.push({ name: `${field}.valuesObject`, content: JSON.stringify(h.valuesObject) });
  const { set, setString } = parameterFlags(h.parameters ?? []);
  for (const fp of h.fileParameters ?? []) {
    const path = chartRelative(chartPath, fp.path, `${field}.fileParameters ${fp.name}: path`);
    const data = await readBounded(
      tree,
      path,
      limits.maxValuesFileBytes,
      `${field}.fileParameters ${fp.name}: file`,
    );
    setString.push(`${fp.name}=${fileContentValue(new TextDecoder().decode(data))}`);
  }
  const kubeVersion = h.kubeVersion ?? ctx.capabilities?.kubeVersion;
  const apiVersions = h.apiVersions ?? ctx.capabilities?.apiVersions;
  return {
    releaseName: h.releaseName ?? ctx.appName,
    namespace: h.namespace ?? (ctx.destinationNamespace || 'default'),
    values,
    set,
    setString,
    ...(kubeVersion === undefined ? {} : { kubeVersion }),
    ...(apiVersions === undefined ? {} : { apiVersions }),
    includeCrds: h.skipCrds !== true,
    limits,
  };
}
