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
import { renderChart } from '../helm/render-chart.js';
import { helmTemplateText } from '../helm/template-text.js';
import { DiskTree, defaultRoot } from '../render/disk-tree.js';
import type { HelmChartInflator } from '../render/index.js';
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

export async function renderHelm(
  chart: string,
  flags: HelmFlags & { root?: string },
  io: CliIO,
  env: HelmEnvironment = { engine: process.env.TRUEUP_HELM_ENGINE, cacheDir: process.env.TRUEUP_CACHE_DIR },
): Promise<string> {
  const target = await real(chart, 'chart');
  const top = flags.root ? await real(flags.root, 'root directory') : await defaultRoot(target);
  const chartPath = inside(top, target, chart, 'chart');
  const values = [];
  for (const f of flags.values)
    values.push({ path: inside(top, await real(f, 'values file'), f, 'values file') });
  const engine = await HelmEngine.load(await locateEngine({ explicit: env.engine, cacheDir: env.cacheDir }));
  try {
    const result = await renderChart(engine, new DiskTree(top), chartPath, {
      releaseName: flags.releaseName ?? 'release-name',
      namespace: flags.namespace ?? 'default',
      values,
      set: flags.set,
      setString: flags.setString,
      ...(flags.kubeVersion === undefined ? {} : { kubeVersion: flags.kubeVersion }),
      apiVersions: flags.apiVersions,
      includeCrds: !flags.skipCrds,
    });
    for (const w of result.warnings) io.stderr(`${w}\n`);
    return helmTemplateText(result);
  } catch (err) {
    if (err instanceof TrueupError) throw err;
    throw helmError(HelmErrorCode.EngineFailed, `chart ${chart}: ${(err as Error).message}`, err);
  } finally {
    await engine.close();
  }
}

/**
 * The engine for Kustomize's `helmCharts:` in `trueup render DIR`: loaded on the first chart a
 * kustomization inflates (never for one without), closed by `close()`.
 */
export function cliChartInflator(
  env: HelmEnvironment = { engine: process.env.TRUEUP_HELM_ENGINE, cacheDir: process.env.TRUEUP_CACHE_DIR },
): { inflator: HelmChartInflator; close(): Promise<void> } {
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
