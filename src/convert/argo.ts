/**
 * Argo CD `Application` (argoproj.io/v1alpha1) → trueup Application: trueup's spec uses Argo
 * CD's field names, so most of it is carried as is; what trueup cannot honour is dropped with a
 * warning, and what would change the meaning of the app (charts from Helm repositories, plugins,
 * another cluster, SSH) refuses the conversion of that app. Multi-source apps (spec.sources) are
 * carried with their refs.
 */
import {
  Annotation,
  APP_API_VERSION,
  APP_KIND,
  type Application,
  RESOURCES_FINALIZER,
} from '../api/application.js';
import { IN_CLUSTER_SERVER } from '../api/destination.js';
import { appSyncOptionProblem } from '../api/sync-options.js';
import { type ConvertOptions, httpRepoURL, isMap, type JsonMap, type Notes, Refusal, str } from './common.js';

export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';
export const ARGO_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Argo CD's per-object annotations and their trueup names. */
const ANNOTATION_ALIASES: Record<string, string> = {
  'argocd.argoproj.io/sync-wave': Annotation.SyncWave,
  'argocd.argoproj.io/sync-options': Annotation.SyncOptions,
  'argocd.argoproj.io/compare-options': Annotation.CompareOptions,
  'argocd.argoproj.io/hook': Annotation.Hook,
  'argocd.argoproj.io/hook-delete-policy': Annotation.HookDeletePolicy,
  'argocd.argoproj.io/refresh': Annotation.Refresh,
};

const KUSTOMIZE_CARRIED = [
  'images',
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'commonAnnotations',
  'replicas',
] as const;

function metadataOf(meta: JsonMap, options: ConvertOptions, notes: Notes): Application['metadata'] {
  const name = str(meta.name);
  if (!name) throw new Refusal('metadata.name is missing');
  const out: Application['metadata'] = { name, namespace: options.namespace };
  if (isMap(meta.labels) && Object.keys(meta.labels).length > 0)
    out.labels = meta.labels as Record<string, string>;
  if (isMap(meta.annotations)) {
    const annotations: Record<string, string> = {};
    for (const [key, value] of Object.entries(meta.annotations)) {
      const alias = ANNOTATION_ALIASES[key];
      if (alias) annotations[alias] = String(value);
      else if (key.startsWith('argocd.argoproj.io/') || key.startsWith('notifications.argoproj.io/'))
        notes.warn(`metadata.annotations.${key}`, 'an Argo CD setting trueup does not have: dropped');
      else if (key !== 'kubectl.kubernetes.io/last-applied-configuration') annotations[key] = String(value);
    }
    if (Object.keys(annotations).length > 0) out.annotations = annotations;
  }
  const finalizers: string[] = [];
  for (const f of Array.isArray(meta.finalizers) ? meta.finalizers : []) {
    if (f === ARGO_FINALIZER) finalizers.push(RESOURCES_FINALIZER);
    else if (typeof f === 'string' && f.startsWith(`${ARGO_FINALIZER}/`)) {
      finalizers.push(RESOURCES_FINALIZER);
      notes.warn(
        'metadata.finalizers',
        `${f}: trueup's finalizer deletes with foreground propagation; the ${f.slice(ARGO_FINALIZER.length + 1)} policy is not carried`,
      );
    } else notes.warn('metadata.finalizers', `${String(f)}: not a finalizer trueup knows: dropped`);
  }
  if (finalizers.length > 0) out.finalizers = [...new Set(finalizers)];
  return out;
}

/** spec.source, or (`field` `spec.sources[i]`) an entry of spec.sources, which may carry ref and name. */
function sourceOf(src: JsonMap, notes: Notes, field = 'spec.source'): JsonMap {
  const multi = field !== 'spec.source';
  if (isMap(src.plugin)) throw new Refusal(`${field}.plugin: config management plugins are not supported`);
  const chart = str(src.chart);
  // A chart's repoURL is a Helm repository or an OCI registry (oci://, or host/path): carried as is.
  const out: JsonMap = chart
    ? { repoURL: chartRepoURL(src.repoURL, `${field}.repoURL`), chart }
    : { repoURL: httpRepoURL(src.repoURL, `${field}.repoURL`) };
  if (str(src.targetRevision)) out.targetRevision = src.targetRevision;
  if (chart && str(src.path) && src.path !== '.')
    notes.warn(`${field}.path`, 'Argo CD ignores path for a chart from a repository: dropped');
  else if (str(src.path) !== undefined && !chart) out.path = src.path;
  if (multi && str(src.ref)) out.ref = src.ref;
  if (multi && str(src.name)) out.name = src.name;
  if (isMap(src.kustomize)) {
    const k: JsonMap = {};
    for (const key of KUSTOMIZE_CARRIED) if (src.kustomize[key] !== undefined) k[key] = src.kustomize[key];
    notes.warnUnhandled(
      src.kustomize,
      KUSTOMIZE_CARRIED,
      `${field}.kustomize`,
      'not supported by trueup: dropped',
    );
    if (Object.keys(k).length > 0) out.kustomize = k;
  }
  if (isMap(src.directory)) {
    const d: JsonMap = {};
    for (const key of ['recurse', 'include', 'exclude'] as const) {
      if (src.directory[key] !== undefined) d[key] = src.directory[key];
    }
    notes.warnUnhandled(
      src.directory,
      ['recurse', 'include', 'exclude'],
      `${field}.directory`,
      'not supported by trueup (no Jsonnet): dropped',
    );
    out.directory = d;
  }
  if (isMap(src.helm)) out.helm = helmOf(src.helm, notes, `${field}.helm`, multi);
  notes.warnUnhandled(
    src,
    [
      'repoURL',
      'targetRevision',
      'path',
      'kustomize',
      'directory',
      'helm',
      'chart',
      ...(multi ? ['ref', 'name'] : []),
    ],
    field,
    'not supported by trueup: dropped',
  );
  return out;
}

const HELM_CARRIED = [
  'passCredentials',
  'valueFiles',
  'ignoreMissingValueFiles',
  'values',
  'valuesObject',
  'parameters',
  'fileParameters',
  'releaseName',
  'namespace',
  'skipCrds',
  'kubeVersion',
  'apiVersions',
] as const;

/** spec.source.helm: the fields trueup has carried as they are; the rest refused or noted. */
function chartRepoURL(url: unknown, field: string): string {
  if (typeof url !== 'string' || url === '') throw new Refusal(`${field} is missing`);
  return url;
}

function helmOf(helm: JsonMap, notes: Notes, field = 'spec.source.helm', multi = false): JsonMap {
  if (helm.version !== undefined && helm.version !== 'v3')
    throw new Refusal(`${field}.version ${String(helm.version)}: trueup renders with Helm 3 only`);
  for (const f of Array.isArray(helm.valueFiles) ? helm.valueFiles : []) {
    if (typeof f === 'string' && f.startsWith('$') && !multi)
      throw new Refusal(
        `${field}.valueFiles ${f}: a $ref names a source of spec.sources, and this app has one source`,
      );
    if (typeof f === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(f))
      throw new Refusal(`${field}.valueFiles ${f}: remote values files are not supported; commit the file`);
  }
  const out: JsonMap = {};
  for (const key of HELM_CARRIED) if (helm[key] !== undefined) out[key] = helm[key];
  if (helm.skipTests !== undefined)
    notes.warn(`${field}.skipTests`, 'dropped: trueup never applies Helm test hooks');
  if (helm.skipSchemaValidation !== undefined)
    notes.warn(
      `${field}.skipSchemaValidation`,
      "not supported by trueup: dropped (values are checked against the chart's values.schema.json)",
    );
  notes.warnUnhandled(
    helm,
    [...HELM_CARRIED, 'version', 'skipTests', 'skipSchemaValidation'],
    field,
    'not supported by trueup: dropped',
  );
  return out;
}

function destinationOf(dest: JsonMap, notes: Notes): JsonMap {
  const server = str(dest.server);
  const name = str(dest.name);
  notes.warnUnhandled(
    dest,
    ['server', 'name', 'namespace'],
    'spec.destination',
    'not supported by trueup: dropped',
  );
  // Another cluster is carried over (it needs a cluster Secret in trueup's namespace, in Argo CD's
  // format); the controller's own cluster is the default and is left out.
  return {
    ...(server && server !== IN_CLUSTER_SERVER ? { server } : {}),
    ...(name && name !== 'in-cluster' ? { name } : {}),
    ...(str(dest.namespace) ? { namespace: dest.namespace } : {}),
  };
}

function syncPolicyOf(policy: JsonMap, notes: Notes): JsonMap | undefined {
  const out: JsonMap = {};
  if (isMap(policy.automated)) {
    const a = policy.automated;
    if (a.enabled === false) {
      notes.warn('spec.syncPolicy.automated.enabled', 'false: converted as a manual (not automated) app');
    } else {
      const automated: JsonMap = {};
      for (const key of ['prune', 'selfHeal', 'allowEmpty'] as const)
        if (typeof a[key] === 'boolean') automated[key] = a[key];
      notes.warnUnhandled(
        a,
        ['prune', 'selfHeal', 'allowEmpty', 'enabled'],
        'spec.syncPolicy.automated',
        'not supported by trueup: dropped',
      );
      out.automated = automated;
    }
  }
  if (Array.isArray(policy.syncOptions)) {
    const kept: string[] = [];
    for (const [i, entry] of policy.syncOptions.entries()) {
      const problem = appSyncOptionProblem(String(entry));
      if (problem) notes.warn(`spec.syncPolicy.syncOptions[${i}]`, `${problem}: dropped`);
      else kept.push(String(entry));
    }
    if (kept.length > 0) out.syncOptions = kept;
  }
  if (isMap(policy.retry)) {
    const r: JsonMap = {};
    if (policy.retry.limit !== undefined) r.limit = policy.retry.limit;
    if (isMap(policy.retry.backoff)) r.backoff = policy.retry.backoff;
    notes.warnUnhandled(
      policy.retry,
      ['limit', 'backoff'],
      'spec.syncPolicy.retry',
      'not supported by trueup: dropped',
    );
    out.retry = r;
  }
  notes.warnUnhandled(
    policy,
    ['automated', 'syncOptions', 'retry'],
    'spec.syncPolicy',
    'not supported by trueup: dropped',
  );
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One Argo CD Application → a trueup Application (validated by the caller). */
export function convertArgoApplication(obj: JsonMap, options: ConvertOptions, notes: Notes): unknown {
  const spec = isMap(obj.spec) ? obj.spec : {};
  const outSpec: JsonMap = {};
  if (Array.isArray(spec.sources) && spec.sources.length > 0) {
    // As Argo CD: with sources, source is ignored.
    if (spec.source !== undefined)
      notes.warn('spec.source', 'ignored by Argo CD when spec.sources is set: dropped');
    outSpec.sources = spec.sources.map((s, i) => {
      if (!isMap(s)) throw new Refusal(`spec.sources[${i}]: not an object`);
      return sourceOf(s, notes, `spec.sources[${i}]`);
    });
  } else if (isMap(spec.source)) outSpec.source = sourceOf(spec.source, notes);
  else throw new Refusal('spec.source is missing');
  outSpec.destination = destinationOf(isMap(spec.destination) ? spec.destination : {}, notes);
  const project = str(spec.project);
  // The AppProject itself is converted on its own (same field names); the app keeps naming it.
  if (project && project !== 'default') outSpec.project = project;
  const policy = isMap(spec.syncPolicy) ? syncPolicyOf(spec.syncPolicy, notes) : undefined;
  if (policy) outSpec.syncPolicy = policy;
  if (Array.isArray(spec.ignoreDifferences)) outSpec.ignoreDifferences = spec.ignoreDifferences;
  if (typeof spec.revisionHistoryLimit === 'number') {
    if (spec.revisionHistoryLimit > 100) {
      notes.warn(
        'spec.revisionHistoryLimit',
        `${spec.revisionHistoryLimit}: trueup keeps at most 100: set to 100`,
      );
      outSpec.revisionHistoryLimit = 100;
    } else outSpec.revisionHistoryLimit = spec.revisionHistoryLimit;
  }
  notes.warnUnhandled(
    spec,
    [
      'source',
      'sources',
      'destination',
      'project',
      'syncPolicy',
      'ignoreDifferences',
      'revisionHistoryLimit',
    ],
    'spec',
    'not supported by trueup: dropped',
  );
  if (obj.operation !== undefined) notes.warn('operation', 'a pending operation is not carried over');
  return {
    apiVersion: APP_API_VERSION,
    kind: APP_KIND,
    metadata: metadataOf(isMap(obj.metadata) ? obj.metadata : {}, options, notes),
    spec: outSpec,
  };
}
