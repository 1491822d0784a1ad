/**
 * Builds one kustomization (or component) into an accumulator: resources (files and nested
 * kustomizations), components, generators, then the built-in transformers in Kustomize's order.
 */

import { defaultConfig, emptyConfig, mergeConfig, type TransformerConfig } from './config.js';
import { parseConfigFile } from './config-file.js';
import { crdConfig } from './crds.js';
import { RenderErrorCode, renderError } from './errors.js';
import { absorbGenerated } from './generators/absorb.js';
import { generate } from './generators/generate.js';
import { type HelmChartInflator, inflateHelmCharts } from './helm-charts.js';
import { findKustomizationFile, type Kustomization, loadKustomization } from './kustomization.js';
import type { Loader } from './loader.js';
import { compileOpenApiSchema, schemaForKind } from './openapi/schema.js';
import type { StrategicMergeOptions } from './patch/strategic-merge.js';
import { isRemote, join, show } from './paths.js';
import {
  type BuildEntry,
  runPluginGenerators,
  runPluginTransformers,
  runPluginValidators,
} from './plugins/run.js';
import { applyReplacements } from './replacements.js';
import { ResMap } from './resmap.js';
import { parseDocs, resourcesFromText } from './resources.js';
import { restrictedFile } from './restrictor.js';
import { applyImages } from './transformers/images.js';
import { applyPairs, nonStringKey } from './transformers/labels.js';
import { applyNamespace } from './transformers/namespace.js';
import { applyPatches, applyPatchesJson6902, applyPatchesStrategicMerge } from './transformers/patches.js';
import { applyPrefixSuffix } from './transformers/prefix-suffix.js';
import { applyReplicas } from './transformers/replicas.js';
import { bindVars, mergeVars, parseVars, type Var } from './vars.js';

const DEFAULTS = defaultConfig();

export interface Accumulator {
  m: ResMap;
  /** Custom transformer configurations from this layer and below (`configurations:`). */
  extras: Partial<TransformerConfig>[];
  vars: Var[];
}

export function configOf(acc: Accumulator): TransformerConfig {
  if (acc.extras.length === 0) return DEFAULTS;
  const c = emptyConfig();
  for (const e of acc.extras) mergeConfig(c, e);
  mergeConfig(c, DEFAULTS);
  return c;
}

export interface BuildContext {
  loader: Loader;
  /**
   * Shared by the whole build, as Kustomize's one global schema: the first `openapi:` found sets
   * the merge schema (`openapiSet`); `schemaUsed` once the built-in schema was consulted (a
   * custom kind read, a strategic merge applied), after which a custom schema adds to it.
   */
  state: { smp: StrategicMergeOptions; openapiSet?: boolean; schemaUsed?: boolean };
  /** Kustomization directories being built, outermost first (cycle detection). */
  stack: string[];
  /** The Helm engine for `helmCharts:` (RenderOptions.helmCharts); absent: such a kustomization fails. */
  helm?: HelmChartInflator | undefined;
}

export async function buildDirectory(
  ctx: BuildContext,
  dir: string,
  by: string,
): Promise<{ acc: Accumulator; k: Kustomization }> {
  const file = await findKustomizationFile(ctx.loader, dir);
  if (!file)
    throw renderError(
      RenderErrorCode.Missing,
      `${by}: ${show(dir)} has no kustomization file (kustomization.yaml, kustomization.yml or Kustomization)`,
    );
  const k = await loadKustomization(ctx.loader, file, dir);
  if (k.kind !== 'Kustomization')
    throw renderError(
      RenderErrorCode.InvalidKustomization,
      `${by}: ${file} is a Component; list it under components, not resources`,
    );
  const acc: Accumulator = { m: new ResMap(ctx.loader.limits.maxResources), extras: [], vars: [] };
  await accumulate(ctx, k, acc);
  return { acc, k };
}

function enter(ctx: BuildContext, dir: string, by: string): BuildContext {
  if (ctx.stack.includes(dir))
    throw renderError(
      RenderErrorCode.Cycle,
      `${by}: cycle between kustomizations: ${[...ctx.stack, dir].map(show).join(' -> ')}`,
    );
  // No depth limit (kubectl has none): the build awaits between levels, so a chain of thousands
  // of kustomizations does not grow the stack; the time and byte budgets bound the work.
  ctx.loader.checkTime(by);
  return { ...ctx, stack: [...ctx.stack, dir] };
}

function resolveEntry(k: Kustomization, field: string, entry: string): string {
  const by = `${k.file}: ${field} entry ${entry}`;
  if (isRemote(entry))
    throw renderError(
      RenderErrorCode.Unsupported,
      `${by}: remote resources are not supported by trueup render`,
    );
  const path = join(k.dir, entry);
  if (path === undefined)
    throw renderError(RenderErrorCode.OutsideRoot, `${by}: the path leaves the root of the tree`);
  return path;
}

async function accumulateResources(ctx: BuildContext, k: Kustomization, acc: Accumulator): Promise<void> {
  for (const entry of k.resources) {
    const path = resolveEntry(k, 'resources', entry);
    const by = `${k.file}: resources entry ${entry}`;
    const st = await ctx.loader.stat(path);
    if (!st) throw renderError(RenderErrorCode.Missing, `${by}: ${show(path)}: no such file or directory`);
    if (st.kind === 'dir') {
      const sub = await buildDirectory(enter(ctx, path, by), path, by);
      acc.m.appendAll(sub.acc.m.list, k.file);
      acc.extras.push(...sub.acc.extras);
      mergeVars(acc.vars, sub.acc.vars, k.file);
      continue;
    }
    await restrictedFile(ctx.loader, k.dir, entry, by);
    const text = await ctx.loader.readText(path, by);
    const rs = resourcesFromText(text, path, ctx.loader.limits);
    // Kustomize asks the schema whether a kind it does not know is namespaced: that loads it.
    if (
      !ctx.state.schemaUsed &&
      rs.some((r) => schemaForKind(r.obj.apiVersion ?? '', r.obj.kind) === undefined)
    )
      ctx.state.schemaUsed = true;
    acc.m.appendAll(rs, path);
  }
}

async function accumulateComponents(ctx: BuildContext, k: Kustomization, acc: Accumulator): Promise<void> {
  for (const entry of k.components) {
    const path = resolveEntry(k, 'components', entry);
    const by = `${k.file}: components entry ${entry}`;
    const st = await ctx.loader.stat(path);
    if (!st) throw renderError(RenderErrorCode.Missing, `${by}: ${show(path)}: no such directory`);
    if (st.kind !== 'dir')
      throw renderError(RenderErrorCode.InvalidKustomization, `${by}: a component must be a directory`);
    const sub = enter(ctx, path, by);
    const file = await findKustomizationFile(ctx.loader, path);
    if (!file) throw renderError(RenderErrorCode.Missing, `${by}: ${show(path)} has no kustomization file`);
    const ck = await loadKustomization(ctx.loader, file, path);
    if (ck.kind !== 'Component')
      throw renderError(RenderErrorCode.InvalidKustomization, `${by}: ${file} must have kind: Component`);
    await accumulate(sub, ck, acc);
  }
}

async function loadConfigurations(ctx: BuildContext, k: Kustomization, acc: Accumulator): Promise<void> {
  for (const entry of k.configurations) {
    const by = `${k.file}: configurations entry ${entry}`;
    const path = await restrictedFile(ctx.loader, k.dir, entry, by);
    const text = await ctx.loader.readText(path, by);
    for (const doc of parseDocs(text, path, ctx.loader.limits)) acc.extras.push(parseConfigFile(doc, path));
  }
  for (const entry of k.crds) {
    const by = `${k.file}: crds entry ${entry}`;
    const path = await restrictedFile(ctx.loader, k.dir, entry, by);
    const text = await ctx.loader.readText(path, by);
    for (const doc of parseDocs(text, path, ctx.loader.limits)) acc.extras.push(crdConfig(doc));
  }
}

async function runGenerators(ctx: BuildContext, k: Kustomization, acc: Accumulator): Promise<void> {
  for (const [i, g] of k.configMapGenerator.entries()) {
    const r = await generate(ctx.loader, k, g, 'ConfigMap', i);
    absorbGenerated(acc.m, r, r.source);
  }
  for (const [i, g] of k.secretGenerator.entries()) {
    const r = await generate(ctx.loader, k, g, 'Secret', i);
    absorbGenerated(acc.m, r, r.source);
  }
  // Kustomize's order of builtin generators: ConfigMap, Secret, then HelmChartInflation.
  await inflateHelmCharts(ctx.loader, k, acc.m, ctx.helm);
}

function record(m: ResMap, k: Kustomization, kind: string): void {
  for (const r of m.list) {
    if (r.transformations) r.transformations.push({ configuredIn: k.file, kind });
    else r.transformations = [{ configuredIn: k.file, kind }];
  }
}

async function runTransformers(ctx: BuildContext, k: Kustomization, acc: Accumulator): Promise<void> {
  const config = configOf(acc);
  const m = acc.m;
  m.invalidate();
  if (k.patchesStrategicMerge.length) {
    await applyPatchesStrategicMerge(ctx.loader, k, m, ctx.state.smp);
    ctx.state.schemaUsed = true;
    record(m, k, 'PatchStrategicMergeTransformer');
  }
  if (k.patches.length) {
    if (await applyPatches(ctx.loader, k, m, ctx.state.smp)) ctx.state.schemaUsed = true;
    record(m, k, 'PatchTransformer');
  }
  if (k.namespace) {
    applyNamespace(m, k.namespace, config);
    record(m, k, 'NamespaceTransformer');
  }
  if (k.namePrefix) {
    applyPrefixSuffix(m, k.namePrefix, '', config.namePrefix, config.nameSuffix);
    record(m, k, 'PrefixTransformer');
  }
  if (k.nameSuffix) {
    applyPrefixSuffix(m, '', k.nameSuffix, config.namePrefix, config.nameSuffix);
    record(m, k, 'SuffixTransformer');
  }
  if (m.list.length) {
    for (const [field, pairs] of [
      ['commonLabels', k.commonLabels],
      ...k.labels.map((l, i) => [`labels[${i}].pairs`, l.pairs] as const),
      ['commonAnnotations', k.commonAnnotations],
    ] as const) {
      const bad = pairs && nonStringKey(Object.keys(pairs));
      if (bad !== undefined)
        throw renderError(
          RenderErrorCode.InvalidKustomization,
          `${k.file}: ${field}: key ${JSON.stringify(bad)} would not be a string in the output (Kustomize fails on it)`,
        );
    }
  }
  if (k.commonLabels) {
    applyPairs(m, k.commonLabels, config.commonLabels);
    record(m, k, 'LabelTransformer');
  }
  for (const l of k.labels) {
    const specs = l.includeSelectors
      ? config.commonLabels
      : l.includeTemplates
        ? config.templateLabels
        : [{ path: 'metadata/labels', create: true }];
    const extra = (l.fields ?? []).flatMap(
      (f) => parseConfigFile({ commonLabels: [f] }, k.file).commonLabels ?? [],
    );
    applyPairs(m, l.pairs, [...specs, ...extra]);
    record(m, k, 'LabelTransformer');
  }
  if (k.commonAnnotations) {
    applyPairs(m, k.commonAnnotations, config.commonAnnotations);
    record(m, k, 'AnnotationsTransformer');
  }
  if (k.patchesJson6902.length) {
    await applyPatchesJson6902(ctx.loader, k, m);
    record(m, k, 'PatchJson6902Transformer');
  }
  if (k.replicas.length) {
    applyReplicas(m, k.replicas, config.replicas, k.file);
    record(m, k, 'ReplicaCountTransformer');
  }
  if (k.images.length) {
    applyImages(m, k.images, config.images);
    record(m, k, 'ImageTagTransformer');
  }
  if (k.replacements.length) {
    await applyReplacements(ctx.loader, k, m);
    record(m, k, 'ReplacementTransformer');
  }
  m.invalidate();
}

/** Kubernetes versions whose schema is built in (Kustomize v5.5 embeds v1.21.2). */
const BUILTIN_OPENAPI = new Set(['v1.21.2']);

/**
 * `openapi:` as Kustomize v5.5 takes it: a map of strings; a `path` is always read, but only the
 * first `openapi` with a path or version found in the build counts (the top kustomization's
 * first); a version must be built in and not come with a path. A custom schema replaces the
 * built-in one, unless that was already consulted: then it adds to it (built-in wins on a clash).
 */
async function loadOpenApi(ctx: BuildContext, k: Kustomization): Promise<void> {
  const o = k.raw.openapi;
  if (o === undefined || o === null) return;
  const fail = (m: string): never => {
    throw renderError(RenderErrorCode.InvalidKustomization, `${k.file}: openapi: ${m}`);
  };
  if (typeof o !== 'object' || Array.isArray(o)) return fail('must be a mapping with path or version');
  for (const [key, v] of Object.entries(o)) if (typeof v !== 'string') fail(`${key} must be a string`);
  const { path, version } = o as { path?: string; version?: string };
  let text: string | undefined;
  let file = '';
  if (path !== undefined) {
    file = await restrictedFile(ctx.loader, k.dir, path, `${k.file}: openapi.path`);
    text = await ctx.loader.readText(file, `${k.file}: openapi.path`);
  }
  if (ctx.state.openapiSet) return;
  if (version !== undefined) {
    if (path !== undefined) fail('give either path or version, not both');
    if (!BUILTIN_OPENAPI.has(version))
      fail(`version ${version} is not built in (built in: ${[...BUILTIN_OPENAPI].join(', ')})`);
    ctx.state.smp = {};
    ctx.state.openapiSet = true;
    return;
  }
  if (text === undefined) return;
  const docs = parseDocs(text, file, ctx.loader.limits);
  ctx.state.smp = {
    schema: compileOpenApiSchema(docs[0] ?? null, { withBuiltin: ctx.state.schemaUsed === true }),
  };
  ctx.state.openapiSet = true;
}

/** Runs one kustomization or component against `acc` (components share their parent's). */
export async function accumulate(ctx: BuildContext, k: Kustomization, acc: Accumulator): Promise<void> {
  await loadOpenApi(ctx, k);
  await accumulateResources(ctx, k, acc);
  await loadConfigurations(ctx, k, acc);
  await accumulateComponents(ctx, k, acc);
  // builtin plugin configs (generators:, transformers:, validators:) run after the fields'
  const plugins = { loader: ctx.loader, k, state: ctx.state };
  const buildEntry: BuildEntry = async (dir, by) =>
    (await buildDirectory(enter(ctx, dir, by), dir, by)).acc.m.list;
  await runGenerators(ctx, k, acc);
  await runPluginGenerators(plugins, acc.m, buildEntry);
  await runTransformers(ctx, k, acc);
  await runPluginTransformers(plugins, acc.m, buildEntry);
  await runPluginValidators(plugins, acc.m, buildEntry);
  if (k.buildMetadata.includes('managedByLabel'))
    applyPairs(acc.m, { 'app.kubernetes.io/managed-by': 'kustomize-(devel)' }, [
      { path: 'metadata/labels', create: true },
    ]);
  const vars = parseVars(k.vars, k.file);
  bindVars(vars, acc.m.list);
  mergeVars(acc.vars, vars, k.file);
}
