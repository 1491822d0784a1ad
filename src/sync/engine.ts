/**
 * One sync: prepare → read live → plan (cache or dry-run) → PreSync hooks → waves (prerequisites,
 * CRDs established, the rest; each wave healthy before the next) → prune → PostSync hooks →
 * inventory. Objects that have not drifted are not written; a sync with nothing to change
 * writes nothing at all and runs no hooks.
 */
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { normalize } from '../diff/normalize.js';
import { maskedObjectDiff } from '../diff/text.js';
import type { ObjectAddress } from '../kube/types.js';
import { applyItem } from './apply.js';
import { VerdictCache } from './cache.js';
import { runHooks } from './hooks.js';
import { entryKey, type InventoryEntry, sortEntries } from './inventory.js';
import { mapLimit } from './limit.js';
import { fetchLive } from './live.js';
import { DEFAULT_SYNC_OPTIONS, parseSyncOptions } from './options.js';
import { compareOrder, HookType, isPrerequisite, kindRank } from './order.js';
import { type PlanContext, planItems } from './plan.js';
import { type Item, prepareItems, Verdict } from './prepare.js';
import { executePrune, type PruneCandidate, PruneDecision, planPrune } from './prune.js';
import {
  FIELD_MANAGER,
  type ResourceResult,
  ResultAction,
  type SyncDeps,
  SyncPhase,
  type SyncRequest,
  type SyncResult,
} from './types.js';
import { type WaitContext, waitEstablished, waitHealthy } from './waits.js';

const WRITE_VERDICTS: ReadonlySet<string> = new Set([Verdict.Create, Verdict.Update, Verdict.Recreate]);

function entryOf(item: Item): InventoryEntry {
  return {
    apiVersion: item.desired.apiVersion,
    kind: item.ref.kind,
    namespace: item.ref.namespace,
    name: item.ref.name,
  };
}

function staticResult(item: Item, action: ResourceResult['action'], message: string): ResourceResult {
  return {
    ref: item.ref,
    apiVersion: item.desired.apiVersion,
    action,
    message,
    wave: item.wave,
    ...(item.hook ? { hook: item.hook } : {}),
  };
}

function plannedResult(item: Item, dryRun: boolean): ResourceResult {
  switch (item.verdict) {
    case Verdict.None:
      return staticResult(item, ResultAction.Unchanged, 'in sync');
    case Verdict.Shared:
      return staticResult(
        item,
        item.options.failOnSharedResource ? ResultAction.Failed : ResultAction.Skipped,
        item.message,
      );
    case Verdict.Invalid:
      return staticResult(item, ResultAction.Failed, item.message);
    case Verdict.Create:
      return {
        ...staticResult(item, ResultAction.Created, dryRun ? 'would be created' : 'created'),
        diff: maskedObjectDiff(item.ref, undefined, normalize(item.desired)),
      };
    default: {
      const r = staticResult(
        item,
        ResultAction.Configured,
        dryRun
          ? `would be configured${item.verdict === Verdict.Recreate ? ' (delete and recreate)' : ''}`
          : 'configured',
      );
      if (item.comparison)
        r.diff = { ref: item.ref, before: item.comparison.before, after: item.comparison.after };
      return r;
    }
  }
}

function failed(results: readonly ResourceResult[]): ResourceResult[] {
  return results.filter((r) => r.action === ResultAction.Failed);
}

export async function sync(request: SyncRequest, deps: SyncDeps): Promise<SyncResult> {
  const { client } = deps;
  const concurrency = deps.concurrency ?? 16;
  const cache = deps.cache ?? new VerdictCache();
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    deps.warn?.(m);
  };
  const wait: WaitContext = {
    client,
    timeoutMs: deps.healthTimeoutMs ?? 300_000,
    pollMs: deps.pollMs ?? 500,
    sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    now: deps.now ?? Date.now,
  };
  const appOptions = parseSyncOptions(
    request.syncOptions ?? [],
    DEFAULT_SYNC_OPTIONS,
    `application ${request.app.namespace}/${request.app.name}`,
  );
  const ctx: PlanContext = {
    client,
    cache,
    app: request.app,
    ignoreDifferences: request.ignoreDifferences ?? [],
    concurrency,
  };
  const dryRun = request.dryRun === true;

  // 1. Prepare and read live state.
  const items = await prepareItems(request.objects, {
    client,
    app: request.app,
    destinationNamespace: request.destinationNamespace,
    appOptions,
  });
  const ordinary = items.filter((i) => !i.hook);
  const hooks = items.filter((i) => i.hook && i.verdict === Verdict.Hook);
  if (ordinary.length === 0 && !request.allowEmpty) {
    const message = `application ${request.app.namespace}/${request.app.name}: the render is empty; refusing to sync or prune (set allowEmpty to allow it)`;
    warn(message);
    return { phase: SyncPhase.Failed, message, resources: [], changed: false, warnings };
  }
  const readable = ordinary.filter((i) => i.verdict === Verdict.Create && !i.pendingCrd);
  const live = await fetchLive(
    client,
    readable.map((i) => i.address),
    concurrency,
  );
  for (const i of readable) i.live = live.get(i.key);

  // 2. Plan.
  await planItems(ordinary, ctx);
  for (const i of ordinary)
    if (i.verdict === Verdict.Shared && !i.options.failOnSharedResource) warn(i.message);
  const previous = (await deps.inventory.load()) ?? [];
  const desiredKeys = new Set(ordinary.filter((i) => i.key).map((i) => i.key));
  const pruneCands = await planPrune(previous, desiredKeys, {
    client,
    app: request.app,
    appOptions,
    prune: request.prune === true,
    concurrency,
  });
  for (const c of pruneCands) if (c.decision === PruneDecision.Foreign) warn(c.message);

  const writes = ordinary.filter((i) => WRITE_VERDICTS.has(i.verdict));
  const prunes = pruneCands.filter((c) => c.decision === PruneDecision.Prune);
  const invalid = ordinary.filter(
    (i) => i.verdict === Verdict.Invalid || (i.verdict === Verdict.Shared && i.options.failOnSharedResource),
  );
  const keptResults: ResourceResult[] = pruneCands
    .filter((c) => c.decision === PruneDecision.Keep)
    .map((c) => ({
      ref: c.ref,
      apiVersion: c.entry.apiVersion,
      action: ResultAction.Skipped,
      message: c.message,
      wave: c.wave,
    }));
  const changed = writes.length > 0 || prunes.length > 0;

  const inventoryAfter = (
    prunedKeys: ReadonlySet<string>,
    survivors: readonly PruneCandidate[],
  ): InventoryEntry[] => {
    const entries = ordinary
      .filter((i) => i.key && i.verdict !== Verdict.Shared && !(i.verdict === Verdict.Invalid && !i.live))
      .map(entryOf);
    for (const c of survivors) if (!prunedKeys.has(entryKey(c.entry))) entries.push(c.entry);
    return sortEntries(entries);
  };
  const keepers = pruneCands.filter(
    (c) => c.decision === PruneDecision.Keep || c.decision === PruneDecision.Prune,
  );

  // 3. Nothing to write, or a dry run: report the plan.
  if (!changed || dryRun || invalid.length > 0) {
    const resources = [...ordinary.map((i) => plannedResult(i, dryRun)), ...keptResults];
    if (dryRun) {
      resources.push(...(await executePrune(pruneCands, client, true, concurrency)));
      if (changed) {
        for (const h of hooks)
          resources.push(staticResult(h, ResultAction.Created, `would run as a ${h.hook} hook`));
      }
    }
    const bad = failed(resources);
    if (!dryRun && invalid.length === 0) {
      await deps.inventory.save(inventoryAfter(new Set(), keepers));
    }
    const phase = bad.length ? SyncPhase.Failed : SyncPhase.Succeeded;
    const message = bad.length
      ? `${bad.length} object(s) cannot be synced${dryRun ? '' : '; nothing was written'}: ${bad[0]?.message}`
      : changed
        ? `dry run: ${writes.length} to apply, ${prunes.length} to prune`
        : 'in sync';
    return { phase, message, resources, changed, warnings };
  }

  // 4. Execute.
  const results: ResourceResult[] = [];
  let prunedKeys: ReadonlySet<string> = new Set();
  const fail = async (message: string): Promise<SyncResult> => {
    const hooksOut = await runHooks(hooks, HookType.SyncFail, ctx, wait);
    results.push(...hooksOut.results);
    const done = new Set(results.map((r) => `${r.ref.kind}/${r.ref.namespace}/${r.ref.name}`));
    for (const i of ordinary) {
      if (!done.has(`${i.ref.kind}/${i.ref.namespace}/${i.ref.name}`)) {
        results.push(
          staticResult(
            i,
            i.verdict === Verdict.None ? ResultAction.Unchanged : ResultAction.Skipped,
            i.verdict === Verdict.None ? 'in sync' : 'not applied: the sync stopped earlier',
          ),
        );
      }
    }
    await deps.inventory
      .save(inventoryAfter(prunedKeys, keepers))
      .catch((err) => warn(`inventory not saved: ${errorMessage(err)}`));
    return { phase: SyncPhase.Failed, message, resources: results, changed: true, warnings };
  };

  try {
    if (appOptions.createNamespace && request.destinationNamespace) {
      const nsAddr: ObjectAddress = {
        apiVersion: 'v1',
        kind: 'Namespace',
        name: request.destinationNamespace,
      };
      if (!(await client.get(nsAddr))) {
        const ns: KubeObject = {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: request.destinationNamespace },
        };
        await client.apply(ns, { fieldManager: FIELD_MANAGER, force: true });
      }
    }
  } catch (err) {
    return fail(`namespace ${request.destinationNamespace}: ${errorMessage(err)}`);
  }

  const pre = await runHooks(hooks, HookType.PreSync, ctx, wait);
  results.push(...pre.results);
  if (!pre.ok) return fail(`PreSync hook failed; nothing was applied: ${failed(pre.results)[0]?.message}`);

  // Waves: ordinary items and Sync hooks.
  const syncHooks = hooks.filter((h) => h.hook === HookType.Sync);
  const waves = [...new Set([...ordinary.map((i) => i.wave), ...syncHooks.map((h) => h.wave)])].sort(
    (a, b) => a - b,
  );
  for (let w = 0; w < waves.length; w++) {
    const wave = waves[w] as number;
    const inWave = ordinary
      .filter((i) => i.wave === wave)
      .sort((a, b) => compareOrder({ ...a.ref, wave }, { ...b.ref, wave }));
    const stages = [
      inWave.filter((i) => isPrerequisite(i.ref.kind)),
      inWave.filter((i) => !isPrerequisite(i.ref.kind)),
    ];
    for (const [s, stage] of stages.entries()) {
      const ranks = [...new Set(stage.map((i) => kindRank(i.ref.kind)))];
      for (const rank of ranks) {
        const batch = stage.filter((i) => kindRank(i.ref.kind) === rank);
        const out = await mapLimit(batch, concurrency, async (i) =>
          WRITE_VERDICTS.has(i.verdict) ? applyItem(i, ctx, wait) : plannedResult(i, false),
        );
        results.push(...out);
      }
      if (s === 0) {
        const crds = stage.filter(
          (i) => i.ref.kind === 'CustomResourceDefinition' && i.ref.group === 'apiextensions.k8s.io',
        );
        try {
          await waitEstablished(
            crds.filter((c) => WRITE_VERDICTS.has(c.verdict)).map((c) => c.ref.name),
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
    const bad = failed(results);
    if (bad.length > 0) return fail(`sync wave ${wave} failed: ${bad[0]?.message}`);
    const laterWork = waves.slice(w + 1).length > 0 || hooks.some((h) => h.hook === HookType.PostSync);
    if (laterWork) {
      const outcome = await waitHealthy(
        inWave.map((i) => i.address),
        wait,
        `sync wave ${wave}`,
      );
      if (!outcome.ok) return fail(outcome.message);
    }
  }

  // Prune, then PostSync hooks.
  const pruned = await executePrune(pruneCands, client, false, concurrency);
  results.push(...pruned, ...keptResults);
  prunedKeys = new Set(
    pruned
      .filter((r) => r.action === ResultAction.Pruned)
      .map((r) =>
        entryKey({
          apiVersion: r.apiVersion,
          kind: r.ref.kind,
          namespace: r.ref.namespace,
          name: r.ref.name,
        }),
      ),
  );
  await deps.inventory.save(inventoryAfter(prunedKeys, keepers));
  const pruneFailures = failed(pruned);
  if (pruneFailures.length > 0) return fail(`prune failed: ${pruneFailures[0]?.message}`);

  const post = await runHooks(hooks, HookType.PostSync, ctx, wait);
  results.push(...post.results);
  if (!post.ok) return fail(`PostSync hook failed: ${failed(post.results)[0]?.message}`);
  const counts = (a: string) => results.filter((r) => r.action === a).length;
  return {
    phase: SyncPhase.Succeeded,
    message: `synced: ${counts(ResultAction.Created)} created, ${counts(ResultAction.Configured)} configured, ${counts(ResultAction.Pruned)} pruned`,
    resources: results,
    changed: true,
    warnings,
  };
}
