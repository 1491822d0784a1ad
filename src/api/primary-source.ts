/**
 * The source an Application is shown and reported by: spec.source, or with spec.sources the first
 * entry that renders (a path or a chart; `$values`-only refs render nothing). Free of zod and
 * Node so the UI's browser bundle can use it too.
 */

export interface SourceLike {
  repoURL?: unknown;
  targetRevision?: unknown;
  path?: unknown;
  chart?: unknown;
}

export interface PrimarySource {
  repoURL: string;
  targetRevision: string;
  path: string;
  /** A chart's name (a Helm repository or OCI source), else empty. */
  chart: string;
  /** Its position in spec.sources (0 for spec.source): the index into comma-joined revisions. */
  index: number;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function primarySource(spec: {
  source?: SourceLike | undefined;
  sources?: readonly SourceLike[] | undefined;
}): PrimarySource {
  const list = Array.isArray(spec.sources) ? spec.sources : spec.source ? [spec.source] : [];
  const index = Math.max(
    0,
    list.findIndex((s) => s.path !== undefined || s.chart !== undefined),
  );
  const s = list[index];
  return {
    repoURL: str(s?.repoURL) ?? '',
    targetRevision: str(s?.targetRevision) ?? 'HEAD',
    path: str(s?.path) ?? (s?.chart !== undefined ? '' : '.'),
    chart: str(s?.chart) ?? '',
    index,
  };
}

/** The primary source's own revision out of a multi-source one (`revisions`, else comma-joined). */
export function primaryRevision(
  index: number,
  revision: string | undefined,
  revisions?: readonly string[] | undefined,
): string {
  if (revisions?.[index]) return revisions[index];
  if (!revision) return '';
  return revision.includes(',') ? (revision.split(',')[index] ?? revision) : revision;
}
