/**
 * The render step of a pass: the app's sources at their revisions, decrypted, each as a chart or
 * a kustomization or a plain directory, combined, cached. With spec.sources, every source with a
 * path or a chart (from a Helm repository) renders (Argo CD's multi-source apps); a source with a
 * `ref` lends its repository to Helm valueFiles written `$REF/...`; one object rendered by two
 * sources is an error naming both.
 */
import type { Application, ApplicationSpec, HelmSource } from '../api/application.js';
import { TrueupError } from '../api/errors.js';
import { type KubeObject, refKey } from '../api/object.js';
import type { FileTree } from '../render/file-tree.js';
import type { EncryptedValues } from '../secrets/encrypted-values.js';
import { findPlainSecrets } from '../secrets/plain-secrets.js';
import { DecryptingTree } from '../secrets/tree.js';
import { chartRefOf } from './app-facts.js';
import { decryptionKeysOf } from './decryption.js';
import type { ReconcilerDeps } from './deps.js';
import type { ChartContext, ChartRef } from './ports.js';
import { type RenderedApp, renderKey } from './render-cache.js';

type RenderDeps = Pick<ReconcilerDeps, 'capabilities' | 'decryption' | 'render' | 'renderCache' | 'source'>;

/**
 * What a chart render takes from the app (used only when the path holds a chart). Discovery
 * failing is kept as an Error for the chart render to report: other apps do not need it.
 * `source` is the rendered source (default: spec.source): its helm field, and whether it is a
 * chart from a Helm repository.
 */
export async function chartContext(
  d: Pick<RenderDeps, 'capabilities'>,
  app: Application,
  spec: ApplicationSpec,
  source: { helm?: HelmSource | undefined; chart?: string | undefined } | undefined = spec.source,
): Promise<ChartContext> {
  const helm = source?.helm;
  const chart = source?.chart;
  let capabilities: ChartContext['capabilities'];
  // Not asked when the app overrides both (a cluster that cannot answer then does not matter).
  if (d.capabilities && (helm?.kubeVersion === undefined || helm.apiVersions === undefined)) {
    capabilities = await d
      .capabilities()
      .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  }
  return {
    // A chart from a repository is a chart whatever files it holds (as helm set is for a path).
    ...(helm || chart ? { helm: helm ?? {} } : {}),
    appName: app.metadata.name,
    destinationNamespace: spec.destination.namespace ?? '',
    ...(capabilities === undefined ? {} : { capabilities }),
  };
}

/**
 * Renders the app at `revisions` (one per source, in the order of sourcesOf(spec); for
 * spec.source, a single revision).
 */
export async function renderApp(
  d: RenderDeps,
  app: Application,
  spec: ApplicationSpec,
  revisions: string | readonly string[],
): Promise<RenderedApp> {
  const revs = typeof revisions === 'string' ? [revisions] : revisions;
  // SOPS files are decrypted as the renderer reads them; without spec.decryption an encrypted
  // file fails the render. The cache is keyed by the Secret the keys come from (never the keys),
  // so an app without it never gets another app's decrypted render, and the Secret is read only
  // when a render runs: a pass whose render is cached makes no request for it.
  const secretRef = spec.decryption ? `${app.metadata.namespace}/${spec.decryption.secretRef.name}` : '';
  if (spec.sources === undefined && spec.source) {
    const chart = await chartContext(d, app, spec);
    const { repoURL, path, kustomize, directory } = spec.source;
    const chartRef = chartRefOf(spec.source);
    const revision = revs[0] ?? '';
    return d.renderCache.get(
      renderKey(treeKeyOf(repoURL, chartRef), revision, path, kustomize, directory, chart, secretRef),
      async () => {
        const keys = await decryptionKeysOf(d.decryption, app, spec);
        const tree = new DecryptingTree(await d.source.tree(repoURL, revision, chartRef), keys);
        const origins = new Map<KubeObject, string>();
        const objects = await d.render.render(tree, path, kustomize, directory, chart, origins);
        // Which Secrets hold data that was in cleartext in Git: decided here, while the tree still
        // knows what it decrypted (only digests; the cached result keeps key names and files).
        const plainSecrets = findPlainSecrets(objects, tree.encrypted, (o) => origins.get(o));
        return { objects, plainSecrets };
      },
    );
  }
  return renderSources(d, app, spec, revs, secretRef);
}

async function renderSources(
  d: RenderDeps,
  app: Application,
  spec: ApplicationSpec,
  revs: readonly string[],
  secretRef: string,
): Promise<RenderedApp> {
  const sources = (spec.sources ?? []).map((s, i) => ({
    ...s,
    field: `spec.sources[${i}]`,
    revision: revs[i] ?? '',
  }));
  // A chart from a Helm repository renders without a path (its tree is the chart).
  const rendered = sources.filter((s) => s.path !== undefined || s.chart !== undefined);
  const contexts = await Promise.all(
    rendered.map(async (s) => ({
      ...(await chartContext(d, app, spec, s)),
      field: `${s.field}.helm`,
    })),
  );
  const refs = sources.filter((s) => s.ref !== undefined).map((s) => [s.ref, s.repoURL, s.revision]);
  const key = JSON.stringify([
    'sources',
    rendered.map((s, i) =>
      renderKey(
        treeKeyOf(s.repoURL, chartRefOf(s)),
        s.revision,
        s.path ?? '.',
        s.kustomize,
        s.directory,
        contexts[i],
        '',
      ),
    ),
    refs,
    secretRef,
  ]);
  return d.renderCache.get(key, async () => {
    const keys = await decryptionKeysOf(d.decryption, app, spec);
    // Each repository's tree once per revision, shared by the sources and refs that name it.
    const trees = new Map<string, Promise<DecryptingTree>>();
    const treeOf = (repoURL: string, revision: string, chartRef?: ChartRef) => {
      const k = `${treeKeyOf(repoURL, chartRef)}#${revision}`;
      let t = trees.get(k);
      if (!t) {
        t = d.source.tree(repoURL, revision, chartRef).then((base) => new DecryptingTree(base, keys));
        trees.set(k, t);
      }
      return t;
    };
    const origins = new Map<KubeObject, string>();
    const refTrees = new Map<string, FileTree>();
    for (const s of sources)
      if (s.ref !== undefined) refTrees.set(s.ref, await treeOf(s.repoURL, s.revision, chartRefOf(s)));
    const seen = new Map<string, string>();
    const out: KubeObject[] = [];
    for (const [i, s] of rendered.entries()) {
      const chart = { ...contexts[i], refs: refTrees } as ChartContext;
      const chartRef = chartRefOf(s);
      const tree = await treeOf(s.repoURL, s.revision, chartRef);
      const label = `${s.field} (${s.repoURL} ${chartRef ? `chart ${chartRef.name}` : s.path})`;
      const sourceOrigins = new Map<KubeObject, string>();
      const objects = await d.render.render(
        tree,
        s.path ?? '.',
        s.kustomize,
        s.directory,
        chart,
        sourceOrigins,
      );
      for (const [o, file] of sourceOrigins) origins.set(o, `${s.field}: ${file}`);
      for (const o of objects) {
        const id = objectKey(o);
        const other = seen.get(id);
        if (other !== undefined)
          throw new TrueupError(
            'RenderDuplicateAcrossSources',
            `${describe(o)} is rendered by both ${other} and ${label}: each object must come from one source`,
          );
        seen.set(id, label);
        out.push(o);
      }
    }
    // A value encrypted in any of the trees (a chart's $values file lives in another one).
    const all = await Promise.all(trees.values());
    const encrypted = {
      has: (bytes: Uint8Array) => all.some((t) => t.encrypted.has(bytes)),
      get size() {
        return all.reduce((n, t) => n + t.encrypted.size, 0);
      },
    } as EncryptedValues;
    return { objects: out, plainSecrets: findPlainSecrets(out, encrypted, (o) => origins.get(o)) };
  });
}

/**
 * What names a tree in cache keys: the repository, and for a chart its name (a chart version
 * names a different tree per chart of one repository) and passCredentials (another download).
 */
function treeKeyOf(repoURL: string, chart: ChartRef | undefined): string {
  if (!chart) return repoURL;
  return `${repoURL}#chart=${chart.name}${chart.passCredentials ? '#pass' : ''}`;
}

function objectKey(o: KubeObject): string {
  const group = o.apiVersion.includes('/') ? (o.apiVersion.split('/')[0] ?? '') : '';
  return refKey({ group, kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' });
}

function describe(o: KubeObject): string {
  const ns = o.metadata.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata.name ?? ''}`;
}
