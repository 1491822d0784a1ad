/**
 * One Application, one pass, as ordered steps:
 *   deletion (finalizer) → validate → resolve revision → render (cached) → plain-Secret guard →
 *   plan (once) → decide whether to sync → execute that same plan → resources, health → status
 *   (only if changed)
 * Each step talks to a port (ports.ts), so the logic is tested with tables and no cluster.
 * Decisions that must survive a restart (retry count, failed revision, the requested operation
 * already run) are read from and written to the Application's status; the only per-process
 * state is caches (the resolved revision, the status last written while the informer lags).
 */
import {
  Annotation,
  type Application,
  type ApplicationSpec,
  type ApplicationStatus,
  ARGO_DELETION_APPROVED,
  RefreshType,
} from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import { sourcesOf } from '../api/sources.js';
import type { WorkResult } from '../runtime/queue.js';
import { planVerdict, selectObjects } from '../sync/index.js';
import { collectImages, inventoryOf, lastSyncedRevision, uniqueKinds, validateSpec } from './app-facts.js';
import { AppRecall } from './app-recall.js';
import { type Logger, type NotifyPort, type PassInfo, type ReconcilerDeps, silentLogger } from './deps.js';
import { type EmitEvent, eventEmitter } from './emit-event.js';
import { finalizeStep } from './finalize-step.js';
import { type PassOutcome, toWorkResult } from './outcome.js';
import { guardPlainSecrets } from './plain-secret-guard.js';
import type { SyncPort } from './ports.js';
import {
  appIdentity,
  appRefusals,
  lookupProject,
  planRefusals,
  WINDOW_RECHECK_MS,
  windowHold,
} from './project-step.js';
import { renderApp } from './render-step.js';
import { resolveStep } from './resolve-step.js';
import { recordResources } from './resources.js';
import { pathsOf } from './sources.js';
import { conditionsOf, mergeConditions, readyVerdict, statusChanged, type Verdict } from './status.js';
import { Stop, stalledOrRetrying } from './stop.js';
import { decideSync, decisionVerdict, failuresOf } from './sync-decision.js';
import { runSync } from './sync-step.js';
import { syncTarget } from './sync-target.js';

export { type Logger, type PassInfo, type ReconcilerDeps, silentLogger };

export class Reconciler {
  /** Per-process caches (never decisions): what a lost process loses costs a re-read only. */
  private readonly recall = new AppRecall();
  private readonly log: Logger;
  private readonly emit: EmitEvent;

  constructor(private readonly d: ReconcilerDeps) {
    this.log = d.log ?? silentLogger;
    this.emit = eventEmitter(d.writer, this.log);
  }

  /** The next pass of the app resolves its revision again (webhook, refresh). */
  expire(key: string): void {
    this.recall.expire(key);
  }

  /** Forget an app that no longer exists. */
  forget(key: string): void {
    this.recall.forget(key);
  }

  /** How many apps' last written status this reconciler still holds (the informer lags on them). */
  heldStatuses(): number {
    return this.recall.heldStatuses();
  }

  /**
   * The informer holds this version of the app: when it is the one our last status write made,
   * the informer's copy has that status and ours is no longer needed.
   */
  seen(key: string, resourceVersion: string | undefined): void {
    this.recall.seen(key, resourceVersion);
  }

  /** The app is new, or its spec changed: see AppRecall.learned. */
  learned(key: string): void {
    this.recall.learned(key, this.d.clock.now());
  }

  async reconcile(cached: Application): Promise<WorkResult> {
    const { namespace, name } = cached.metadata;
    const key = `${namespace}/${name}`;
    if (cached.metadata.deletionTimestamp) return finalizeStep(this.d, this.recall, this.emit, cached);

    // The informer may not hold our own last write yet: start from the status we last wrote.
    this.seen(key, cached.metadata.resourceVersion);
    const lastStatus = this.recall.lastStatus(key);
    let app = lastStatus ? { ...cached, status: lastStatus } : cached;
    const generation = app.metadata.generation;
    // A requested operation runs once: the status records the generation it ran at.
    const ranAlready =
      app.operation !== undefined &&
      generation !== undefined &&
      app.status?.operationState?.generation === generation;
    const requested = app.operation;
    if (ranAlready) {
      const { operation: _done, ...rest } = app;
      app = rest;
    }
    const refresh = app.metadata.annotations?.[Annotation.Refresh];
    const status: ApplicationStatus = structuredClone(app.status ?? {});
    const now = new Date(this.d.clock.now()).toISOString();
    const info: PassInfo = {};
    let stop: Stop;
    try {
      stop = await this.steps(app, status, refresh, info);
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      stop = err;
    }
    status.conditions = mergeConditions(status.conditions, conditionsOf(stop.verdict), generation, now);
    if (generation !== undefined) status.observedGeneration = generation;
    await this.writeStatus(app, status, now);
    this.d.observe?.(app, status, info);
    this.notify(app, (n) => n.passed(app, status, info));
    if (refresh || requested || info.usedApproval) {
      await this.d.writer.patchApp(namespace, name, {
        removeRefresh: refresh !== undefined,
        clearOperation: requested !== undefined,
        removeDeletionApproval: info.usedApproval === true,
      });
    }
    this.log.debug({ app: key, outcome: stop.outcome.kind }, 'reconciled');
    return toWorkResult(stop.outcome, this.d.progressInterval ?? 10_000);
  }

  private async steps(
    app: Application,
    status: ApplicationStatus,
    refresh: string | undefined,
    info: PassInfo,
  ): Promise<Stop> {
    const { namespace, name } = app.metadata;
    const key = `${namespace}/${name}`;
    const spec = this.validate(app);
    const project = await this.admit(app, spec, status);
    const now = () => new Date(this.d.clock.now()).toISOString();
    const generation = app.metadata.generation;

    // Resolve.
    const sources = sourcesOf(spec);
    if (refresh === RefreshType.Hard) {
      for (const repo of new Set(sources.map((s) => s.repoURL))) this.d.source.invalidate?.(repo);
      this.d.renderCache.clear();
    }
    const { revision, display, revisions } = await resolveStep(
      this.d,
      this.recall,
      this.emit,
      app,
      spec,
      refresh !== undefined,
    );
    const paths = pathsOf(spec);
    info.revision = revision;

    // Render.
    let rendered: Awaited<ReturnType<typeof renderApp>>;
    try {
      rendered = await renderApp(this.d, app, spec, revisions ?? revision);
    } catch (err) {
      const prev = status.sync?.syncedRevision;
      status.sync = {
        status: 'Unknown',
        revision,
        ...(revisions ? { revisions } : {}),
        ...(prev ? { syncedRevision: prev } : {}),
      };
      const message = `render of ${paths} at ${display}: ${errorMessage(err)}`;
      await this.emit(app, 'Warning', 'RenderFailed', message, status);
      throw stalledOrRetrying('RenderFailed', message, err);
    }
    const desired = rendered.objects;
    const guard = guardPlainSecrets(app, spec, status, rendered.plainSecrets, this.d, revision);
    if (guard.announce) await this.emit(app, 'Warning', 'PlainSecret', guard.message, status);
    if (guard.deny) throw stalledOrRetrying(guard.deny.code, guard.message, guard.deny);
    const inventory = inventoryOf(app, this.d.trackedObjects);
    await this.d.watchKinds?.(uniqueKinds(desired, inventory));

    // Plan, once: its verdict goes to status, and the same plan is executed.
    const automated = spec.syncPolicy?.automated;
    const prune = app.operation?.sync?.prune ?? automated?.prune ?? false;
    const target = syncTarget(this.d, app, spec, inventory);
    const annotations = app.metadata.annotations ?? {};
    const pruneConfirmed =
      annotations[Annotation.DeletionApproved] !== undefined ||
      annotations[ARGO_DELETION_APPROVED] !== undefined;
    let plan: Awaited<ReturnType<SyncPort['plan']>>;
    try {
      plan = await this.d.sync.plan(target, desired, { prune, pruneConfirmed });
    } catch (err) {
      const message = `plan of ${key}: ${errorMessage(err)}`;
      throw stalledOrRetrying('SyncError', message, err);
    }
    const refusedObjects = planRefusals(project, plan, this.d.cluster);
    if (refusedObjects.length > 0) throw await this.refuse(app, status, refusedObjects);
    const verdictOfPlan = planVerdict(plan);
    this.log.debug(
      {
        app: key,
        revision,
        desired: desired.length,
        inventory: inventory.length,
        outOfSync: verdictOfPlan.outOfSync,
        requiresPruning: verdictOfPlan.requiresPruning,
      },
      'planned',
    );

    // Decide whether to sync.
    const lastSynced = lastSyncedRevision(status);
    const failures = failuresOf(status, revision);
    const finishedAt = status.operationState?.finishedAt;
    const decision = decideSync({
      requested: app.operation?.sync !== undefined,
      automated,
      changes: verdictOfPlan.changes,
      emptyRender: desired.length === 0,
      revision,
      lastSynced,
      specChanged: generation !== undefined && generation !== status.observedGeneration,
      refresh: refresh !== undefined,
      failures,
      retry: spec.syncPolicy?.retry,
      sinceLastAttempt: finishedAt ? this.d.clock.now() - Date.parse(finishedAt) : Number.POSITIVE_INFINITY,
    });

    let verdict: Verdict | undefined;
    let outcome: PassOutcome = { kind: 'done' };
    let sync: Awaited<ReturnType<typeof runSync>> | undefined;
    const dryRun = app.operation?.sync?.dryRun ?? false;
    const windowHeld =
      decision.kind === 'sync'
        ? windowHold(project, app, spec, decision.reason === 'requested', this.d.clock.now(), this.d.cluster)
        : undefined;
    if (windowHeld) {
      if (!status.conditions?.some((c) => c.type === 'Ready' && c.message === windowHeld))
        await this.emit(app, 'Normal', 'SyncWindowClosed', windowHeld, status);
      verdict = {
        ready: false,
        reconciling: false,
        stalled: false,
        reason: 'SyncWindowClosed',
        message: windowHeld,
      };
      outcome = { kind: 'waiting', afterMs: WINDOW_RECHECK_MS };
    } else if (decision.kind === 'sync') {
      if (pruneConfirmed) info.usedApproval = true;
      if (!dryRun) this.notify(app, (n) => n.syncStarting(app, revision));
      sync = await runSync(this.d.sync, {
        // A requested sync of a selection executes that part of this same plan.
        plan: selectObjects(plan, app.operation?.sync?.resources),
        spec,
        status,
        revision,
        revisions,
        display,
        reason: decision.reason,
        operation: app.operation,
        generation,
        dryRun,
        failures: decision.reason === 'requested' ? 0 : failures,
        lastSynced,
        now,
      });
      for (const e of sync.events) await this.emit(app, e.type, e.reason, e.message, status);
      verdict = sync.verdict;
      if (sync.outcome) outcome = sync.outcome;
      info.syncPhase = sync.phase;
      if (decision.reason === 'self-heal' && sync.phase === 'Succeeded')
        info.driftCorrected = sync.change.resources.filter((r) => r.action === 'configured').length;
    } else {
      const held = decisionVerdict(decision, {
        path: paths,
        display,
        operationMessage: status.operationState?.message,
      });
      verdict = held.verdict;
      if (held.outcome) outcome = held.outcome;
    }

    // Resources, health, sync status.
    const executed = sync !== undefined && !dryRun;
    const synced =
      (executed && sync?.phase === 'Succeeded') || (sync === undefined && verdictOfPlan.changes === 0);
    const { resources, health, syncStatus } = recordResources(status, {
      plan,
      change: sync?.change,
      executed,
      syncedRevision: synced ? revision : lastSynced,
      revision,
      health: (live) => this.d.health.assess(live),
      liveNow: (id) => this.d.sync.live(id),
    });
    if (revisions && status.sync) status.sync.revisions = revisions;
    const images = collectImages(desired);
    status.summary = images.length ? { images } : {};

    if (!verdict) {
      verdict = readyVerdict({
        syncStatus,
        resources,
        health,
        healthMessage: status.health?.message,
        display,
        automated: automated !== undefined,
      });
      if (verdict.reconciling && outcome.kind === 'done')
        outcome = { kind: 'waiting', afterMs: this.d.progressInterval ?? 10_000 };
    }
    return new Stop(verdict, outcome);
  }

  /** The app's project permits it (namespace, repository, destination), or the pass stops here. */
  private async admit(app: Application, spec: ApplicationSpec, status: ApplicationStatus) {
    const found = lookupProject(this.d.projects, spec);
    if ('problem' in found) throw await this.refuse(app, status, [found.problem]);
    const identity = appIdentity(found, app, spec, this.d.cluster);
    const refused = [
      ...appRefusals(found, app, spec, this.d.projects?.namespace ?? '', this.d.cluster),
      ...('problem' in identity ? [identity.problem] : []),
    ];
    if (refused.length > 0) throw await this.refuse(app, status, refused);
    return found;
  }

  /** Nothing is applied or pruned: a Warning event and a stalled verdict naming each refusal. */
  private async refuse(app: Application, status: ApplicationStatus, refusals: string[]): Promise<Stop> {
    const message = refusals.length === 1 ? (refusals[0] as string) : refusals.join('; ');
    await this.emit(app, 'Warning', 'ProjectViolation', message, status);
    return new Stop(
      { ready: false, reconciling: false, stalled: true, reason: 'ProjectViolation', message },
      { kind: 'idle' },
    );
  }

  // Notifications only enqueue; a notifier bug must not fail the pass.
  private notify(app: Application, tell: (n: NotifyPort) => void): void {
    if (!this.d.notify) return;
    try {
      tell(this.d.notify);
    } catch (err) {
      const key = `${app.metadata.namespace}/${app.metadata.name}`;
      this.log.warn({ app: key, err: errorMessage(err) }, 'notifications not queued');
    }
  }

  private validate(app: Application): ApplicationSpec {
    const checked = validateSpec(app);
    if (!checked.ok) {
      throw new Stop(
        { ready: false, reconciling: false, stalled: true, reason: 'InvalidSpec', message: checked.message },
        { kind: 'idle' },
      );
    }
    return checked.spec;
  }

  private async writeStatus(app: Application, status: ApplicationStatus, now: string): Promise<void> {
    if (!statusChanged(app.status, status)) return;
    status.reconciledAt = now;
    const written = await this.d.writer.patchStatus(app, status);
    this.recall.wrote(`${app.metadata.namespace}/${app.metadata.name}`, status, written);
  }
}
