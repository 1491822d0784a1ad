/**
 * One chart render: read the chart and its values from a FileTree (confined, within budgets),
 * then ask the engine. This is the function the CLI and the controller call.
 */
import type { FileTree } from '../render/file-tree.js';
import { chartKind, readBounded, readChartDir, treePath } from './chart-files.js';
import type { HelmRenderer } from './engine.js';
import { HelmErrorCode, helmError } from './errors.js';
import { defaultHelmLimits, type HelmLimits } from './limits.js';
import type { HelmRenderResult, HelmRequest, NamedBytes } from './protocol.js';

/** A values file in the tree (a root-relative path), or values given inline (YAML text). */
export type ValuesSource = { path: string } | { name: string; content: string };

export interface ChartRenderOptions {
  releaseName: string;
  namespace: string;
  /** Applied in order, later ones winning, as repeated `-f` flags. */
  values?: readonly ValuesSource[];
  set?: readonly string[];
  setString?: readonly string[];
  /** `.Capabilities.KubeVersion` (vX.Y.Z); empty for Helm's default. */
  kubeVersion?: string;
  /** Extra `.Capabilities.APIVersions` (`G/V` or `G/V/Kind`). */
  apiVersions?: readonly string[];
  /** Include the crds/ objects (default true; false is `--skip-crds`). */
  includeCrds?: boolean;
  limits?: Partial<HelmLimits>;
}

/** Renders the chart at tree path `chartPath` (a directory holding Chart.yaml, or a .tgz). */
export async function renderChart(
  engine: HelmRenderer,
  tree: FileTree,
  chartPath: string,
  options: ChartRenderOptions,
): Promise<HelmRenderResult> {
  const limits = { ...defaultHelmLimits, ...options.limits };
  const path = treePath('', chartPath, 'chart');
  const label = `chart ${path || '.'} in ${tree.description}`;
  const kind = await chartKind(tree, path);
  let chart: HelmRequest['chart'];
  if (kind === 'dir') chart = { files: await readChartDir(tree, path, limits) };
  else if (kind === 'archive')
    chart = { archive: await readBounded(tree, path, limits.maxArchiveBytes, 'chart archive') };
  else
    throw helmError(
      HelmErrorCode.FileMissing,
      `${label}: not a chart (a directory with Chart.yaml, or a .tgz archive)`,
    );
  const valueFiles: NamedBytes[] = [];
  for (const source of options.values ?? []) {
    if ('path' in source) {
      const file = treePath('', source.path, 'values file');
      valueFiles.push({
        name: file,
        data: await readBounded(tree, file, limits.maxValuesFileBytes, 'values file'),
      });
    } else {
      const data = new TextEncoder().encode(source.content);
      if (data.byteLength > limits.maxValuesFileBytes)
        throw helmError(
          HelmErrorCode.TooLarge,
          `values ${source.name}: ${data.byteLength} bytes, over the budget of ${limits.maxValuesFileBytes}`,
        );
      valueFiles.push({ name: source.name, data });
    }
  }
  return engine.render(
    {
      chart,
      releaseName: options.releaseName,
      namespace: options.namespace,
      valueFiles,
      set: [...(options.set ?? [])],
      setString: [...(options.setString ?? [])],
      kubeVersion: options.kubeVersion ?? '',
      apiVersions: [...(options.apiVersions ?? [])],
      includeCrds: options.includeCrds ?? true,
      isUpgrade: false,
    },
    label,
  );
}
