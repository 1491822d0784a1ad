/**
 * A stand-in for the Helm engine behind Kustomize's `helmCharts:` (src/render's
 * HelmChartInflator): records each request and returns one ConfigMap naming the release, so
 * tests of the generator's rules need no engine.
 */
import type { FileTree } from '../../src/render/file-tree.js';
import type { HelmChartInflator, HelmInflateRequest } from '../../src/render/helm-charts.js';

export class RecordingInflator implements HelmChartInflator {
  readonly calls: { chartDir: string; request: HelmInflateRequest }[] = [];

  async inflate(_tree: FileTree, chartDir: string, request: HelmInflateRequest): Promise<string> {
    this.calls.push({ chartDir, request });
    return `---\n# Source: x/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${request.releaseName}-cm\ndata:\n  chart: ${chartDir}\n`;
  }
}
