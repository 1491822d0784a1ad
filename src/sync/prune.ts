/**
 * Prune: delete exactly (previous inventory − desired), in reverse apply order, PruneLast ones
 * at the very end; never objects with Prune=false, never objects another app tracks.
 */
import { errorMessage } from '../api/errors.js';
import { describeRef, groupOf, type KubeObject, type ObjectRef, refKey } from '../api/object.js';
import { normalize } from '../diff/normalize.js';
import { maskedObjectDiff } from '../diff/text.js';
import { isKubeApiError, KubeErrorCode } from '../kube/errors.js';
import type { ClusterClient, ObjectAddress } from '../kube/types.js';
import { entryKey, type InventoryEntry } from './inventory.js';
import { mapLimit } from './limit.js';
import { fetchLive } from './live.js';
import { objectSyncOptions, type SyncOptions } from './options.js';
import { compareOrder, kindRank, waveOf } from './order.js';
import { foreignOwner } from './plan.js';
import { type AppIdentity, type ResourceResult, ResultAction } from './types.js';

export const PruneDecision = {
  Prune: 'prune',
  /** Prune=false, or pruning not requested: stays, and stays in the inventory. */
  Keep: 'keep',
  /** Already gone: dropped from the inventory. */
  Gone: 'gone',
  /** Tracked by another app: not ours any more, dropped from the inventory. */
  Foreign: 'foreign',
} as const;
export type PruneDecision = (typeof PruneDecision)[keyof typeof PruneDecision];

export interface PruneCandidate {
  entry: InventoryEntry;
  ref: ObjectRef;
  address: ObjectAddress;
  where: string;
  live?: KubeObject;
  options: SyncOptions;
  wave: number;
  decision: PruneDecision;
  message: string;
}

export async function planPrune(
  previous: readonly InventoryEntry[],
  desiredKeys: ReadonlySet<string>,
  ctx: {
    client: ClusterClient;
    app: AppIdentity;
    appOptions: SyncOptions;
    prune: boolean;
    concurrency: number;
  },
): Promise<PruneCandidate[]> {
  const gone = previous.filter((e) => !desiredKeys.has(entryKey(e)));
  // Read them in bulk (a LIST per kind and namespace when several share one), kind by kind, so
  // a kind that is no longer served only affects its own entries.
  const byKind = new Map<string, InventoryEntry[]>();
  for (const e of gone) {
    const k = `${e.apiVersion}|${e.kind}`;
    byKind.set(k, [...(byKind.get(k) ?? []), e]);
  }
  const lives = new Map<string, KubeObject>();
  const readErrors = new Map<string, unknown>();
  for (const entries of byKind.values()) {
    const addresses = entries.map((e) => {
      const a: ObjectAddress = { apiVersion: e.apiVersion, kind: e.kind, name: e.name };
      if (e.namespace) a.namespace = e.namespace;
      return a;
    });
    try {
      for (const [k, o] of await fetchLive(ctx.client, addresses, ctx.concurrency)) lives.set(k, o);
    } catch (err) {
      for (const e of entries) readErrors.set(entryKey(e), err);
    }
  }
  return mapLimit(gone, ctx.concurrency, async (entry) => {
    const ref = {
      group: groupOf(entry.apiVersion),
      kind: entry.kind,
      namespace: entry.namespace,
      name: entry.name,
    };
    const address: ObjectAddress = { apiVersion: entry.apiVersion, kind: entry.kind, name: entry.name };
    if (entry.namespace) address.namespace = entry.namespace;
    const where = describeRef(ref);
    const c: PruneCandidate = {
      entry,
      ref,
      address,
      where,
      options: ctx.appOptions,
      wave: 0,
      decision: PruneDecision.Keep,
      message: '',
    };
    const readError = readErrors.get(entryKey(entry));
    if (readError !== undefined) {
      if (isKubeApiError(readError, KubeErrorCode.KindUnknown)) {
        c.decision = PruneDecision.Gone;
        return c;
      }
      c.message = `${where}: cannot read it to prune: ${errorMessage(readError)}`;
      return c;
    }
    const live = lives.get(refKey(ref));
    if (!live) {
      c.decision = PruneDecision.Gone;
      return c;
    }
    c.live = live;
    const owner = foreignOwner(live, ctx.app);
    if (owner) {
      c.decision = PruneDecision.Foreign;
      c.message = `${where}: not pruned, now managed by application ${owner}`;
      return c;
    }
    try {
      c.options = objectSyncOptions(live, ctx.appOptions, where);
      c.wave = waveOf(live, where);
    } catch (err) {
      c.message = errorMessage(err);
      return c;
    }
    if (!c.options.prune) c.message = `${where}: not pruned (Prune=false)`;
    else if (!ctx.prune) c.message = `${where}: no longer in Git; needs pruning (prune not enabled)`;
    else c.decision = PruneDecision.Prune;
    return c;
  });
}

/** Reverse apply order; PruneLast ones at the end. */
export function pruneOrder(cands: readonly PruneCandidate[]): PruneCandidate[] {
  const key = (c: PruneCandidate) => ({ ...c.ref, wave: c.wave });
  return [...cands].sort(
    (a, b) => Number(a.options.pruneLast) - Number(b.options.pruneLast) || compareOrder(key(b), key(a)),
  );
}

/** Deletes the candidates marked Prune in order; objects of the same rank (PruneLast, wave, kind) in parallel. Never throws. */
export async function executePrune(
  cands: readonly PruneCandidate[],
  client: ClusterClient,
  dryRun: boolean,
  concurrency = 16,
): Promise<ResourceResult[]> {
  const pruneOne = async (c: PruneCandidate): Promise<ResourceResult> => {
    const base = { ref: c.ref, apiVersion: c.entry.apiVersion, wave: c.wave };
    const diff = c.live ? maskedObjectDiff(c.ref, normalize(c.live)) : undefined;
    try {
      const uid = c.live?.metadata.uid;
      if (!dryRun) {
        await client.delete(c.address, {
          propagationPolicy: c.options.prunePropagationPolicy,
          ...(typeof uid === 'string' ? { uid } : {}),
        });
      }
      return {
        ...base,
        action: ResultAction.Pruned,
        message: dryRun ? 'would be pruned' : 'pruned',
        ...(diff ? { diff } : {}),
      };
    } catch (err) {
      return { ...base, action: ResultAction.Failed, message: `prune failed: ${errorMessage(err)}` };
    }
  };
  const ordered = pruneOrder(cands.filter((x) => x.decision === PruneDecision.Prune));
  const rank = (c: PruneCandidate) => `${c.options.pruneLast}|${c.wave}|${kindRank(c.ref.kind)}`;
  const results: ResourceResult[] = [];
  for (let i = 0; i < ordered.length; ) {
    let j = i;
    while (j < ordered.length && rank(ordered[j] as PruneCandidate) === rank(ordered[i] as PruneCandidate))
      j++;
    results.push(...(await mapLimit(ordered.slice(i, j), concurrency, pruneOne)));
    i = j;
  }
  return results;
}
