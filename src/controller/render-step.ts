/** The render step of a pass: the app's source at a revision, decrypted, as a chart or a kustomization, cached. */
import type { Application, ApplicationSpec } from '../api/application.js';
import type { KubeObject } from '../api/object.js';
import { DecryptingTree } from '../secrets/tree.js';
import { chartRefOf } from './app-facts.js';
import { decryptionKeysOf } from './decryption.js';
import type { ReconcilerDeps } from './deps.js';
import type { ChartContext } from './ports.js';
import { renderKey } from './render-cache.js';

type RenderDeps = Pick<ReconcilerDeps, 'capabilities' | 'decryption' | 'render' | 'renderCache' | 'source'>;

/**
 * What a chart render takes from the app (used only when the path holds a chart). Discovery
 * failing is kept as an Error for the chart render to report: other apps do not need it.
 */
export async function chartContext(
  d: Pick<RenderDeps, 'capabilities'>,
  app: Application,
  spec: ApplicationSpec,
): Promise<ChartContext> {
  const helm = spec.source.helm;
  let capabilities: ChartContext['capabilities'];
  // Not asked when the app overrides both (a cluster that cannot answer then does not matter).
  if (d.capabilities && (helm?.kubeVersion === undefined || helm.apiVersions === undefined)) {
    capabilities = await d
      .capabilities()
      .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  }
  return {
    // A chart from a repository is a chart whatever files it holds (as helm set is for a path).
    ...(spec.source.helm || spec.source.chart ? { helm: spec.source.helm ?? {} } : {}),
    appName: app.metadata.name,
    destinationNamespace: spec.destination.namespace ?? '',
    ...(capabilities === undefined ? {} : { capabilities }),
  };
}

export async function renderApp(
  d: RenderDeps,
  app: Application,
  spec: ApplicationSpec,
  revision: string,
): Promise<readonly KubeObject[]> {
  const chart = await chartContext(d, app, spec);
  const { repoURL, path, kustomize, directory } = spec.source;
  const chartRef = chartRefOf(spec);
  // SOPS files are decrypted as the renderer reads them; without spec.decryption an encrypted
  // file fails the render. The cache is keyed by the Secret the keys come from (never the keys),
  // so an app without it never gets another app's decrypted render, and the Secret is read only
  // when a render runs: a pass whose render is cached makes no request for it.
  const secretRef = spec.decryption ? `${app.metadata.namespace}/${spec.decryption.secretRef.name}` : '';
  return d.renderCache.get(
    // A chart's version names a different tree per chart name: the name is part of the key.
    renderKey(
      chartRef ? `${repoURL}#chart=${chartRef.name}` : repoURL,
      revision,
      path,
      kustomize,
      directory,
      chart,
      secretRef,
    ),
    async () => {
      const keys = await decryptionKeysOf(d.decryption, app, spec);
      const tree = new DecryptingTree(await d.source.tree(repoURL, revision, chartRef), keys);
      return d.render.render(tree, path, kustomize, directory, chart);
    },
  );
}
