/**
 * The Helm flags of `trueup render` (as `helm template` spells them) and the decision whether a
 * render is a Helm render. Light on purpose: the engine is imported only when a chart renders.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { TrueupError } from '../api/errors.js';

export interface HelmFlags {
  releaseName?: string;
  namespace?: string;
  values: string[];
  set: string[];
  setString: string[];
  kubeVersion?: string;
  apiVersions: string[];
  skipCrds?: boolean;
}

/** `-f a.yaml,b.yaml` and `-a x/v1,y/v1` split on commas, as Helm's string-slice flags do. */
const commaList = (value: string, previous: string[]) => [...previous, ...value.split(',').filter(Boolean)];
const repeated = (value: string, previous: string[]) => [...previous, value];

export function addHelmFlags(
  command: Command,
  opts: { namespace?: boolean; releaseDefault?: string } = {},
): Command {
  const withNs =
    opts.namespace === false
      ? command
      : command.option('-n, --namespace <ns>', 'Helm chart: release namespace (default "default")');
  return withNs
    .option(
      '--release-name <name>',
      `Helm chart: release name (default ${opts.releaseDefault ?? '"release-name", as helm template'})`,
    )
    .option('-f, --values <file>', 'Helm chart: values file (repeatable, later ones win)', commaList, [])
    .option('--set <key=value>', 'Helm chart: set a value (repeatable)', repeated, [])
    .option('--set-string <key=value>', 'Helm chart: set a STRING value (repeatable)', repeated, [])
    .option('--kube-version <version>', 'Helm chart: Kubernetes version for .Capabilities.KubeVersion')
    .option(
      '-a, --api-versions <group/version>',
      'Helm chart: extra .Capabilities.APIVersions (repeatable)',
      commaList,
      [],
    )
    .option('--skip-crds', "Helm chart: leave out the crds/ directories' objects");
}

export function helmFlagsGiven(f: HelmFlags): string[] {
  const given: string[] = [];
  if (f.releaseName !== undefined) given.push('--release-name');
  if (f.namespace !== undefined) given.push('--namespace');
  if (f.values.length) given.push('--values');
  if (f.set.length) given.push('--set');
  if (f.setString.length) given.push('--set-string');
  if (f.kubeVersion !== undefined) given.push('--kube-version');
  if (f.apiVersions.length) given.push('--api-versions');
  if (f.skipCrds) given.push('--skip-crds');
  return given;
}

/** A chart directory (holding Chart.yaml) or a chart archive (.tgz file). */
export function isChartPath(path: string): boolean {
  try {
    if (statSync(path).isFile()) return /\.(tgz|tar\.gz)$/.test(path);
    return statSync(join(path, 'Chart.yaml')).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether `trueup render` renders a Helm chart. Helm flags on anything else are refused rather
 * than ignored.
 */
export function wantsHelm(dir: string | undefined, flags: HelmFlags & { repo?: string }): dir is string {
  const given = helmFlagsGiven(flags);
  // With --repo the chart is known once fetched (render-remote.ts checks the flags there).
  if (flags.repo !== undefined) return false;
  if (dir === undefined) {
    if (given.length)
      throw new TrueupError('CLI_USAGE', `render: ${given.join(', ')} need a chart directory, or --repo`);
    return false;
  }
  if (isChartPath(dir)) return true;
  if (given.length)
    throw new TrueupError(
      'CLI_USAGE',
      `render: ${given.join(', ')} given, but ${dir} is not a Helm chart (no Chart.yaml)`,
    );
  return false;
}
