/**
 * What an app page says of each source: the repository, its path or chart, the target, a `ref`
 * (a `$values`-only source) and the revision it is synced to. Pure, for the server and the browser.
 */
import { shortRevision } from './summary.js';

export interface SourceSpec {
  repoURL: string;
  targetRevision?: string | undefined;
  path?: string | undefined;
  chart?: string | undefined;
  ref?: string | undefined;
}

/** One line per source: `repo : path @ target (ref r) → abc1234`, `repo chart c @ 1.2.0`. */
export function sourceText(src: SourceSpec, revision: string | undefined): string {
  const what = src.chart ? `chart ${src.chart}` : src.path !== undefined ? `: ${src.path}` : '';
  return [
    src.repoURL,
    what,
    `@ ${src.targetRevision ?? 'HEAD'}`,
    src.ref ? `(ref ${src.ref})` : '',
    revision ? `→ ${shortRevision(revision)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * Every source of an app with the revision each is synced to: spec.sources with
 * status.sync.revisions (same order), or spec.source with status.sync.revision.
 */
export function sourceLines(
  spec: { source?: SourceSpec | undefined; sources?: SourceSpec[] | undefined },
  sync: { revision?: string | undefined; revisions?: string[] | undefined } | undefined,
): string[] {
  if (spec.sources) return spec.sources.map((s, i) => sourceText(s, sync?.revisions?.[i]));
  return spec.source ? [sourceText(spec.source, sync?.revision)] : [];
}
