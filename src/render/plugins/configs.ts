/**
 * The plugin configs a kustomization's `generators:`, `transformers:` or `validators:` names, as
 * Kustomize v5.5 reads them: an entry that parses as YAML objects is an inline config (configured
 * in the kustomization file); any other entry is a path, to a file of configs (load restrictor
 * applied, as to `resources:`) or to a kustomization directory whose output are the configs.
 * Each config must be one of Kustomize's builtin plugins (`apiVersion: builtin`); exec, Go and
 * KRM-function plugins are refused.
 */
import type { JsonValue, KubeObject } from '../../api/object.js';
import { RenderErrorCode, renderError } from '../errors.js';
import type { Kustomization } from '../kustomization.js';
import type { Loader } from '../loader.js';
import { isRemote, join, show } from '../paths.js';
import { flattenDocs, parseResourceDocs, resourcesFromText } from '../resources.js';
import { restrictedFile } from '../restrictor.js';
import { isObject, type Resource } from '../types.js';

export type PluginField = 'generators' | 'transformers' | 'validators';

export interface PluginConfig {
  obj: KubeObject;
  /** Where it was configured (tree-relative): its file, or the kustomization for an inline one. */
  configuredIn: string;
  /** The config in messages: `file: Kind name`. */
  where: string;
}

/** Builds a kustomization directory named by an entry and returns its objects. */
export type BuildEntry = (dir: string, by: string) => Promise<Resource[]>;

/** Kustomize's builtin generators and transformers that `kubectl kustomize` v5.5 can load. */
export const BUILTIN_GENERATORS = ['ConfigMapGenerator', 'SecretGenerator', 'IAMPolicyGenerator'] as const;
export const BUILTIN_TRANSFORMERS = [
  'AnnotationsTransformer',
  'HashTransformer',
  'ImageTagTransformer',
  'LabelTransformer',
  'NamespaceTransformer',
  'PatchJson6902Transformer',
  'PatchStrategicMergeTransformer',
  'PatchTransformer',
  'PrefixSuffixTransformer',
  'PrefixTransformer',
  'SuffixTransformer',
  'ReplicaCountTransformer',
  'ReplacementTransformer',
  'ValueAddTransformer',
] as const;

const FUNCTION_ANNOTATIONS = ['config.kubernetes.io/function', 'config.k8s.io/function'];

/**
 * The load restrictor for a file a plugin field or config names: in or below the kustomization's
 * directory `dir` after every symlink is resolved, as for `resources:` (restrictor.ts).
 */
export const confinedFile = restrictedFile;

/** Kustomize tries an entry as YAML objects first; a plain scalar (a path) fails that. */
function inlineDocs(entry: string, k: Kustomization, loader: Loader): JsonValue[] | undefined {
  if (!entry.includes('\n') && !/^\s*\{/.test(entry)) return undefined;
  let docs: JsonValue[];
  try {
    docs = parseResourceDocs(entry, `${k.file}: inline plugin config`, loader.limits);
  } catch (err) {
    // a path has no newline: a multi-line entry is a broken inline config, say why
    if (entry.includes('\n')) throw err;
    return undefined;
  }
  return docs.length > 0 && docs.every(isObject) ? docs : undefined;
}

function describe(obj: KubeObject): string {
  return `${obj.kind} ${obj.metadata.name ?? ''}`.trim();
}

async function loadEntry(
  loader: Loader,
  k: Kustomization,
  field: PluginField,
  entry: string,
  build: BuildEntry,
): Promise<PluginConfig[]> {
  const inline = inlineDocs(entry, k, loader);
  if (inline) {
    return flattenDocs(inline, `${k.file}: ${field} entry`).map((obj) => ({
      obj,
      configuredIn: k.file,
      where: `${k.file}: ${field}: ${describe(obj)}`,
    }));
  }
  const by = `${k.file}: ${field} entry ${entry}`;
  if (isRemote(entry))
    throw renderError(
      RenderErrorCode.Unsupported,
      `${by}: remote plugin configs are not supported by trueup render`,
    );
  const path = join(k.dir, entry);
  if (path === undefined)
    throw renderError(RenderErrorCode.OutsideRoot, `${by}: the path leaves the root of the tree`);
  const st = await loader.stat(path);
  if (!st) throw renderError(RenderErrorCode.Missing, `${by}: ${show(path)}: no such file or directory`);
  // a directory is a kustomization (anywhere in the tree, as a base); a file is confined
  const rs =
    st.kind === 'dir'
      ? await build(path, by)
      : resourcesFromText(
          await loader.readText(await confinedFile(loader, k.dir, entry, by), by),
          path,
          loader.limits,
        );
  return rs.map((r) => {
    const configuredIn = r.origin && 'path' in r.origin ? r.origin.path : path;
    return { obj: r.obj, configuredIn, where: `${configuredIn}: ${describe(r.obj)}` };
  });
}

/** Refuses what is not a builtin plugin of the right role; returns the builtin kind. */
export function builtinKind(c: PluginConfig, field: PluginField): string {
  const { obj } = c;
  // Kustomize checks for a builtin first: `apiVersion: builtin` runs the builtin even with a
  // function annotation; anything else would be an exec, Go or KRM-function plugin.
  if (obj.apiVersion !== 'builtin') {
    const annotations = obj.metadata.annotations ?? {};
    if (FUNCTION_ANNOTATIONS.some((a) => a in annotations))
      throw renderError(
        RenderErrorCode.Unsupported,
        `${c.where}: KRM function plugins (container, exec or starlark) are not supported by trueup render`,
      );
    throw renderError(
      RenderErrorCode.Unsupported,
      `${c.where}: apiVersion ${obj.apiVersion ?? '(none)'} is not builtin: exec and Go plugins are not supported by trueup render (nor by kubectl kustomize without alpha flags)`,
    );
  }
  if (obj.kind === 'HelmChartInflationGenerator')
    throw renderError(
      RenderErrorCode.Unsupported,
      `${c.where}: Helm charts are not supported by trueup render`,
    );
  const generator = (BUILTIN_GENERATORS as readonly string[]).includes(obj.kind);
  const transformer = (BUILTIN_TRANSFORMERS as readonly string[]).includes(obj.kind);
  if (!generator && !transformer)
    throw renderError(
      RenderErrorCode.InvalidKustomization,
      `${c.where}: ${obj.kind} is not a builtin plugin kubectl kustomize can load (unable to load builtin ${obj.kind})`,
    );
  if (field === 'generators' && !generator)
    throw renderError(RenderErrorCode.InvalidKustomization, `${c.where}: ${obj.kind} is not a generator`);
  if (field !== 'generators' && !transformer)
    throw renderError(RenderErrorCode.InvalidKustomization, `${c.where}: ${obj.kind} is not a transformer`);
  return obj.kind;
}

/** The configs of one plugin field, in order, each checked to be a builtin of the right role. */
export async function loadPluginConfigs(
  loader: Loader,
  k: Kustomization,
  field: PluginField,
  build: BuildEntry,
): Promise<(PluginConfig & { kind: string })[]> {
  const entries = k.raw[field];
  if (entries === undefined || entries === null) return [];
  if (!Array.isArray(entries))
    throw renderError(RenderErrorCode.InvalidKustomization, `${k.file}: ${field} must be a list`);
  const out: (PluginConfig & { kind: string })[] = [];
  for (const [i, entry] of entries.entries()) {
    if (typeof entry !== 'string')
      throw renderError(RenderErrorCode.InvalidKustomization, `${k.file}: ${field}[${i}] must be a string`);
    for (const c of await loadEntry(loader, k, field, entry, build))
      out.push({ ...c, kind: builtinKind(c, field) });
  }
  return out;
}
