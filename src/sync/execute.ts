/**
 * execute(plan) → ChangeSet: writes exactly what the plan says, in order: the destination
 * namespace (CreateNamespace) → PreSync hooks → waves (prerequisites, CRDs established, the
 * rest, Sync hooks; each wave healthy before the next) → prune → PostSync hooks; SyncFail hooks
 * when a step fails. A plan with nothing to write writes nothing and runs no hooks; a plan with
 * a blocking skip writes nothing at all. Never throws: failures are results.
 */
import { errorMessage } from '../api/errors.js';
import { applyItem, type ExecContext } from './apply.js';
import { VerdictCache } from './cache.js';
import { isListed, nextInventory, planVerdict } from './decide.js';
import { runHooks } from './hooks.js';
import { idKey } from './identity.js';
import { mapLimit } from './limit.js';
import { ensureNamespace } from './namespace.js';
import { compareOrder, HookType, isPrerequisite, kindRank } from './order.js';
import type { Item } from './prepare.js';
import { executePrune } from './prune.js';
import {
  type ChangeSet,
  type ExecuteDeps,
  PlanAction,
  type PlannedObject,
  type ResourceResult,
  ResultAction,
  SyncPhase,
  type SyncPlan,
} from './types.js';
import { type WaitContext, waitEstablished, waitHealthy } from './waits.js';

type Written = Extract<PlannedObject, { action: 'create' | 'update' | 'unchanged' }>;

/** The result a planned object reports without being written (`preview`: as a dry run says it). */
export function plannedResult(p: PlannedObject, previewing: boolean): ResourceResult {
  const base = { ref: p.id, wave: p.wave };
  switch (p.action) {
    case PlanAction.Create:
      return {
        ...base,
        action: ResultAction.Created,
        message: previewing ? p.reason : 'created',
        diff: p.diff,
      };
    case PlanAction.Update:
      return {
        ...base,
        action: ResultAction.Configured,
        message: previewing ? p.reason : 'configured',
        ...(p.diff ? { diff: p.diff } : {}),
      };
    case PlanAction.Unchanged:
      return { ...base, action: ResultAction.Unchanged, message: 'in sync' };
    case PlanAction.Prune:
      return { ...base, action: ResultAction.Pruned, message: p.reason, diff: p.diff };
    case PlanAction.Hook:
      return { ...base, action: ResultAction.Created, message: p.reason, hook: p.hook };
    case PlanAction.Skip:
      return { ...base, action: p.blocking ? ResultAction.Failed : ResultAction.Skipped, message: p.reason };
  }
}

/** The plan as a change set, nothing written: what `--dry-run` and `diff` report. */
export function preview(plan: SyncPlan): ChangeSet {
  const v = planVerdict(plan);
  if (plan.refusedEmpty) return refused(plan);
  const resources = plan.objects
    .filter((p) => (p.action === PlanAction.Hook ? v.changes > 0 : isListed(p)))
    .map((p) => plannedResult(p, true));
  const bad = resources.filter((r) => r.action === ResultAction.Failed);
  return {
    phase: bad.length ? SyncPhase.Failed : SyncPhase.Succeeded,
    message: bad.length
      ? `${bad.length} object(s) cannot be synced: ${bad[0]?.message}`
      : v.changes > 0
        ? `dry run: ${plan.objects.filter((p) => p.action === PlanAction.Create || p.action === PlanAction.Update).length} to apply, ${plan.objects.filter((p) => p.action === PlanAction.Prune).length} to prune`
        : 'in sync',
    resources,
    changed: v.changes > 0,
    warnings: [...plan.warnings],
    inventory: [...plan.inventory],
  };
}

function refused(plan: SyncPlan): ChangeSet {
  return {
    phase: SyncPhase.Failed,
    message: plan.warnings[0] ?? 'the render is empty',
    resources: [],
    changed: false,
    warnings: [...plan.warnings],
    inventory: [...plan.inventory],
  };
}

const failures = (results: readonly ResourceResult[]) =>
  results.filter((r) => r.action === ResultAction.Failed);

export async function execute(plan: SyncPlan, deps: ExecuteDeps): Promise<ChangeSet> {
  if (plan.refusedEmpty) return refused(plan);
  const verdict = planVerdict(plan);
  const listed = plan.objects.filter(isListed);
  if (verdict.changes === 0 || verdict.blocking.length > 0) {
    const resources = listed.map((p) => plannedResult(p, false));
    const bad = failures(resources);
    return {
      phase: bad.length ? SyncPhase.Failed : SyncPhase.Succeeded,
      message: bad.length
        ? `${bad.length} object(s) cannot be synced; nothing was written: ${bad[0]?.message}`
        : 'in sync',
      resources,
      changed: false,
      warnings: [...plan.warnings],
      // With a blocking skip nothing was written: the inventory stays as it was.
      inventory: bad.length ? [...plan.inventory] : nextInventory(plan, new Set()),
    };
  }
  try {
    return await run(plan, deps);
  } catch (err) {
    // run() catches per object; this is a last guard so execute never throws.
    return {
      phase: SyncPhase.Failed,
      message: `sync of ${plan.app.namespace}/${plan.app.name} failed: ${errorMessage(err)}`,
      resources: [],
      changed: true,
      warnings: [...plan.warnings],
      inventory: nextInventory(plan, new Set()),
    };
  }
}

async function run(plan: SyncPlan, deps: ExecuteDeps): Promise<ChangeSet> {
  const { client } = deps;
  const concurrency = deps.concurrency ?? 16;
  const ctx: ExecContext = {
    client,
    cache: deps.cache ?? new VerdictCache(),
    ignoreDifferences: plan.ignoreDifferences,
    jq: plan.jq,
    concurrency,
  };
  const wait: WaitContext = {
    client,
    timeoutMs: deps.healthTimeoutMs ?? 300_000,
    pollMs: deps.pollMs ?? 500,
    sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    now: deps.now ?? Date.now,
  };
  const written = plan.objects.filter(
    (p): p is Written =>
      p.action === PlanAction.Create || p.action === PlanAction.Update || p.action === PlanAction.Unchanged,
  );
  const hooks: Item[] = plan.objects.flatMap((p) => (p.action === PlanAction.Hook ? [p.item] : []));
  const skipped = plan.objects
    .filter((p) => p.action === PlanAction.Skip && isListed(p))
    .map((p) => plannedResult(p, false));
  const results: ResourceResult[] = [];
  let pruned = new Set<string>();

  const finish = (phase: SyncPhase, message: string): ChangeSet => {
    const done = new Set(results.filter((r) => !r.hook).map((r) => idKey(r.ref)));
    for (const p of written) {
      if (done.has(idKey(p.id))) continue;
      results.push(
        p.action === PlanAction.Unchanged
          ? plannedResult(p, false)
          : {
              ref: p.id,
              wave: p.wave,
              action: ResultAction.Skipped,
              message: 'not applied: the sync stopped earlier',
            },
      );
    }
    results.push(...skipped);
    return {
      phase,
      message,
      resources: results,
      changed: true,
      warnings: [...plan.warnings],
      inventory: nextInventory(plan, pruned),
    };
  };
  const fail = async (message: string): Promise<ChangeSet> => {
    results.push(...(await runHooks(hooks, HookType.SyncFail, ctx, wait)).results);
    return finish(SyncPhase.Failed, message);
  };

  if (plan.options.createNamespace && plan.destinationNamespace) {
    try {
      await ensureNamespace(client, plan.destinationNamespace, plan.app);
    } catch (err) {
      return fail(`namespace ${plan.destinationNamespace}: ${errorMessage(err)}`);
    }
  }

  const pre = await runHooks(hooks, HookType.PreSync, ctx, wait);
  results.push(...pre.results);
  if (!pre.ok) return fail(`PreSync hook failed; nothing was applied: ${failures(pre.results)[0]?.message}`);

  const syncHooks = hooks.filter((h) => h.hook === HookType.Sync);
  const waves = [...new Set([...written.map((p) => p.wave), ...syncHooks.map((h) => h.wave)])].sort(
    (a, b) => a - b,
  );
  for (let w = 0; w < waves.length; w++) {
    const wave = waves[w] as number;
    const inWave = written
      .filter((p) => p.wave === wave)
      .sort((a, b) => compareOrder({ ...a.id, wave }, { ...b.id, wave }));
    const stages = [
      inWave.filter((p) => isPrerequisite(p.id.kind)),
      inWave.filter((p) => !isPrerequisite(p.id.kind)),
    ];
    for (const [s, stage] of stages.entries()) {
      for (const rank of [...new Set(stage.map((p) => kindRank(p.id.kind)))]) {
        const batch = stage.filter((p) => kindRank(p.id.kind) === rank);
        results.push(
          ...(await mapLimit(batch, concurrency, (p) =>
            p.action === PlanAction.Unchanged
              ? Promise.resolve(plannedResult(p, false))
              : applyItem({ ...p.item }, p.action === PlanAction.Update && p.recreate, ctx, wait),
          )),
        );
      }
      if (s === 0) {
        const crds = stage.filter(
          (p) =>
            p.action !== PlanAction.Unchanged &&
            p.id.kind === 'CustomResourceDefinition' &&
            p.id.group === 'apiextensions.k8s.io',
        );
        try {
          await waitEstablished(
            crds.map((c) => c.id.name),
            wait,
          );
        } catch (err) {
          return fail(errorMessage(err));
        }
      }
    }
    const hookOut = await runHooks(
      syncHooks.filter((h) => h.wave === wave),
      HookType.Sync,
      ctx,
      wait,
    );
    results.push(...hookOut.results);
    const bad = failures(results);
    if (bad.length > 0) return fail(`sync wave ${wave} failed: ${bad[0]?.message}`);
    const laterWork = w + 1 < waves.length || hooks.some((h) => h.hook === HookType.PostSync);
    if (laterWork) {
      const outcome = await waitHealthy(
        inWave.map((p) => p.item.address),
        wait,
        `sync wave ${wave}`,
      );
      if (!outcome.ok) return fail(outcome.message);
    }
  }

  const prunedResults = await executePrune(plan.objects, client, concurrency);
  results.push(...prunedResults);
  pruned = new Set(prunedResults.filter((r) => r.action === ResultAction.Pruned).map((r) => idKey(r.ref)));
  const pruneFailures = failures(prunedResults);
  if (pruneFailures.length > 0) return fail(`prune failed: ${pruneFailures[0]?.message}`);

  const post = await runHooks(hooks, HookType.PostSync, ctx, wait);
  results.push(...post.results);
  if (!post.ok) return fail(`PostSync hook failed: ${failures(post.results)[0]?.message}`);
  const count = (a: string) => results.filter((r) => r.action === a && !r.hook).length;
  return finish(
    SyncPhase.Succeeded,
    `synced: ${count(ResultAction.Created)} created, ${count(ResultAction.Configured)} configured, ${count(ResultAction.Pruned)} pruned`,
  );
}
