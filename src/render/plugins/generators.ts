/**
 * The builtin generators as plugin configs: ConfigMapGenerator and SecretGenerator (the same
 * generator as the kustomization fields, without the kustomization's `generatorOptions`, with the
 * config's metadata name/namespace as defaults) and IAMPolicyGenerator (a GKE workload-identity
 * ServiceAccount).
 */
import type { JsonObject } from '../../api/object.js';
import { RenderErrorCode, renderError } from '../errors.js';
import { generate } from '../generators/generate.js';
import type { GeneratorArgs, GeneratorOptions, Kustomization } from '../kustomization.js';
import type { Loader } from '../loader.js';
import { resourcesFromText } from '../resources.js';
import type { Resource } from '../types.js';
import type { PluginConfig } from './configs.js';
import { ConfigFields } from './fields.js';

export type PluginOrigin = { configuredIn: string; kind: string; name?: string; namespace?: string };

/** How Kustomize's origin annotation names the plugin that made or changed an object. */
export function pluginOrigin(c: PluginConfig): PluginOrigin {
  const o: PluginOrigin = { configuredIn: c.configuredIn, kind: c.obj.kind };
  if (c.obj.metadata.name) o.name = c.obj.metadata.name;
  if (c.obj.metadata.namespace) o.namespace = c.obj.metadata.namespace;
  return o;
}

function options(f: ConfigFields): GeneratorOptions | undefined {
  const o = f.map(f.obj.options, 'options');
  if (!o) return undefined;
  const out: GeneratorOptions = {};
  const labels = f.strMap(o.labels, 'options.labels');
  if (labels) out.labels = labels;
  const annotations = f.strMap(o.annotations, 'options.annotations');
  if (annotations) out.annotations = annotations;
  if (f.bool(o.disableNameSuffixHash, 'options.disableNameSuffixHash')) out.disableNameSuffixHash = true;
  if (f.bool(o.immutable, 'options.immutable')) out.immutable = true;
  return out;
}

function generatorArgs(f: ConfigFields, secret: boolean): GeneratorArgs {
  const o = f.obj;
  const md = o.metadata as JsonObject;
  const g: GeneratorArgs = {};
  const name = f.str(o.name, 'name') || (typeof md.name === 'string' ? md.name : '');
  if (name) g.name = name;
  const namespace = f.str(o.namespace, 'namespace') || (typeof md.namespace === 'string' ? md.namespace : '');
  if (namespace) g.namespace = namespace;
  const behavior = f.str(o.behavior, 'behavior');
  if (behavior !== undefined) {
    if (!['create', 'merge', 'replace', ''].includes(behavior))
      f.fail(`behavior must be create, merge or replace, not ${behavior}`);
    g.behavior = behavior;
  }
  for (const k of ['literals', 'files', 'envs'] as const) {
    const l = f.strList(o[k], k);
    if (l) g[k] = l;
  }
  // the singular `env` is read only in a kustomization (folded into envs there); a plugin ignores it
  if (secret) {
    const type = f.str(o.type, 'type');
    if (type) g.type = type;
  }
  const opts = options(f);
  if (opts) g.options = opts;
  return g;
}

/** ConfigMapGenerator / SecretGenerator: paths are read relative to the kustomization's root. */
export async function generateFromConfig(
  loader: Loader,
  k: Kustomization,
  c: PluginConfig,
  index: number,
): Promise<Resource[]> {
  const f = new ConfigFields(c.obj as unknown as JsonObject, c.where);
  const origin = pluginOrigin(c);
  if (c.obj.kind === 'IAMPolicyGenerator') return iamPolicy(f, loader, origin);
  const secret = c.obj.kind === 'SecretGenerator';
  // messages name the config file; no generatorOptions: Kustomize merges them only into the fields
  const { generatorOptions: _global, ...rest } = k;
  const shim: Kustomization = { ...rest, file: c.where };
  const r = await generate(loader, shim, generatorArgs(f, secret), secret ? 'Secret' : 'ConfigMap', index);
  r.origin = origin;
  return [r];
}

/**
 * IAMPolicyGenerator (cloud gke): Kustomize fills a YAML text with the names and parses it, so
 * the same text is parsed here (a value that breaks that YAML fails as it does in Kustomize).
 */
function iamPolicy(f: ConfigFields, loader: Loader, origin: PluginOrigin): Resource[] {
  const cloud = f.str(f.obj.cloud, 'cloud') ?? '';
  if (cloud !== 'gke')
    throw renderError(RenderErrorCode.Generator, `${f.where}: cloud provider ${cloud} not supported yet`);
  const ks = f.map(f.obj.kubernetesService, 'kubernetesService') ?? {};
  const sa = f.map(f.obj.serviceAccount, 'serviceAccount') ?? {};
  const ksName = f.str(ks.name, 'kubernetesService.name') ?? '';
  const ksNamespace = f.str(ks.namespace, 'kubernetesService.namespace') ?? '';
  const saName = f.str(sa.name, 'serviceAccount.name') ?? '';
  const project = f.str(sa.projectId, 'serviceAccount.projectId') ?? '';
  const text = [
    'apiVersion: v1',
    'kind: ServiceAccount',
    'metadata:',
    '  annotations:',
    `    iam.gke.io/gcp-service-account: ${saName}@${project}.iam.gserviceaccount.com`,
    `  name: ${ksName}`,
    '',
  ].join('\n');
  let rs: Resource[];
  try {
    rs = resourcesFromText(text, f.where, loader.limits);
  } catch (err) {
    throw renderError(
      RenderErrorCode.Generator,
      `${f.where}: the generated ServiceAccount is not valid YAML (check kubernetesService and serviceAccount)`,
      err,
    );
  }
  for (const r of rs) {
    if (ksNamespace) r.obj.metadata.namespace = ksNamespace;
    r.origin = origin;
    r.source = f.where;
  }
  return rs;
}
