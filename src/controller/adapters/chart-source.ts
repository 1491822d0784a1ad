/**
 * The SourcePort for every kind of source: Git (GitSourcePort) unless the app names a chart
 * (spec.source.chart), which comes from its Helm repository or OCI registry (src/chart-source).
 * A chart's revision is its version; status shows the version and the archive digest's start.
 */
import type { ChartSource } from '../../chart-source/chart-source.js';
import type { FileTree } from '../../render/file-tree.js';
import type { ChartRef, ResolvedRevision, SourcePort } from '../ports.js';

export class SourceRouter implements SourcePort {
  constructor(
    private readonly git: SourcePort,
    private readonly charts: ChartSource,
  ) {}

  async resolve(
    repoURL: string,
    targetRevision: string,
    opts: { force: boolean; notBefore?: number | undefined; chart?: ChartRef },
  ): Promise<ResolvedRevision> {
    const { chart, force, notBefore } = opts;
    if (!chart) return this.git.resolve(repoURL, targetRevision, { force, notBefore });
    const r = await this.charts.resolve(request(repoURL, chart, targetRevision), { force });
    return { revision: r.version, display: r.display };
  }

  tree(repoURL: string, revision: string, chart?: ChartRef): Promise<FileTree> {
    if (!chart) return this.git.tree(repoURL, revision);
    return this.charts.tree(request(repoURL, chart, revision), revision);
  }

  invalidate(repoURL: string): void {
    this.git.invalidate?.(repoURL);
    this.charts.invalidate(repoURL);
  }
}

function request(repoURL: string, chart: ChartRef, targetRevision: string) {
  return {
    repoURL,
    chart: chart.name,
    targetRevision,
    ...(chart.passCredentials === undefined ? {} : { passCredentials: chart.passCredentials }),
  };
}
