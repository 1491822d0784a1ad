import type { DirectoryOptions } from './plain-dir.js';

/** Render options and the limits that keep untrusted trees from exhausting memory or time. */
export interface RenderLimits {
  /** Largest single file read, in bytes. */
  maxFileBytes: number;
  /** Total bytes read over one render. */
  maxTotalBytes: number;
  /** Files read (or listed) over one render. */
  maxFiles: number;
  /** Nesting of kustomizations (base of a base of ...). */
  maxDepth: number;
  /** Objects in the output (and at any point while rendering). */
  maxResources: number;
  /** Alias expansions allowed when parsing one YAML document (alias bombs). */
  maxYamlAliases: number;
}

export const defaultLimits: RenderLimits = Object.freeze({
  maxFileBytes: 8 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxFiles: 50_000,
  maxDepth: 64,
  maxResources: 100_000,
  maxYamlAliases: 100_000,
});

export interface RenderOptions {
  limits?: Partial<RenderLimits>;
  /** How a plain directory (no kustomization) is read; absent: every manifest below it. */
  directory?: DirectoryOptions;
}

export function resolveLimits(options?: RenderOptions): RenderLimits {
  return { ...defaultLimits, ...(options?.limits ?? {}) };
}
