/**
 * Prune: what left Git is (previous inventory − rendered). planPrune reads those objects and
 * decides (decidePrune) what to do with each; executePrune deletes the ones planned for it in
 * reverse apply order, PruneLast ones at the very end. Never objects with Prune=false, never
 * objects another app tracks, never hooks (only their delete policies remove them).
 */
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { normalize } from '../diff/normalize.js';
import { maskedObjectDiff } from '../diff/text.js';
import { isKubeApiError, KubeErrorCode } from '../kube/errors.js';
import type { ClusterClient } from '../kube/types.js';
import { compareOptions, isHookObject } from './annotations.js';
import { decidePrune, type PruneMode, type PruneObservation } from './decide.js';
import { addressOf, describeId, type Inventory, idKey, type ObjectId } from './identity.js';
import { mapLimit } from './limit.js';
import { fetchLive } from './live.js';
import { objectSyncOptions, type SyncOptions } from './options.js';
import { compareOrder, kindRank, waveOf } from './order.js';
import { foreignOwner } from './plan.js';
import {
  type AppIdentity,
  PlanAction,
  type PlannedObject,
  type ResourceResult,
  ResultAction,
} from './types.js';

type PlannedPrune = Extract<PlannedObject, { action: 'prune' }>;

export async function planPrune(
  previous: Inventory,
  rendered: ReadonlySet<string>,
  ctx: {
    client: ClusterClient;
    app: AppIdentity;
    appOptions: SyncOptions;
    mode: PruneMode;
    concurrency: number;
  },
): Promise<PlannedObject[]> {
  const gone = previous.filter((e) => !rendered.has(idKey(e)));
  // Read them in bulk (a LIST per kind and namespace when several share one), kind by kind, so
  // a kind that is no longer served only affects its own entries.
  const byKind = new Map<string, ObjectId[]>();
  for (const e of gone) {
    const k = `${e.group}|${e.version}|${e.kind}`;
    byKind.set(k, [...(byKind.get(k) ?? []), e]);
  }
  const lives = new Map<string, KubeObject>();
  const readErrors = new Map<string, unknown>();
  for (const ids of byKind.values()) {
    try {
      const found = await fetchLive(ctx.client, ids.map(addressOf), ctx.concurrency);
      for (const [k, o] of found) lives.set(k, o);
    } catch (err) {
      for (const e of ids) readErrors.set(idKey(e), err);
    }
  }
  const out: PlannedObject[] = [];
  for (const id of gone) {
    const where = describeId(id);
    const live = lives.get(idKey(id));
    const readError = readErrors.get(idKey(id));
    let options = ctx.appOptions;
    let wave = 0;
    let seen: PruneObservation;
    if (readError !== undefined) {
      seen = isKubeApiError(readError, KubeErrorCode.KindUnknown)
        ? { kind: 'gone' }
        : { kind: 'unreadable', message: errorMessage(readError) };
    } else if (!live) seen = { kind: 'gone' };
    else if (isHookObject(live)) seen = { kind: 'hook' };
    else {
      const owner = foreignOwner(live, ctx.app);
      if (owner) seen = { kind: 'foreign', owner };
      else {
        try {
          options = objectSyncOptions(live, ctx.appOptions, where);
          wave = waveOf(live, where);
          seen = {
            kind: 'present',
            pruneOption: options.pruneConfirm ? 'confirm' : options.prune,
            deleteOption: options.deleteConfirm ? 'confirm' : options.delete,
            ignoreExtraneous: compareOptions(live).includes('IgnoreExtraneous'),
          };
        } catch (err) {
          seen = { kind: 'bad-annotation', message: errorMessage(err) };
        }
      }
    }
    const d = decidePrune(seen, ctx.mode, where);
    if (d.action === 'drop') continue;
    if (d.action === PlanAction.Prune && live) {
      out.push({
        id,
        wave,
        action: PlanAction.Prune,
        reason: d.reason,
        live,
        options,
        diff: maskedObjectDiff(id, normalize(live)),
      });
    } else if (d.action === PlanAction.Skip) {
      out.push({
        id,
        wave,
        action: PlanAction.Skip,
        cause: d.cause,
        blocking: false,
        requiresPruning: d.requiresPruning,
        reason: d.reason,
        ...(d.ignoreExtraneous ? { ignoreExtraneous: true } : {}),
        ...(live ? { live } : {}),
      });
    }
  }
  return out;
}

/** Reverse apply order; PruneLast ones at the end. */
export function pruneOrder(prunes: readonly PlannedPrune[]): PlannedPrune[] {
  const key = (c: PlannedPrune) => ({ ...c.id, wave: c.wave });
  return [...prunes].sort(
    (a, b) => Number(a.options.pruneLast) - Number(b.options.pruneLast) || compareOrder(key(b), key(a)),
  );
}

/** Deletes the planned prunes in order; objects of the same rank (PruneLast, wave, kind) in parallel. Never throws. */
export async function executePrune(
  plan: readonly PlannedObject[],
  client: ClusterClient,
  concurrency = 16,
): Promise<ResourceResult[]> {
  const pruneOne = async (c: PlannedPrune): Promise<ResourceResult> => {
    const base = { ref: c.id, wave: c.wave };
    try {
      const uid = c.live.metadata.uid;
      await client.delete(addressOf(c.id), {
        propagationPolicy: c.options.prunePropagationPolicy,
        ...(typeof uid === 'string' ? { uid } : {}),
      });
      return { ...base, action: ResultAction.Pruned, message: 'pruned', diff: c.diff };
    } catch (err) {
      return { ...base, action: ResultAction.Failed, message: `prune failed: ${errorMessage(err)}` };
    }
  };
  const ordered = pruneOrder(plan.filter((p): p is PlannedPrune => p.action === PlanAction.Prune));
  const rank = (c: PlannedPrune) => `${c.options.pruneLast}|${c.wave}|${kindRank(c.id.kind)}`;
  const results: ResourceResult[] = [];
  for (let i = 0; i < ordered.length; ) {
    let j = i;
    while (j < ordered.length && rank(ordered[j] as PlannedPrune) === rank(ordered[i] as PlannedPrune)) j++;
    results.push(...(await mapLimit(ordered.slice(i, j), concurrency, pruneOne)));
    i = j;
  }
  return results;
}
