/**
 * Flux `GitRepository` (source.toolkit.fluxcd.io) + `Kustomization` (kustomize.toolkit.fluxcd.io)
 * pairs → trueup Applications: one per Kustomization, its source from the GitRepository its
 * sourceRef names. Flux applies on every interval and corrects drift, so the app is automated
 * with selfHeal; `prune` carries over. Fields with no trueup equivalent are dropped with a warning.
 */
import { APP_API_VERSION, APP_KIND, RESOURCES_FINALIZER } from '../api/application.js';
import { type ConvertOptions, httpRepoURL, isMap, type JsonMap, type Notes, Refusal, str } from './common.js';

export const FLUX_SOURCE_GROUP = 'source.toolkit.fluxcd.io';
export const FLUX_KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';

export const groupOf = (apiVersion: unknown): string => String(apiVersion ?? '').split('/')[0] ?? '';

/** Flux's ref precedence: commit, then name, then semver, then tag, then branch. */
function revisionOf(ref: JsonMap | undefined, notes: Notes): string {
  if (!ref) return 'HEAD';
  const handled = ['commit', 'name', 'semver', 'tag', 'branch'];
  notes.warnUnhandled(ref, handled, 'GitRepository spec.ref', 'not supported by trueup: dropped');
  const commit = str(ref.commit);
  if (commit) return commit;
  const name = str(ref.name);
  if (name) {
    const m = /^refs\/(heads|tags)\/(.+)$/.exec(name);
    if (m?.[2]) return m[2];
    throw new Refusal(
      `GitRepository spec.ref.name ${name}: only refs/heads/* and refs/tags/* can be carried over`,
    );
  }
  const semver = str(ref.semver);
  if (semver) return semver;
  return str(ref.tag) ?? str(ref.branch) ?? 'HEAD';
}

/** Flux's image entries → Argo CD's `name=newName:tag` / `name=newName@digest` strings. */
function imageOf(img: JsonMap): string | undefined {
  const name = str(img.name);
  if (!name) return undefined;
  const target = str(img.newName) ?? name;
  const digest = str(img.digest);
  const tag = str(img.newTag);
  const suffix = digest ? `@${digest}` : tag ? `:${tag}` : '';
  return target === name ? `${name}${suffix}` : `${name}=${target}${suffix}`;
}

const KUSTOMIZATION_HANDLED = [
  'sourceRef',
  'path',
  'prune',
  'targetNamespace',
  'namePrefix',
  'nameSuffix',
  'images',
  'commonMetadata',
  'force',
  'suspend',
  'interval',
];

const KUSTOMIZATION_WHY: Record<string, string> = {
  dependsOn:
    'trueup has no dependencies between apps; order them with trueup.dev/sync-wave in an app of apps',
  postBuild: 'trueup has no variable substitution after the build',
  decryption: 'not carried over: configure SOPS decryption for trueup separately',
  healthChecks: 'trueup assesses the health of every object it applies',
  wait: 'trueup assesses the health of every object it applies',
  timeout: 'trueup has no per-app timeout',
  retryInterval: 'use spec.syncPolicy.retry.backoff',
  serviceAccountName: 'trueup applies with its own service account',
  kubeConfig: 'trueup deploys to its own cluster only',
  patches: 'put the patches in a kustomization.yaml in Git',
  components: 'put the components in a kustomization.yaml in Git',
};

const GIT_REPOSITORY_HANDLED = ['url', 'ref', 'interval'];

/** One Flux Kustomization and its GitRepository → a trueup Application (validated by the caller). */
export function convertFluxPair(
  kustomization: JsonMap,
  repository: JsonMap,
  options: ConvertOptions,
  notes: Notes,
  repoNotes: Notes,
): unknown {
  const ks = isMap(kustomization.spec) ? kustomization.spec : {};
  const repo = isMap(repository.spec) ? repository.spec : {};
  const meta = isMap(kustomization.metadata) ? kustomization.metadata : {};
  const name = str(meta.name);
  if (!name) throw new Refusal('metadata.name is missing');

  const source: JsonMap = {
    repoURL: httpRepoURL(repo.url, 'GitRepository spec.url'),
    targetRevision: revisionOf(isMap(repo.ref) ? repo.ref : undefined, repoNotes),
    path: (str(ks.path) ?? '.').replace(/^\.\//, '').replace(/\/$/, '') || '.',
  };
  for (const key of Object.keys(repo)) {
    if (GIT_REPOSITORY_HANDLED.includes(key)) continue;
    const why =
      key === 'secretRef'
        ? `credentials are not carried over: create a Secret labelled trueup.dev/secret-type: repository with url ${String(repo.url)}, username and password`
        : 'not supported by trueup: dropped';
    repoNotes.warn(`spec.${key}`, why);
  }
  if (repo.interval !== undefined) {
    repoNotes.warn(
      'spec.interval',
      'trueup re-checks Git on one global interval (trueup controller --requeue-interval) and on webhooks',
    );
  }

  const kustomize: JsonMap = {};
  if (str(ks.namePrefix)) kustomize.namePrefix = ks.namePrefix;
  if (str(ks.nameSuffix)) kustomize.nameSuffix = ks.nameSuffix;
  if (Array.isArray(ks.images)) {
    const images = ks.images
      .filter(isMap)
      .map(imageOf)
      .filter((i): i is string => i !== undefined);
    if (images.length > 0) kustomize.images = images;
  }
  if (isMap(ks.commonMetadata)) {
    if (isMap(ks.commonMetadata.annotations)) kustomize.commonAnnotations = ks.commonMetadata.annotations;
    if (isMap(ks.commonMetadata.labels)) {
      notes.warn(
        'spec.commonMetadata.labels',
        "not carried over: trueup's commonLabels would also change selectors (Flux's commonMetadata does not)",
      );
    }
  }
  if (Object.keys(kustomize).length > 0) {
    source.kustomize = kustomize;
    notes.warn(
      'spec.namePrefix/nameSuffix/images/commonMetadata',
      'carried as spec.source.kustomize overrides: the path must hold a kustomization.yaml (Flux generates one, trueup does not)',
    );
  }

  const destination: JsonMap = {};
  const targetNamespace = str(ks.targetNamespace);
  if (targetNamespace) {
    destination.namespace = targetNamespace;
    notes.warn(
      'spec.targetNamespace',
      'carried as spec.destination.namespace: it applies to objects that name no namespace (Flux also overrides the ones that do)',
    );
  }

  const syncOptions: string[] = [];
  if (ks.force === true) syncOptions.push('Force=true');
  const spec: JsonMap = { source, destination };
  if (ks.suspend === true) {
    notes.warn('spec.suspend', 'true: converted as a manual (not automated) app');
    if (syncOptions.length > 0) spec.syncPolicy = { syncOptions };
  } else {
    spec.syncPolicy = {
      automated: { prune: ks.prune === true, selfHeal: true },
      ...(syncOptions.length > 0 ? { syncOptions } : {}),
    };
  }
  if (ks.interval !== undefined) {
    notes.warn(
      'spec.interval',
      'trueup re-checks every app on one global interval and on every watched change',
    );
  }
  for (const key of Object.keys(ks)) {
    if (KUSTOMIZATION_HANDLED.includes(key)) continue;
    notes.warn(`spec.${key}`, `${KUSTOMIZATION_WHY[key] ?? 'not supported by trueup'}: dropped`);
  }

  const out: JsonMap = { name, namespace: options.namespace };
  if (isMap(meta.labels) && Object.keys(meta.labels).length > 0) out.labels = meta.labels;
  // Flux prunes what it applied when a Kustomization with prune is deleted; trueup's finalizer does that.
  if (ks.prune === true) out.finalizers = [RESOURCES_FINALIZER];
  return { apiVersion: APP_API_VERSION, kind: APP_KIND, metadata: out, spec };
}
