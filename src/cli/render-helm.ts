/**
 * `trueup render CHART`: what `helm template NAME CHART --include-crds` prints, rendered by the
 * same engine the controller uses. Reads the chart and values files through a DiskTree confined
 * to the render root (default: the enclosing Git checkout), so values files never leave it.
 */
import { realpath } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { TrueupError } from '../api/errors.js';
import { HelmEngine } from '../helm/engine.js';
import { HelmErrorCode, helmError } from '../helm/errors.js';
import { kustomizeChartInflator } from '../helm/kustomize-charts.js';
import { locateEngine } from '../helm/locate.js';
import type { HelmRenderResult } from '../helm/protocol.js';
import { type ChartRenderOptions, renderChart, type ValuesSource } from '../helm/render-chart.js';
import { helmTemplateText } from '../helm/template-text.js';
import type { ServerCapabilities } from '../kube/capabilities.js';
import { DiskTree, defaultRoot } from '../render/disk-tree.js';
import type { FileTree, HelmChartInflator } from '../render/index.js';
import type { CliIO } from './io.js';
import type { HelmFlags } from './render-helm-flags.js';

/** Where the engine is: read here, at the CLI's edge. */
export interface HelmEnvironment {
  /** TRUEUP_HELM_ENGINE: an explicit helm-engine.wasm. */
  engine?: string | undefined;
  /** TRUEUP_CACHE_DIR: where helm/build.sh builds (default ~/.cache/trueup). */
  cacheDir?: string | undefined;
}

async function real(path: string, what: string): Promise<string> {
  try {
    return await realpath(resolve(path));
  } catch (err) {
    throw helmError(HelmErrorCode.FileMissing, `${path}: no such ${what}`, err);
  }
}

/** `abs` as a path inside `root`, or an error saying it is outside. */
function inside(root: string, abs: string, given: string, what: string): string {
  const rel = relative(root, abs);
  if (rel === '..' || rel.startsWith(`..${sep}`) || resolve(root, rel) !== abs)
    throw helmError(
      HelmErrorCode.PathEscapes,
      `${what} ${given}: not inside the render root ${root} (see --root)`,
    );
  return rel.split(sep).join('/');
}

/** A local chart and its `-f` files as paths of one confined tree (the render root). */
export async function localChart(
  chart: string,
  flags: Pick<HelmFlags, 'values'> & { root?: string | undefined },
): Promise<{ tree: DiskTree; chartPath: string; values: ValuesSource[] }> {
  const target = await real(chart, 'chart');
  const top = flags.root ? await real(flags.root, 'root directory') : await defaultRoot(target);
  const chartPath = inside(top, target, chart, 'chart');
  const values: ValuesSource[] = [];
  for (const f of flags.values)
    values.push({ path: inside(top, await real(f, 'values file'), f, 'values file') });
  return { tree: new DiskTree(top), chartPath, values };
}

/** What the Helm flags say, with the defaults of the command (`helm template`'s, or the app's). */
export function flagOptions(
  flags: HelmFlags,
  values: readonly ValuesSource[],
  defaults: { releaseName: string; namespace: string; capabilities?: ServerCapabilities | undefined },
): ChartRenderOptions {
  const kubeVersion = flags.kubeVersion ?? defaults.capabilities?.kubeVersion;
  // As helm's --api-versions: added to what the cluster serves (when a cluster is asked).
  const apiVersions = [...(defaults.capabilities?.apiVersions ?? []), ...flags.apiVersions];
  return {
    releaseName: flags.releaseName ?? defaults.releaseName,
    namespace: flags.namespace ?? defaults.namespace,
    values,
    set: flags.set,
    setString: flags.setString,
    ...(kubeVersion === undefined ? {} : { kubeVersion }),
    apiVersions,
    includeCrds: !flags.skipCrds,
  };
}

/** Loads the engine for one command (TRUEUP_HELM_ENGINE, else helm/build.sh's cache), closes it after. */
export async function withEngine<T>(
  env: HelmEnvironment,
  run: (engine: HelmEngine) => Promise<T>,
): Promise<T> {
  const engine = await HelmEngine.load(await locateEngine({ explicit: env.engine, cacheDir: env.cacheDir }));
  try {
    return await run(engine);
  } finally {
    await engine.close();
  }
}

/** Renders a chart with the Helm flags; engine failures become HELM_ENGINE_FAILED naming the chart. */
export async function renderFlagged(
  engine: HelmEngine,
  tree: FileTree,
  chartPath: string,
  options: ChartRenderOptions,
  label: string,
): Promise<HelmRenderResult> {
  try {
    return await renderChart(engine, tree, chartPath, options);
  } catch (err) {
    if (err instanceof TrueupError) throw err;
    throw helmError(HelmErrorCode.EngineFailed, `chart ${label}: ${(err as Error).message}`, err);
  }
}

export const helmEnvironment = (env: NodeJS.ProcessEnv = process.env): HelmEnvironment => ({
  engine: env.TRUEUP_HELM_ENGINE,
  cacheDir: env.TRUEUP_CACHE_DIR,
});

export async function renderHelm(
  chart: string,
  flags: HelmFlags & { root?: string },
  io: CliIO,
  env: HelmEnvironment = helmEnvironment(),
): Promise<string> {
  const { tree, chartPath, values } = await localChart(chart, flags);
  return withEngine(env, async (engine) => {
    const result = await renderFlagged(
      engine,
      tree,
      chartPath,
      flagOptions(flags, values, { releaseName: 'release-name', namespace: 'default' }),
      chart,
    );
    for (const w of result.warnings) io.stderr(`${w}\n`);
    return helmTemplateText(result);
  });
}

/**
 * The engine for Kustomize's `helmCharts:` in `trueup render DIR`: loaded on the first chart a
 * kustomization inflates (never for one without), closed by `close()`.
 */
export function cliChartInflator(env: HelmEnvironment = helmEnvironment()): {
  inflator: HelmChartInflator;
  close(): Promise<void>;
} {
  let engine: Promise<HelmEngine> | undefined;
  const load = async () =>
    HelmEngine.load(await locateEngine({ explicit: env.engine, cacheDir: env.cacheDir }));
  return {
    inflator: kustomizeChartInflator(() => {
      engine ??= load();
      return engine;
    }),
    async close() {
      const e = await engine?.catch(() => undefined);
      await e?.close();
    },
  };
}
