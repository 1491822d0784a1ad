/** Size budgets of a Helm render: what a chart or values file may weigh before it is refused. */
export interface HelmLimits {
  /** Files of a chart directory (subcharts included). */
  maxChartFiles: number;
  /** Bytes of a chart directory, all files together. */
  maxChartBytes: number;
  /** Bytes of a chart archive (.tgz) as stored; Helm itself caps what it decompresses. */
  maxArchiveBytes: number;
  /** Bytes of one values file. */
  maxValuesFileBytes: number;
}

export const defaultHelmLimits: Readonly<HelmLimits> = Object.freeze({
  maxChartFiles: 10_000,
  maxChartBytes: 50 * 1024 * 1024,
  maxArchiveBytes: 20 * 1024 * 1024,
  maxValuesFileBytes: 5 * 1024 * 1024,
});
