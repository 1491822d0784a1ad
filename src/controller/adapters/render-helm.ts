/**
 * The Helm half of the RenderPort: an Application whose path holds a chart renders through the
 * Helm engine (Helm's own code as WebAssembly, in a worker thread). The engine is located and
 * loaded on the first chart render only, so a controller whose apps use no chart never loads it,
 * and a missing engine fails the Helm apps alone, with how to install it.
 */
import { isTrueupError } from '../../api/errors.js';
import type { HelmSource } from '../../api/helm-source.js';
import type { KubeObject } from '../../api/object.js';
import { chartOptionsFor, type HelmAppContext } from '../../helm/app-source.js';
import { HelmEngine, type HelmRenderer } from '../../helm/engine.js';
import { HelmErrorCode, helmError } from '../../helm/errors.js';
import { type LocateOptions, locateEngine } from '../../helm/locate.js';
import { renderChart } from '../../helm/render-chart.js';
import type { FileTree } from '../../render/file-tree.js';
import { parseYaml11Documents } from '../../render/yaml/parse.js';

export type { HelmAppContext };

/** Loads the engine once; a failed load (not installed) is tried again on the next render. */
export function lazyEngine<E extends HelmRenderer>(
  load: () => Promise<E>,
): {
  get(): Promise<E>;
  close(): Promise<void>;
} {
  let engine: Promise<E> | undefined;
  return {
    get() {
      if (!engine) {
        const p = load();
        engine = p;
        p.catch(() => {
          if (engine === p) engine = undefined;
        });
      }
      return engine;
    },
    async close() {
      const e = engine;
      engine = undefined;
      const loaded = await e?.catch(() => undefined);
      if (loaded && 'close' in loaded && typeof loaded.close === 'function') await loaded.close();
    },
  };
}

/**
 * The engine helm/build.sh built (or TRUEUP_HELM_ENGINE), loaded on first use; one per process,
 * shared by chart renders and Go templates (ApplicationSets, commit and notification messages).
 */
export function installedEngine(options: LocateOptions & { timeoutMs?: number } = {}) {
  return lazyEngine(async () =>
    HelmEngine.load(
      await locateEngine(options),
      options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
    ),
  );
}

/** The rendered documents as objects: crds/ first, then the manifests, then the hooks. */
export function chartObjects(
  result: Awaited<ReturnType<HelmRenderer['render']>>,
  label: string,
): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of [...result.crds, ...result.manifests, ...result.hooks]) {
    for (const value of parseYaml11Documents(doc.content, `${label}: ${doc.source}`)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw helmError(
          HelmErrorCode.ManifestInvalid,
          `${label}: ${doc.source}: a document is not an object`,
        );
      out.push(value as unknown as KubeObject);
    }
  }
  return out;
}

export class HelmChartRenderer {
  constructor(private readonly engine: () => Promise<HelmRenderer>) {}

  async render(
    tree: FileTree,
    chartPath: string,
    helm: HelmSource | undefined,
    ctx: HelmAppContext,
  ): Promise<KubeObject[]> {
    const options = await chartOptionsFor(tree, chartPath, helm, ctx);
    let engine: HelmRenderer;
    try {
      engine = await this.engine();
    } catch (err) {
      if (!isTrueupError(err) || err.code !== HelmErrorCode.EngineMissing) throw err;
      throw helmError(
        HelmErrorCode.EngineMissing,
        `${chartPath || '.'} is a Helm chart, but ${err.message}`,
        err,
      );
    }
    const result = await renderChart(engine, tree, chartPath, options);
    return chartObjects(result, `chart ${chartPath || '.'}`);
  }
}
