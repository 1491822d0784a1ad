/**
 * The render step of a pass: the app's sources at their revisions, decrypted, each as a chart or
 * a kustomization or a plain directory, combined, cached. With spec.sources, every source with a
 * path renders (Argo CD's multi-source apps); a source with a `ref` lends its repository to Helm
 * valueFiles written `$REF/...`; one object rendered by two sources is an error naming both.
 */
import type { Application, ApplicationSpec, HelmSource } from '../api/application.js';
import { TrueupError } from '../api/errors.js';
import { type KubeObject, refKey } from '../api/object.js';
import type { FileTree } from '../render/file-tree.js';
import { DecryptingTree } from '../secrets/tree.js';
import { decryptionKeysOf } from './decryption.js';
import type { ReconcilerDeps } from './deps.js';
import type { ChartContext } from './ports.js';
import { renderKey } from './render-cache.js';

type RenderDeps = Pick<ReconcilerDeps, 'capabilities' | 'decryption' | 'render' | 'renderCache' | 'source'>;

/**
 * What a chart render takes from the app (used only when the path holds a chart). Discovery
 * failing is kept as an Error for the chart render to report: other apps do not need it.
 * `helm` is the rendered source's helm field (default: spec.source.helm).
 */
export async function chartContext(
  d: Pick<RenderDeps, 'capabilities'>,
  app: Application,
  spec: ApplicationSpec,
  helm: HelmSource | undefined = spec.source?.helm,
): Promise<ChartContext> {
  let capabilities: ChartContext['capabilities'];
  // Not asked when the app overrides both (a cluster that cannot answer then does not matter).
  if (d.capabilities && (helm?.kubeVersion === undefined || helm.apiVersions === undefined)) {
    capabilities = await d
      .capabilities()
      .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  }
  return {
    ...(helm ? { helm } : {}),
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
): Promise<readonly KubeObject[]> {
  const revs = typeof revisions === 'string' ? [revisions] : revisions;
  // SOPS files are decrypted as the renderer reads them; without spec.decryption an encrypted
  // file fails the render. The cache is keyed by the Secret the keys come from (never the keys),
  // so an app without it never gets another app's decrypted render, and the Secret is read only
  // when a render runs: a pass whose render is cached makes no request for it.
  const secretRef = spec.decryption ? `${app.metadata.namespace}/${spec.decryption.secretRef.name}` : '';
  if (spec.sources === undefined && spec.source) {
    const chart = await chartContext(d, app, spec);
    const { repoURL, path, kustomize, directory } = spec.source;
    const revision = revs[0] ?? '';
    return d.renderCache.get(
      renderKey(repoURL, revision, path, kustomize, directory, chart, secretRef),
      async () => {
        const keys = await decryptionKeysOf(d.decryption, app, spec);
        const tree = new DecryptingTree(await d.source.tree(repoURL, revision), keys);
        return d.render.render(tree, path, kustomize, directory, chart);
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
): Promise<readonly KubeObject[]> {
  const sources = (spec.sources ?? []).map((s, i) => ({
    ...s,
    field: `spec.sources[${i}]`,
    revision: revs[i] ?? '',
  }));
  const rendered = sources.filter((s) => s.path !== undefined);
  const contexts = await Promise.all(
    rendered.map(async (s) => ({
      ...(await chartContext(d, app, spec, s.helm)),
      field: `${s.field}.helm`,
    })),
  );
  const refs = sources.filter((s) => s.ref !== undefined).map((s) => [s.ref, s.repoURL, s.revision]);
  const key = JSON.stringify([
    'sources',
    rendered.map((s, i) =>
      renderKey(s.repoURL, s.revision, s.path ?? '.', s.kustomize, s.directory, contexts[i], ''),
    ),
    refs,
    secretRef,
  ]);
  return d.renderCache.get(key, async () => {
    const keys = await decryptionKeysOf(d.decryption, app, spec);
    // Each repository's tree once per revision, shared by the sources and refs that name it.
    const trees = new Map<string, Promise<FileTree>>();
    const treeOf = (repoURL: string, revision: string) => {
      const k = `${repoURL}#${revision}`;
      let t = trees.get(k);
      if (!t) {
        t = d.source.tree(repoURL, revision).then((base) => new DecryptingTree(base, keys));
        trees.set(k, t);
      }
      return t;
    };
    const refTrees = new Map<string, FileTree>();
    for (const s of sources)
      if (s.ref !== undefined) refTrees.set(s.ref, await treeOf(s.repoURL, s.revision));
    const seen = new Map<string, string>();
    const out: KubeObject[] = [];
    for (const [i, s] of rendered.entries()) {
      const chart = { ...contexts[i], refs: refTrees } as ChartContext;
      const tree = await treeOf(s.repoURL, s.revision);
      const objects = await d.render.render(tree, s.path ?? '.', s.kustomize, s.directory, chart);
      const label = `${s.field} (${s.repoURL} ${s.path})`;
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
    return out;
  });
}

function objectKey(o: KubeObject): string {
  const group = o.apiVersion.includes('/') ? (o.apiVersion.split('/')[0] ?? '') : '';
  return refKey({ group, kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' });
}

function describe(o: KubeObject): string {
  const ns = o.metadata.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata.name ?? ''}`;
}
