/**
 * The resolve step: the app's sources to commits. A revision resolved less than 90 % of the poll
 * interval ago is reused (the poll would ask again anyway), unless the pass is forced (a refresh,
 * a webhook) or the recall was expired (also by a revision another app found: revision-followers.ts);
 * a failure is a Warning event and a retrying (or, for bad input in Git, stalled) stop. What a
 * fresh resolve found is told to `revisionResolved`.
 */
import type { Application, ApplicationSpec } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import { sourcesOf } from '../api/sources.js';
import type { AppRecall } from './app-recall.js';
import type { ReconcilerDeps } from './deps.js';
import type { EmitEvent } from './emit-event.js';
import type { ResolvedRef } from './revision-followers.js';
import {
  operationRevisions,
  type ResolvedSources,
  resolveSources,
  sourceRefs,
  UnresolvedSource,
} from './sources.js';
import { stalledOrRetrying } from './stop.js';

export async function resolveStep(
  d: Pick<ReconcilerDeps, 'source' | 'clock' | 'requeueInterval' | 'revisionResolved'>,
  recall: AppRecall,
  emit: EmitEvent,
  app: Application,
  spec: ApplicationSpec,
  force: boolean,
): Promise<ResolvedSources> {
  const key = `${app.metadata.namespace}/${app.metadata.name}`;
  let opRevisions: (string | undefined)[];
  try {
    opRevisions = operationRevisions(spec, app.operation?.sync, `Application ${key}`);
  } catch (err) {
    throw stalledOrRetrying('InvalidOperation', errorMessage(err), err);
  }
  const sourceKey = JSON.stringify(sourceRefs(spec, opRevisions));
  const remembered = recall.resolved(key, sourceKey, d.clock.now(), d.requeueInterval * 0.9);
  if (remembered && !force) return remembered;
  const token = recall.resolving(key);
  try {
    const r = await resolveSources(d.source, spec, opRevisions, force, recall.notBefore(key));
    recall.rememberResolved(key, sourceKey, r, d.clock.now(), token);
    d.revisionResolved?.(key, resolvedRefs(spec, opRevisions, r));
    return r;
  } catch (e) {
    const err = e instanceof UnresolvedSource ? e.cause : e;
    const where = e instanceof UnresolvedSource ? e.ref : sourceKey;
    // A chart's error names the chart and repository already.
    const message = where === undefined ? errorMessage(err) : `${where}: ${errorMessage(err)}`;
    await emit(app, 'Warning', 'RevisionUnresolved', message, app.status ?? {});
    throw stalledOrRetrying('RevisionUnresolved', message, err);
  }
}

/**
 * The Git refs the app follows and the commits this resolve found for them (revision followers):
 * sources without a chart, and not those a requested operation pinned to a revision.
 */
function resolvedRefs(
  spec: ApplicationSpec,
  opRevisions: readonly (string | undefined)[],
  r: ResolvedSources,
): ResolvedRef[] {
  return sourcesOf(spec).flatMap((s, i) => {
    const revision = r.revisions ? r.revisions[i] : r.revision;
    if (s.chart !== undefined || opRevisions[i] !== undefined || revision === undefined) return [];
    return [{ repoURL: s.repoURL, ref: s.targetRevision || 'HEAD', revision }];
  });
}
