import type { Command } from 'commander';
import { TrueupError } from '../../api/errors.js';
import { parseDuration } from '../../config/config.js';
import type { HelmChartInflator } from '../../render/index.js';
import type { RenderOptions } from '../../render/options.js';
import { addHelmFlags, type HelmFlags, wantsHelm } from '../render-helm-flags.js';
import type { RegisterCommand } from './index.js';

/** `--repo` renders through the Git source (src/cli/render-remote.ts), as the controller does. */
type RenderOpts = {
  root?: string;
  repo?: string;
  revision: string;
  path: string;
  directoryRecurse?: boolean;
  directoryInclude?: string;
  directoryExclude?: string;
  plainDir?: boolean;
  maxBytes?: string;
  maxAliasNodes?: string;
  timeout?: string;
  sopsAgeKeyFile?: string;
};

/** Whether the user named age keys (the flag, or the variables the sops CLI reads). */
function sopsKeysNamed(flag: string | undefined, env: NodeJS.ProcessEnv): boolean {
  return flag !== undefined || Boolean(env.SOPS_AGE_KEY_FILE) || Boolean(env.SOPS_AGE_KEY);
}

function count(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new TrueupError('CLI_USAGE', `render: ${flag} "${text}" must be a whole number >= 0`);
  return n;
}

function directoryFlagsGiven(o: RenderOpts): string[] {
  const given: string[] = [];
  if (o.directoryRecurse) given.push('--directory-recurse');
  if (o.directoryInclude !== undefined) given.push('--directory-include');
  if (o.directoryExclude !== undefined) given.push('--directory-exclude');
  return given;
}

/** Flags of the Kustomize/plain-directory render, refused with a chart rather than ignored. */
function kustomizeFlagsGiven(o: RenderOpts): string[] {
  const given = directoryFlagsGiven(o);
  if (o.plainDir) given.push('--plain-dir');
  if (o.maxBytes !== undefined) given.push('--max-bytes');
  if (o.maxAliasNodes !== undefined) given.push('--max-alias-nodes');
  if (o.timeout !== undefined) given.push('--timeout');
  if (o.sopsAgeKeyFile !== undefined) given.push('--sops-age-key-file');
  return given;
}

/** The render options the flags give (budgets default to src/render/options.ts). */
export function renderOptionsOf(opts: RenderOpts): RenderOptions {
  const limits: RenderOptions['limits'] = {};
  if (opts.maxBytes !== undefined) limits.maxTotalBytes = count(opts.maxBytes, '--max-bytes');
  if (opts.maxAliasNodes !== undefined)
    limits.maxYamlAliases = count(opts.maxAliasNodes, '--max-alias-nodes');
  if (opts.timeout !== undefined) {
    try {
      limits.timeoutMs = parseDuration(opts.timeout, '--timeout');
    } catch (err) {
      throw new TrueupError(
        'CLI_USAGE',
        `render: --timeout "${opts.timeout}" is not a duration (e.g. 30s, 5m)`,
        {
          cause: err,
        },
      );
    }
  }
  return { limits, plainDirectories: opts.plainDir === true };
}

/**
 * `trueup render DIR`: prints the objects of a Kustomize tree (or, with --plain-dir, a plain
 * manifest directory) as
 * multi-document YAML, as `kubectl kustomize DIR` does. Errors go to stderr, nothing to stdout.
 */
export const registerRender: RegisterCommand = (program: Command, io, setExit) => {
  addHelmFlags(program.command('render'))
    .description(
      'render a Kustomize directory (or with --plain-dir a plain directory of manifests) to stdout, like kubectl kustomize',
    )
    .argument('[dir]', 'directory to render (omit with --repo)')
    .option(
      '--root <dir>',
      'directory the render is confined to (default: the enclosing Git checkout, else /)',
    )
    .option('--repo <url>', 'render from this Git repository (https) instead of a directory')
    .option('--revision <rev>', 'with --repo: branch, tag, semver range, commit or HEAD', 'HEAD')
    .option('--path <path>', 'with --repo: directory inside the repository', '.')
    .option('--directory-recurse', 'with --repo, a plain directory: read its subdirectories too')
    .option('--directory-include <glob>', 'with --repo, a plain directory: read only matching files')
    .option('--directory-exclude <glob>', 'with --repo, a plain directory: skip matching files')
    .option(
      '--plain-dir',
      'render a directory without a kustomization as a plain directory of manifests (kubectl kustomize refuses it)',
    )
    .option('--max-bytes <n>', 'budget: bytes read over the whole render (default 1 GiB)')
    .option('--max-alias-nodes <n>', 'budget: nodes YAML aliases may expand to in one file (default 1000000)')
    .option('--timeout <duration>', 'budget: time of the whole render (default 5m)')
    .option(
      '--sops-age-key-file <file>',
      'age identities to decrypt SOPS-encrypted files with (default: $SOPS_AGE_KEY_FILE, and $SOPS_AGE_KEY)',
    )
    .action(async (dir: string | undefined, opts: RenderOpts & HelmFlags) => {
      // A chart (Chart.yaml, or a .tgz) renders as `helm template` would: src/cli/render-helm.ts.
      if (wantsHelm(dir, opts)) {
        const kustomizeOnly = kustomizeFlagsGiven(opts);
        if (kustomizeOnly.length)
          throw new TrueupError(
            'CLI_USAGE',
            `render: ${kustomizeOnly.join(', ')} do not apply to a Helm chart`,
          );
        const { renderHelm } = await import('../render-helm.js');
        io.stdout(await renderHelm(dir, opts, io));
        setExit(0);
        return;
      }
      const options = renderOptionsOf(opts);
      const repoOnly = directoryFlagsGiven(opts);
      if (!opts.repo && repoOnly.length)
        throw new TrueupError('CLI_USAGE', `render: ${repoOnly.join(', ')} go with --repo`);
      if (opts.repo) {
        const { renderRemote } = await import('../render-remote.js');
        const { cliAgeIdentities } = await import('../sops-keys.js');
        const keys = await cliAgeIdentities(opts.sopsAgeKeyFile, process.env);
        const directory = {
          ...(opts.directoryRecurse ? { recurse: true } : {}),
          ...(opts.directoryInclude ? { include: opts.directoryInclude } : {}),
          ...(opts.directoryExclude ? { exclude: opts.directoryExclude } : {}),
        };
        const withDirectory = Object.keys(directory).length > 0 ? { directory } : {};
        io.stdout(
          await renderRemote(
            { repo: opts.repo, revision: opts.revision, path: opts.path, ...withDirectory, helm: opts },
            process.env,
            // the controller's code path: an Application's path may be a plain directory
            { ...options, plainDirectories: true },
            keys,
            io,
          ),
        );
        setExit(0);
        return;
      }
      if (dir === undefined) throw new TrueupError('CLI_USAGE', 'render: give a directory, or --repo URL');
      // bin/trueup runs `render` from a one-file bundle that holds render-local too (npm run build)
      const { renderLocal } = await import('../render-local.js');
      // The key reader (and age's crypto) loads only when keys are named: most renders have none.
      const keys = sopsKeysNamed(opts.sopsAgeKeyFile, process.env)
        ? await (await import('../sops-keys.js')).cliAgeIdentities(opts.sopsAgeKeyFile, process.env)
        : undefined;
      // helmCharts: the engine module loads on the first chart a kustomization inflates only.
      let helm: Awaited<ReturnType<typeof import('../render-helm.js')['cliChartInflator']>> | undefined;
      const helmCharts: HelmChartInflator = {
        async inflate(tree, chartDir, request) {
          helm ??= (await import('../render-helm.js')).cliChartInflator();
          return helm.inflator.inflate(tree, chartDir, request);
        },
      };
      try {
        const text = await renderLocal(dir, opts.root, { ...options, helmCharts }, keys);
        io.stdout(text);
      } finally {
        await helm?.close();
      }
      setExit(0);
    });
};
