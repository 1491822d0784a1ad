/**
 * The sources of an Application resolved to commits: spec.source, or every entry of spec.sources
 * (each repository and ref resolved once per pass, however many sources name it). What the
 * reconciler compares and records as "the revision" is one string: the single source's commit,
 * or with spec.sources every source's commit joined by commas in their order, so that a push
 * to any of the repositories is a new revision (auto-sync, retries and history key on it).
 */
import type { ApplicationSpec } from '../api/application.js';
import { TrueupError } from '../api/errors.js';
import { sourcesOf } from '../api/sources.js';
import { chartRefOf } from './app-facts.js';
import type { SourcePort } from './ports.js';

export interface ResolvedSources {
  /** The revision the pass compares and records (see above). */
  revision: string;
  /** What messages show: the display of each source joined by `, `. */
  display: string;
  /** With spec.sources: the commit of each source, in order (status.sync.revisions). */
  revisions?: string[];
}

/**
 * The refs a pass resolves, one per source, in order (`repoURL#ref`, and a chart's name and
 * passCredentials): the key of a cached resolution.
 */
export function sourceRefs(spec: ApplicationSpec, opRevisions: readonly (string | undefined)[]): string[] {
  return sourcesOf(spec).map((s, i) => refKeyOf(s, opRevisions[i] ?? s.targetRevision));
}

function refKeyOf(s: Parameters<typeof chartRefOf>[0] & { repoURL: string }, ref: string): string {
  const chart = chartRefOf(s);
  return chart
    ? `${s.repoURL}#${ref}#chart=${chart.name}#${chart.passCredentials ?? ''}`
    : `${s.repoURL}#${ref}`;
}

/**
 * The revisions a requested sync asks for, per source: `operation.sync.revision` for spec.source;
 * `operation.sync.revisions` (one per source, Argo CD's field) for spec.sources. A `revision`
 * on a multi-source app is refused rather than applied to a guessed source.
 */
export function operationRevisions(
  spec: ApplicationSpec,
  op: { revision?: string | undefined; revisions?: string[] | undefined } | undefined,
  where: string,
): (string | undefined)[] {
  if (!op) return [];
  if (spec.sources === undefined) {
    if (op.revisions !== undefined)
      throw new TrueupError(
        'OperationRevisionsInvalid',
        `${where}: operation.sync.revisions is for spec.sources; use operation.sync.revision`,
      );
    return [op.revision];
  }
  if (op.revision !== undefined && op.revision !== '')
    throw new TrueupError(
      'OperationRevisionsInvalid',
      `${where}: operation.sync.revision names one revision, but the app has spec.sources: use operation.sync.revisions (one per source)`,
    );
  const revs = op.revisions ?? [];
  if (revs.length > spec.sources.length)
    throw new TrueupError(
      'OperationRevisionsInvalid',
      `${where}: operation.sync.revisions has ${revs.length} entries for ${spec.sources.length} sources`,
    );
  return revs.map((r) => (r === '' ? undefined : r));
}

/**
 * A source whose ref did not resolve: `ref` is `repoURL targetRevision` (undefined for a chart,
 * whose error names the chart and repository already), `cause` the error.
 */
export class UnresolvedSource {
  constructor(
    readonly ref: string | undefined,
    readonly cause: unknown,
  ) {}
}

/** Resolves every source (each distinct repository and ref once); the first failure is thrown as UnresolvedSource. */
export async function resolveSources(
  source: Pick<SourcePort, 'resolve'>,
  spec: ApplicationSpec,
  opRevisions: readonly (string | undefined)[],
  force: boolean,
  notBefore?: number,
): Promise<ResolvedSources> {
  const list = sourcesOf(spec);
  const once = new Map<string, ReturnType<SourcePort['resolve']>>();
  const resolved = await Promise.all(
    list.map((s, i) => {
      const ref = opRevisions[i] ?? s.targetRevision;
      const key = refKeyOf(s, ref);
      const chart = chartRefOf(s);
      let p = once.get(key);
      if (!p) {
        p = source
          .resolve(s.repoURL, ref, {
            force,
            ...(notBefore !== undefined ? { notBefore } : {}),
            ...(chart ? { chart } : {}),
          })
          .catch((err: unknown) => {
            throw new UnresolvedSource(chart ? undefined : `${s.repoURL} ${ref}`, err);
          });
        once.set(key, p);
      }
      return p;
    }),
  );
  const displays = resolved.map((r) => r.display ?? r.revision);
  if (spec.sources === undefined) {
    const r = resolved[0];
    if (!r) throw new TrueupError('SpecInvalid', 'the app has no source');
    return { revision: r.revision, display: displays[0] ?? r.revision };
  }
  const revisions = resolved.map((r) => r.revision);
  return { revision: revisions.join(','), display: displays.join(', '), revisions };
}

/**
 * What renders, for messages: spec.source.path, or each spec.sources path (comma separated); a
 * chart from a Helm repository as `chart NAME`.
 */
export function pathsOf(spec: ApplicationSpec): string {
  return sourcesOf(spec)
    .flatMap((s) => (s.chart !== undefined ? [`chart ${s.chart}`] : s.path === undefined ? [] : [s.path]))
    .join(', ');
}
