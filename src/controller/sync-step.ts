/**
 * The sync step of a pass: execute the plan the pass made, and turn the change set into the
 * operationState (with the retry count and the generation of a requested operation), history,
 * events and the pass's verdict when it failed.
 */
import type { ApplicationSpec, ApplicationStatus } from '../api/application.js';
import type { Operation, OperationState } from '../api/application-operation.js';
import { describeRef } from '../api/object.js';
import { preview } from '../sync/execute.js';
import type { ChangeSet, SyncPlan } from '../sync/types.js';
import type { PassOutcome } from './outcome.js';
import type { SyncPort } from './ports.js';
import { countOf, syncResultResources } from './resources.js';
import { appendHistory, retryDelay, type Verdict } from './status.js';

export interface SyncStepInput {
  plan: SyncPlan;
  spec: ApplicationSpec;
  status: ApplicationStatus;
  revision: string;
  /** With spec.sources: the revision of each source (revision is them joined by commas). */
  revisions?: string[] | undefined;
  display: string;
  reason: 'requested' | 'automated' | 'self-heal';
  /** The requested operation, when the sync was requested. */
  operation: Operation | undefined;
  /** metadata.generation of the app (recorded for a requested operation). */
  generation: number | undefined;
  dryRun: boolean;
  /** Failed attempts of this revision before this one. */
  failures: number;
  lastSynced: string | undefined;
  now: () => string;
}

export interface SyncStepResult {
  change: ChangeSet;
  /** Set when the sync failed (retrying or stalled). */
  verdict?: Verdict;
  outcome?: PassOutcome;
  events: { type: 'Normal' | 'Warning'; reason: string; message: string }[];
  phase: 'Running' | 'Succeeded' | 'Failed';
}

/** Executes the plan and records the result on `status` (operationState, history). */
export async function runSync(port: SyncPort, i: SyncStepInput): Promise<SyncStepResult> {
  const started = i.now();
  const change = i.dryRun ? preview(i.plan) : await port.execute(i.plan);
  const failed = change.resources.filter((r) => r.action === 'failed');
  const broken = change.phase === 'Failed' || failed.length > 0;
  const state: OperationState = {
    operation: i.operation ?? {
      sync: i.revisions ? { revisions: i.revisions } : { revision: i.revision },
      initiatedBy: { automated: true },
    },
    phase: broken ? 'Failed' : 'Succeeded',
    startedAt: started,
    finishedAt: i.now(),
    ...(i.operation && i.generation !== undefined ? { generation: i.generation } : {}),
    syncResult: {
      revision: i.revision,
      ...(i.revisions ? { revisions: i.revisions } : {}),
      resources: syncResultResources(change),
    },
  };
  const events: SyncStepResult['events'] = [];
  const out: SyncStepResult = { change, events, phase: 'Succeeded' };
  if (broken) {
    const failures = i.failures + 1;
    const delay = retryDelay(i.spec.syncPolicy?.retry, failures);
    const first = failed[0];
    const what = first ? `${describeRef(first.ref)}: ${first.message || 'failed'}` : change.message;
    state.retryCount = failures - 1;
    state.message =
      delay === undefined
        ? `sync of ${i.display} failed after ${failures} attempt(s): ${what}`
        : `sync of ${i.display} failed (attempt ${failures}), retrying in ${Math.round(delay / 1000)}s: ${what}`;
    if (delay !== undefined) state.phase = 'Running';
    out.verdict = {
      ready: false,
      reconciling: delay !== undefined,
      stalled: delay === undefined,
      reason: 'SyncFailed',
      message: state.message,
    };
    out.outcome = delay === undefined ? { kind: 'done' } : { kind: 'waiting', afterMs: delay };
    out.phase = delay === undefined ? 'Failed' : 'Running';
    events.push({ type: 'Warning', reason: 'SyncFailed', message: state.message });
  } else {
    const n = (a: string) => countOf(change, a);
    state.message = `${i.dryRun ? 'dry run of' : 'synced'} ${i.display}: ${n('created')} created, ${n('configured')} configured, ${n('pruned')} pruned`;
    if (!i.dryRun && i.lastSynced !== i.revision) {
      i.status.history = appendHistory(
        i.status.history,
        {
          revision: i.revision,
          deployStartedAt: started,
          deployedAt: i.now(),
          ...(state.operation?.initiatedBy ? { initiatedBy: state.operation.initiatedBy } : {}),
          phase: 'Succeeded',
          message: state.message,
          ...historySources(i.spec, i.revisions),
        },
        i.spec.revisionHistoryLimit ?? 10,
      );
    }
    const changed = n('created') + n('configured') + n('pruned');
    const drifted = n('configured');
    if (i.reason === 'self-heal' && drifted > 0)
      events.push({
        type: 'Normal',
        reason: 'DriftCorrected',
        message: `re-applied ${drifted} drifted object(s) at ${i.display}`,
      });
    else if (changed > 0 || i.reason === 'requested')
      events.push({ type: 'Normal', reason: 'Synced', message: state.message });
    if (n('pruned') > 0 && !i.dryRun)
      events.push({
        type: 'Normal',
        reason: 'Pruned',
        message: `pruned ${n('pruned')} object(s) no longer in Git`,
      });
  }
  i.status.operationState = state;
  return out;
}

/** What a history entry says of the sources: spec.source, or spec.sources with each revision. */
function historySources(
  spec: ApplicationSpec,
  revisions: string[] | undefined,
): Pick<NonNullable<ApplicationStatus['history']>[number], 'source' | 'sources' | 'revisions'> {
  if (spec.sources)
    return {
      sources: spec.sources.map((s) => ({
        repoURL: s.repoURL,
        targetRevision: s.targetRevision,
        ...(s.path === undefined ? {} : { path: s.path }),
      })),
      ...(revisions ? { revisions } : {}),
    };
  if (!spec.source) return {};
  const { repoURL, targetRevision, path } = spec.source;
  return { source: { repoURL, targetRevision, path } };
}
