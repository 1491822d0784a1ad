/**
 * The Helm engine as Kustomize's `helmCharts:` needs it (src/render's HelmChartInflator): the
 * text `helm template` prints for a vendored chart with the generator's flags (`--include-crds`
 * only with includeCRDs, `--no-hooks` with skipHooks, `--skip-tests` with skipTests). The engine
 * is asked for only when a kustomization has charts, so other renders never load it.
 */
import type { FileTree } from '../render/file-tree.js';
import type { HelmChartInflator, HelmInflateRequest } from '../render/helm-charts.js';
import type { HelmRenderer } from './engine.js';
import { renderChart } from './render-chart.js';
import { helmTemplateText } from './template-text.js';

export function kustomizeChartInflator(engine: () => Promise<HelmRenderer>): HelmChartInflator {
  return {
    async inflate(tree: FileTree, chartDir: string, req: HelmInflateRequest): Promise<string> {
      const result = await renderChart(await engine(), tree, chartDir, {
        releaseName: req.releaseName,
        namespace: req.namespace,
        values: req.values,
        ...(req.kubeVersion === undefined ? {} : { kubeVersion: req.kubeVersion }),
        apiVersions: req.apiVersions,
        includeCrds: req.includeCrds,
      });
      const hooks = req.skipHooks
        ? []
        : result.hooks.filter((h) => !(req.skipTests && h.events.includes('test')));
      return helmTemplateText({ ...result, hooks });
    },
  };
}
