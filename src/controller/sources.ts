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
import type { SourcePort } from './ports.js';

export interface ResolvedSources {
  /** The revision the pass compares and records (see above). */
  revision: string;
  /** What messages show: the display of each source joined by `, `. */
  display: string;
  /** With spec.sources: the commit of each source, in order (status.sync.revisions). */
  revisions?: string[];
}

/** The refs a pass resolves, one per source, in order (`repoURL#ref`): the key of a cached resolution. */
export function sourceRefs(spec: ApplicationSpec, opRevisions: readonly (string | undefined)[]): string[] {
  return sourcesOf(spec).map((s, i) => `${s.repoURL}#${opRevisions[i] ?? s.targetRevision}`);
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

/** A source whose ref did not resolve: `ref` is `repoURL targetRevision`, `cause` the error. */
export class UnresolvedSource {
  constructor(
    readonly ref: string,
    readonly cause: unknown,
  ) {}
}

/** Resolves every source (each distinct repository and ref once); the first failure is thrown as UnresolvedSource. */
export async function resolveSources(
  source: Pick<SourcePort, 'resolve'>,
  spec: ApplicationSpec,
  opRevisions: readonly (string | undefined)[],
  force: boolean,
): Promise<ResolvedSources> {
  const list = sourcesOf(spec);
  const once = new Map<string, ReturnType<SourcePort['resolve']>>();
  const resolved = await Promise.all(
    list.map((s, i) => {
      const ref = opRevisions[i] ?? s.targetRevision;
      const key = `${s.repoURL}#${ref}`;
      let p = once.get(key);
      if (!p) {
        p = source.resolve(s.repoURL, ref, { force }).catch((err: unknown) => {
          throw new UnresolvedSource(`${s.repoURL} ${ref}`, err);
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

/** The rendered paths, for messages: spec.source.path, or each spec.sources path (comma separated). */
export function pathsOf(spec: ApplicationSpec): string {
  return sourcesOf(spec)
    .flatMap((s) => (s.path === undefined ? [] : [s.path]))
    .join(', ');
}
