/**
 * `trueup render CHART`: what `helm template NAME CHART --include-crds` prints, rendered by the
 * same engine the controller uses. Reads the chart and values files through a DiskTree confined
 * to the render root (default: the enclosing Git checkout), so values files never leave it.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { TrueupError } from '../api/errors.js';
import { ChartSource } from '../chart-source/chart-source.js';
import { HelmEngine } from '../helm/engine.js';
import { HelmErrorCode, helmError } from '../helm/errors.js';
import { defaultHelmLimits } from '../helm/limits.js';
import { locateEngine } from '../helm/locate.js';
import { renderChart } from '../helm/render-chart.js';
import { helmTemplateText } from '../helm/template-text.js';
import { DiskTree, defaultRoot } from '../render/disk-tree.js';
import { staticSecretSource } from '../source/credentials.js';
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

/** `--repo` + `--chart`: where the chart comes from; credentials from the environment (never printed). */
export interface RepoChartRequest {
  repo: string;
  chart: string;
  /** A version or semver constraint; `HEAD` or empty: the latest (non-pre-release) version. */
  revision: string;
}

/**
 * `trueup render --repo URL --chart NAME [--revision V] [Helm flags]`: a chart from a Helm
 * repository (https) or an OCI registry (oci://), resolved and verified as the controller does
 * (src/chart-source), rendered as `helm template` prints it. Values files are local files.
 * TRUEUP_HELM_USERNAME + TRUEUP_HELM_PASSWORD: basic credentials for the repository.
 */
export async function renderRepoChart(
  req: RepoChartRequest,
  flags: HelmFlags,
  io: CliIO,
  env: HelmEnvironment & { username?: string | undefined; password?: string | undefined } = {
    engine: process.env.TRUEUP_HELM_ENGINE,
    cacheDir: process.env.TRUEUP_CACHE_DIR,
    username: process.env.TRUEUP_HELM_USERNAME,
    password: process.env.TRUEUP_HELM_PASSWORD,
  },
): Promise<string> {
  const secrets =
    env.username !== undefined && env.password !== undefined
      ? [
          {
            metadata: { namespace: 'cli', name: 'env', labels: { 'trueup.dev/secret-type': 'repository' } },
            stringData: { url: req.repo, username: env.username, password: env.password },
          },
        ]
      : [];
  const charts = new ChartSource({ secrets: staticSecretSource(secrets) });
  const request = {
    repoURL: req.repo,
    chart: req.chart,
    targetRevision: req.revision === 'HEAD' || req.revision === '' ? '*' : req.revision,
  };
  const resolved = await charts.resolve(request, { force: true });
  io.stderr(`chart ${resolved.display} from ${req.repo}\n`);
  const tree = await charts.tree(request, resolved.version);
  const values = [];
  for (const f of flags.values) {
    const size = (
      await stat(f).catch((err) => {
        throw helmError(HelmErrorCode.FileMissing, `${f}: no such values file`, err);
      })
    ).size;
    if (size > defaultHelmLimits.maxValuesFileBytes)
      throw helmError(
        HelmErrorCode.TooLarge,
        `values file ${f}: ${size} bytes, over the budget of ${defaultHelmLimits.maxValuesFileBytes}`,
      );
    values.push({ name: f, content: await readFile(f, 'utf8') });
  }
  const engine = await HelmEngine.load(await locateEngine({ explicit: env.engine, cacheDir: env.cacheDir }));
  try {
    const result = await renderChart(engine, tree, '', {
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
  } finally {
    await engine.close();
  }
}
