/**
 * Kustomize's `helmCharts:` (the HelmChartInflationGenerator, as `kubectl kustomize
 * --enable-helm` runs it) over a chart vendored in the tree: the chart is rendered by a Helm
 * engine the caller passes in (RenderOptions.helmCharts; src/render never loads one), and its
 * objects join the layer as generated resources, so this kustomization's transformers and any
 * overlay patch them. Nothing is downloaded: a `repo:` chart must already be in chartHome where
 * `helm pull --untar` (what kustomize runs) puts it.
 *
 * Kustomize's rules kept: chartHome (`helmGlobals.chartHome`, default `charts`) relative to the
 * kustomization; the chart at `<chartHome>/<name>`, or `<chartHome>/<name>-<version>/<name>`
 * when both `repo` and `version` are set; `valuesFile` defaults to the chart's values.yaml;
 * `valuesInline` with `valuesMerge` override (default: inline wins, maps merged deeply), merge
 * (the file wins) or replace (inline alone); `additionalValuesFiles` after it; CRDs only with
 * `includeCRDs`; hooks unless `skipHooks`; test hooks unless `skipTests`.
 */
import type { JsonObject, JsonValue } from '../api/object.js';
import { RenderErrorCode, renderError } from './errors.js';
import type { FileTree } from './file-tree.js';
import type { Kustomization } from './kustomization.js';
import type { Loader } from './loader.js';
import { dirname, join, show } from './paths.js';
import type { ResMap } from './resmap.js';
import { parseDocs, resourcesFromText } from './resources.js';
import { restrictedFile } from './restrictor.js';
import { isObject } from './types.js';

/** One chart render, as the generator asks for it. */
export interface HelmInflateRequest {
  releaseName: string;
  namespace: string;
  /** Values files in order (`-f`), each named for messages, content as YAML text. */
  values: { name: string; content: string }[];
  kubeVersion?: string;
  apiVersions: string[];
  includeCrds: boolean;
  skipHooks: boolean;
  skipTests: boolean;
}

/**
 * The Helm engine, as src/render sees it: the text `helm template` prints for the chart directory
 * `chartDir` of `tree` with these flags (read here as kustomize reads helm's output).
 */
export interface HelmChartInflator {
  inflate(tree: FileTree, chartDir: string, request: HelmInflateRequest): Promise<string>;
}

const FIELDS = new Set([
  'name',
  'version',
  'repo',
  'releaseName',
  'namespace',
  'valuesFile',
  'valuesInline',
  'valuesMerge',
  'additionalValuesFiles',
  'includeCRDs',
  'skipHooks',
  'skipTests',
  'apiVersions',
  'kubeVersion',
  'nameTemplate',
]);

/** Whether the kustomization has charts to inflate (a kustomization without does not need an engine). */
export function hasHelmCharts(k: Kustomization): boolean {
  const v = k.raw.helmCharts;
  return Array.isArray(v) && v.length > 0;
}

function fail(file: string, what: string): never {
  throw renderError(RenderErrorCode.InvalidKustomization, `${file}: ${what}`);
}

function str(v: JsonValue | undefined, file: string, field: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') fail(file, `${field} must be a string`);
  return v;
}

function bool(v: JsonValue | undefined, file: string, field: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') fail(file, `${field} must be true or false`);
  return v;
}

function strList(v: JsonValue | undefined, file: string, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'string'))
    fail(file, `${field} must be a list of strings`);
  return v as string[];
}

/** mergo.Merge as kustomize calls it: maps merged key by key; `override` lets `src` win over set values. */
export function mergeValues(dst: JsonObject, src: JsonObject, override: boolean): JsonObject {
  const out: JsonObject = { ...dst };
  for (const [key, value] of Object.entries(src)) {
    const have = out[key];
    if (isObject(have) && isObject(value)) out[key] = mergeValues(have, value, override);
    else if (have === undefined || have === null || override) out[key] = value;
  }
  return out;
}

async function exists(loader: Loader, path: string, kind: 'file' | 'dir'): Promise<boolean> {
  return (await loader.stat(path))?.kind === kind;
}

/** Inflates every `helmCharts` entry of `k` into `m` (generated resources of this layer). */
export async function inflateHelmCharts(
  loader: Loader,
  k: Kustomization,
  m: ResMap,
  inflator: HelmChartInflator | undefined,
): Promise<void> {
  if (!hasHelmCharts(k)) return;
  const file = k.file;
  const globals = k.raw.helmGlobals;
  if (globals !== undefined && globals !== null && !isObject(globals))
    fail(file, 'helmGlobals must be a mapping');
  for (const key of Object.keys(isObject(globals) ? globals : {}))
    if (key !== 'chartHome' && key !== 'configHome') fail(file, `helmGlobals: unknown field "${key}"`);
  const chartHomeEntry =
    str(isObject(globals) ? globals.chartHome : undefined, file, 'helmGlobals.chartHome') ?? 'charts';
  for (const [i, entry] of (k.raw.helmCharts as JsonValue[]).entries()) {
    if (!isObject(entry)) fail(file, `helmCharts[${i}] must be a mapping`);
    for (const key of Object.keys(entry))
      if (!FIELDS.has(key)) fail(file, `helmCharts[${i}]: unknown field "${key}"`);
    const name = str(entry.name, file, `helmCharts[${i}].name`);
    if (!name) fail(file, `helmCharts[${i}]: chart name cannot be empty`);
    const label = `helmCharts entry ${name}`;
    const by = `${file}: ${label}`;
    if (entry.nameTemplate !== undefined)
      throw renderError(
        RenderErrorCode.Unsupported,
        `${by}: nameTemplate is not supported (helm template's --name-template)`,
      );
    const version = str(entry.version, file, `${label}: version`);
    const repo = str(entry.repo, file, `${label}: repo`);
    if (chartHomeEntry.startsWith('/'))
      throw renderError(
        RenderErrorCode.OutsideRoot,
        `${by}: helmGlobals.chartHome ${chartHomeEntry}: an absolute path; give it relative to the kustomization`,
      );
    const home = join(k.dir, chartHomeEntry);
    if (home === undefined)
      throw renderError(
        RenderErrorCode.OutsideRoot,
        `${by}: helmGlobals.chartHome ${chartHomeEntry} leaves the tree`,
      );
    // Where `helm pull --untar` puts a chart kustomize pulls (versioned), then the plain layout.
    const rels = [
      ...(repo !== undefined && version !== undefined
        ? [`${chartHomeEntry}/${name}-${version}/${name}`]
        : []),
      `${chartHomeEntry}/${name}`,
    ];
    let chartDir: string | undefined;
    for (const rel of rels) {
      const dir = join(k.dir, rel);
      if (dir === undefined || !(await exists(loader, dir, 'dir'))) continue;
      // The chart must be in or below the kustomization (kustomize's load restrictor), symlinks resolved.
      chartDir = dirname(await restrictedFile(loader, k.dir, `${rel}/Chart.yaml`, by));
      break;
    }
    if (chartDir === undefined) {
      const where = rels.map((r) => show(join(k.dir, r) ?? r)).join(' or ');
      throw renderError(
        RenderErrorCode.Missing,
        repo
          ? `${by}: the chart from ${repo}${version ? ` version ${version}` : ''} is not vendored at ${where}: trueup never downloads during a render (vendor it, e.g. \`helm pull --untar --untardir ${show(home)}${version ? `/${name}-${version}` : ''} --repo ${repo} ${name}${version ? ` --version ${version}` : ''}\`)`
          : `${by}: no chart found at ${where} (and no repo given)`,
      );
    }
    if (!(await exists(loader, join(chartDir, 'Chart.yaml') ?? '', 'file')))
      throw renderError(RenderErrorCode.Missing, `${by}: ${show(chartDir)} holds no Chart.yaml`);
    const values = await valuesOf(loader, k, entry, chartDir, by);
    if (!inflator)
      throw renderError(
        RenderErrorCode.Unsupported,
        `${by}: Helm charts need the Helm engine, which this render was not given`,
      );
    const kubeVersion = str(entry.kubeVersion, file, `${label}: kubeVersion`);
    const text = await inflator.inflate(loader.tree, chartDir, {
      releaseName: str(entry.releaseName, file, `${label}: releaseName`) ?? 'release-name',
      namespace: str(entry.namespace, file, `${label}: namespace`) ?? 'default',
      values,
      ...(kubeVersion === undefined ? {} : { kubeVersion }),
      apiVersions: strList(entry.apiVersions, file, `${label}: apiVersions`),
      includeCrds: bool(entry.includeCRDs, file, `${label}: includeCRDs`),
      skipHooks: bool(entry.skipHooks, file, `${label}: skipHooks`),
      skipTests: bool(entry.skipTests, file, `${label}: skipTests`),
    });
    const source = `${show(chartDir)} (helmCharts ${name})`;
    const origin = { configuredIn: file, kind: 'HelmChartInflationGenerator' };
    m.appendAll(
      resourcesFromText(text, source, loader.limits).map((r) => ({ ...r, origin })),
      by,
    );
  }
}

/** The values files of one entry, in order, with valuesInline merged as valuesMerge says. */
async function valuesOf(
  loader: Loader,
  k: Kustomization,
  entry: JsonObject,
  chartDir: string,
  by: string,
): Promise<{ name: string; content: string }[]> {
  const file = k.file;
  const label = by.slice(file.length + 2);
  const merge = str(entry.valuesMerge, file, `${label}: valuesMerge`) ?? 'override';
  if (!['override', 'merge', 'replace'].includes(merge))
    fail(file, `${label}: valuesMerge must be one of [merge override replace], not ${merge}`);
  const valuesFileEntry = str(entry.valuesFile, file, `${label}: valuesFile`);
  const valuesPath = valuesFileEntry
    ? await restrictedFile(loader, k.dir, valuesFileEntry, `${by}: valuesFile`)
    : join(chartDir, 'values.yaml');
  const inline = entry.valuesInline;
  if (inline !== undefined && inline !== null && !isObject(inline))
    fail(file, `${label}: valuesInline must be a mapping`);
  const readValues = async (path: string, what: string) => loader.readText(path, what);
  const out: { name: string; content: string }[] = [];
  const hasInline = isObject(inline) && Object.keys(inline).length > 0;
  const fileText =
    valuesPath !== undefined && (valuesFileEntry !== undefined || (await exists(loader, valuesPath, 'file')))
      ? await readValues(valuesPath, `${by}: valuesFile`)
      : undefined;
  if (!hasInline) {
    if (fileText !== undefined) out.push({ name: show(valuesPath ?? ''), content: fileText });
  } else if (merge === 'replace' || fileText === undefined) {
    out.push({ name: `${file}: helmCharts valuesInline`, content: JSON.stringify(inline) });
  } else {
    const docs = parseDocs(fileText, show(valuesPath ?? ''), loader.limits);
    const base = isObject(docs[0] ?? null) ? (docs[0] as JsonObject) : {};
    out.push({
      name: `${show(valuesPath ?? '')} with valuesInline (${merge})`,
      content: JSON.stringify(mergeValues(base, inline as JsonObject, merge === 'override')),
    });
  }
  for (const extra of strList(entry.additionalValuesFiles, file, `${label}: additionalValuesFiles`)) {
    const path = await restrictedFile(loader, k.dir, extra, `${by}: additionalValuesFiles entry ${extra}`);
    out.push({
      name: show(path),
      content: await readValues(path, `${by}: additionalValuesFiles entry ${extra}`),
    });
  }
  return out;
}
