/**
 * `trueup render --repo URL --revision REV --path P`: fetch through the Git source (the same
 * cache, resolution and FileTree the controller uses) and render. Loaded only when it runs.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TrueupError } from '../api/errors.js';
import { TreeRenderPort } from '../controller/adapters/render.js';
import { chartRelative } from '../helm/app-source.js';
import { helmTemplateText } from '../helm/template-text.js';
import type { FileTree } from '../render/file-tree.js';
import type { DirectoryOptions, RenderOptions } from '../render/index.js';
import { emitYamlDocuments } from '../render/yaml/emit.js';
import { AgeIdentities } from '../secrets/age.js';
import { DecryptingTree } from '../secrets/tree.js';
import {
  createNodeHttpClient,
  GitSource,
  type NodeHttpOptions,
  type SecretLike,
  staticSecretSource,
} from '../source/index.js';
import type { CliIO } from './io.js';
import { cliChartInflator, flagOptions, helmEnvironment, renderFlagged, withEngine } from './render-helm.js';
import { type HelmFlags, helmFlagsGiven } from './render-helm-flags.js';

async function hasKustomization(tree: FileTree, dir: string): Promise<boolean> {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization'])
    if ((await tree.stat(dir ? `${dir}/${name}` : name))?.kind === 'file') return true;
  return false;
}

export interface RemoteRenderRequest {
  repo: string;
  /** Branch, tag, semver range, commit or HEAD (the default). */
  revision?: string;
  /** Directory inside the repository (default: its root). */
  path?: string;
  /** spec.source.directory: a plain directory is read as the controller reads it (top only by default). */
  directory?: DirectoryOptions;
  /**
   * Helm flags, for a path that holds a chart: `-f` files are paths in the repository relative
   * to the chart (as an Application's valueFiles); refused on a path without Chart.yaml.
   */
  helm?: HelmFlags;
}

/**
 * Settings read once at the CLI edge: TRUEUP_CACHE_DIR (cache root, `<it>/git` holds the
 * repositories), TRUEUP_GIT_USERNAME + TRUEUP_GIT_PASSWORD or TRUEUP_GIT_TOKEN (HTTPS
 * credentials for this repository; they are never printed), HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
 */
export function remoteRenderSettings(env: NodeJS.ProcessEnv, repo: string) {
  const cacheDir = join(env.TRUEUP_CACHE_DIR ?? join(homedir(), '.cache', 'trueup'), 'git');
  const password = env.TRUEUP_GIT_PASSWORD ?? env.TRUEUP_GIT_TOKEN;
  const secrets: SecretLike[] = password
    ? [
        {
          metadata: { namespace: 'cli', name: 'env', labels: { 'trueup.dev/secret-type': 'repository' } },
          stringData: {
            url: repo,
            password,
            ...(env.TRUEUP_GIT_USERNAME ? { username: env.TRUEUP_GIT_USERNAME } : {}),
          },
        },
      ]
    : [];
  const proxy = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').filter((h) => h.trim() !== '');
  const http: NodeHttpOptions = proxy ? { proxy, noProxy } : {};
  return { cacheDir, secrets: staticSecretSource(secrets), http: createNodeHttpClient(http) };
}

/** Fetches (or reuses the cache), renders `path` at the revision, returns multi-document YAML. */
export async function renderRemote(
  req: RemoteRenderRequest,
  env: NodeJS.ProcessEnv = process.env,
  options?: RenderOptions,
  keys: AgeIdentities = AgeIdentities.none,
  io?: CliIO,
): Promise<string> {
  const source = new GitSource(remoteRenderSettings(env, req.repo));
  const { tree } = await source.open({ repoURL: req.repo, targetRevision: req.revision ?? 'HEAD' });
  const decrypting = new DecryptingTree(tree, keys);
  const path = (req.path ?? '.').replace(/^\.\/?/, '').replace(/\/$/, '');
  const given = req.helm ? helmFlagsGiven(req.helm) : [];
  const isChart = (await decrypting.stat(path ? `${path}/Chart.yaml` : 'Chart.yaml'))?.kind === 'file';
  const isKustomization = await hasKustomization(decrypting, path);
  if (given.length && (!isChart || isKustomization))
    throw new TrueupError(
      'CLI_USAGE',
      `render: ${given.join(', ')} given, but ${path || '.'} in ${req.repo} is not a Helm chart (${isChart ? 'a kustomization wins over its Chart.yaml' : 'no Chart.yaml'})`,
    );
  if (isChart && !isKustomization) {
    // As `trueup render CHART`: what `helm template` prints, with its defaults.
    const flags = req.helm ?? { values: [], set: [], setString: [], apiVersions: [] };
    const values = flags.values.map((f) => ({ path: chartRelative(path, f, '-f') }));
    return withEngine(helmEnvironment(env), async (engine) => {
      const result = await renderFlagged(
        engine,
        decrypting,
        path,
        flagOptions(flags, values, { releaseName: 'release-name', namespace: 'default' }),
        `${path || '.'} in ${req.repo}`,
      );
      for (const w of result.warnings) io?.stderr(`${w}\n`);
      return helmTemplateText(result);
    });
  }
  // A kustomization's helmCharts: inflated with the engine, loaded on the first chart only.
  const charts = cliChartInflator(helmEnvironment(env));
  try {
    const objects = await new TreeRenderPort({ ...options, helmCharts: charts.inflator }).render(
      decrypting,
      path || '.',
      undefined,
      req.directory,
    );
    return emitYamlDocuments(objects);
  } finally {
    await charts.close();
  }
}
