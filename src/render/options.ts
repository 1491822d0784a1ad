import type { HelmChartInflator } from './helm-charts.js';
import type { DirectoryOptions } from './plain-dir.js';

/**
 * Render options and the budgets that keep untrusted trees from exhausting memory or time. They
 * are budgets over the whole render, not per-file or per-level walls: a 50 MB CRD bundle or a
 * chain of a thousand kustomizations renders (as with `kubectl kustomize`); a tree that reads
 * gigabytes, expands an alias bomb or runs for minutes does not.
 */
export interface RenderLimits {
  /** Bytes read over one render (every file, each time it is read). */
  maxTotalBytes: number;
  /** Files read (or directories listed) over one render. */
  maxFiles: number;
  /** Objects in the output (and at any point while rendering). */
  maxResources: number;
  /** Nodes that YAML alias and merge-key expansion may add while reading one file (alias bombs). */
  maxYamlAliases: number;
  /** Wall-clock budget of one render, in milliseconds. */
  timeoutMs: number;
}

export const defaultLimits: RenderLimits = Object.freeze({
  maxTotalBytes: 1024 * 1024 * 1024,
  maxFiles: 200_000,
  maxResources: 1_000_000,
  maxYamlAliases: 1_000_000,
  timeoutMs: 300_000,
});

export interface RenderOptions {
  limits?: Partial<RenderLimits>;
  /** How a plain directory (no kustomization) is read; absent: every manifest below it. */
  directory?: DirectoryOptions;
  /**
   * Render a directory without a kustomization as a plain directory of manifests (the
   * controller's directory sources, `trueup render --plain-dir`). Off: such a directory is an
   * error, as with `kubectl kustomize`.
   */
  plainDirectories?: boolean;
  /** The clock the time budget is measured with (milliseconds); default Date.now. */
  now?: () => number;
  /**
   * The Helm engine for kustomizations with `helmCharts:` (passed in: src/render never loads
   * one, and it is asked only when such a kustomization is built). Absent: they fail.
   */
  helmCharts?: HelmChartInflator | undefined;
}

export function resolveLimits(options?: RenderOptions): RenderLimits {
  return { ...defaultLimits, ...(options?.limits ?? {}) };
}
