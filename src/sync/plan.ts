/**
 * plan(request) → SyncPlan. The reads happen here: the live objects (one LIST per kind and
 * namespace when several share one, GETs otherwise), a server-side dry-run apply for each object
 * the verdict cache cannot vouch for, and the objects that left Git. What was read is turned
 * into actions by the pure functions of decide.ts. Nothing is written.
 */
import { Annotation } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { appKeyOfTrackingId } from '../api/tracking.js';
import { compare } from '../diff/drift.js';
import { ignoredPointers } from '../diff/ignore.js';
import { loadJq } from '../diff/jq.js';
import { appliedAsDesired } from '../diff/local.js';
import { normalize } from '../diff/normalize.js';
import { maskedObjectDiff } from '../diff/text.js';
import { isImmutableFieldError } from '../kube/errors.js';
import type { ClusterClient } from '../kube/types.js';
import { asApplied } from './apply.js';
import { VerdictCache } from './cache.js';
import { decideObject, type Observation } from './decide.js';
import { mapLimit } from './limit.js';
import { fetchLive } from './live.js';
import { DEFAULT_SYNC_OPTIONS, parseSyncOptions } from './options.js';
import { type Item, Prepared, prepareItems } from './prepare.js';
import { planPrune } from './prune.js';
import { withoutSecretValues } from './secret-message.js';
import {
  type AppIdentity,
  FIELD_MANAGER,
  PlanAction,
  type PlanDeps,
  type PlannedObject,
  type PlanRequest,
  SkipCause,
  type SyncPlan,
} from './types.js';

/** The app that owns `live` by its tracking id, when that is not us. */
export function foreignOwner(
  live: { metadata: { annotations?: Record<string, string> } },
  app: AppIdentity,
): string | undefined {
  const owner = appKeyOfTrackingId(live.metadata.annotations?.[Annotation.TrackingId]);
  return owner && owner !== `${app.namespace}/${app.name}` ? owner : undefined;
}

interface ReadContext {
  client: ClusterClient;
  cache: VerdictCache;
  app: AppIdentity;
  ignoreDifferences: SyncPlan['ignoreDifferences'];
  jq: SyncPlan['jq'];
}

/** jq expressions are evaluated on each side: a list item can sit at another index in the prediction. */
function ignoredOnPredicted(item: Item, predicted: KubeObject, ctx: ReadContext): readonly string[] {
  return ctx.jq ? ignoredPointers(ctx.ignoreDifferences, item.ref, predicted, ctx.jq) : (item.ignored ?? []);
}

/** Reads what deciding about one ordinary item needs; keeps the live object on the item. */
async function observe(item: Item, ctx: ReadContext): Promise<Observation> {
  const live = item.live;
  if (item.pendingCrd || !live) return { kind: 'absent' };
  const owner = foreignOwner(live, ctx.app);
  if (owner) return { kind: 'foreign', owner };
  item.ignored = ignoredPointers(ctx.ignoreDifferences, item.ref, live, ctx.jq);
  if (ctx.cache.inSync(item.key, item.hash, live, item.ignored)) return { kind: 'known-in-sync' };
  // No cached verdict (e.g. after a restart): a local check can still prove the apply a no-op.
  if (!item.options.replace && appliedAsDesired(item.desired, live, FIELD_MANAGER, item.ignored)) {
    ctx.cache.record(item.key, item.hash, live, item.ignored);
    return { kind: 'known-in-sync' };
  }
  try {
    const predicted = await ctx.client.apply(asApplied(item, live), {
      fieldManager: FIELD_MANAGER,
      force: true,
      dryRun: true,
      validate: item.options.validate,
    });
    item.comparison = compare(predicted, live, item.ignored, ignoredOnPredicted(item, predicted, ctx));
    const predictedRv = predicted.metadata.resourceVersion;
    if (item.comparison.drifted && predictedRv && predictedRv !== live.metadata.resourceVersion) {
      // The object changed since it was read (a controller wrote to it): compare with it as it is now.
      const fresh = await ctx.client.get(item.address);
      if (fresh) {
        item.live = fresh;
        item.ignored = ignoredPointers(ctx.ignoreDifferences, item.ref, fresh, ctx.jq);
        item.comparison = compare(predicted, fresh, item.ignored, ignoredOnPredicted(item, predicted, ctx));
      }
    }
    if (!item.comparison.drifted) ctx.cache.record(item.key, item.hash, item.live ?? live, item.ignored);
    return { kind: 'compared', drifted: item.comparison.drifted };
  } catch (err) {
    // A dry-run's refusal may quote the value it refused: never a Secret's.
    const message = withoutSecretValues(item.desired, errorMessage(err));
    return { kind: 'refused', message, immutable: isImmutableFieldError(err) };
  }
}

function planned(item: Item, seen: Observation): PlannedObject {
  const base = { id: item.ref, wave: item.wave };
  const d = decideObject(seen, item.options, item.where);
  switch (d.action) {
    case PlanAction.Create:
      return {
        ...base,
        action: d.action,
        reason: d.reason,
        item,
        diff: maskedObjectDiff(item.ref, undefined, normalize(item.desired)),
      };
    case PlanAction.Update:
      return {
        ...base,
        action: d.action,
        reason: d.reason,
        item,
        recreate: d.recreate,
        ...(item.comparison
          ? { diff: { ref: item.ref, before: item.comparison.before, after: item.comparison.after } }
          : {}),
      };
    case PlanAction.Unchanged:
      return { ...base, action: d.action, reason: d.reason, item };
    case PlanAction.Skip:
      return {
        ...base,
        action: d.action,
        reason: d.reason,
        cause: d.cause,
        blocking: d.blocking,
        requiresPruning: false,
        item,
        ...(item.live ? { live: item.live } : {}),
      };
  }
}

export async function plan(request: PlanRequest, deps: PlanDeps): Promise<SyncPlan> {
  const { client } = deps;
  const concurrency = deps.concurrency ?? 16;
  const cache = deps.cache ?? new VerdictCache();
  const where = `application ${request.app.namespace}/${request.app.name}`;
  const options = parseSyncOptions(request.syncOptions ?? [], DEFAULT_SYNC_OPTIONS, where);
  const ignoreDifferences = request.ignoreDifferences ?? [];
  const jq = ignoreDifferences.some((r) => r.jqPathExpressions?.length) ? await loadJq() : undefined;
  const out: SyncPlan = {
    ...(jq ? { jq } : {}),
    app: request.app,
    destinationNamespace: request.destinationNamespace,
    options,
    ignoreDifferences,
    objects: [],
    inventory: request.inventory,
    refusedEmpty: false,
    warnings: [],
  };

  const items = await prepareItems(request.objects, {
    client,
    app: request.app,
    destinationNamespace: request.destinationNamespace,
    appOptions: options,
  });
  const ordinary = items.filter((i) => i.prepared === Prepared.Object);
  const invalid = items.filter((i) => i.prepared === Prepared.Invalid);
  if (ordinary.length + invalid.filter((i) => !i.hook).length === 0 && !request.allowEmpty) {
    out.refusedEmpty = true;
    out.warnings.push(
      `${where}: the render is empty; refusing to sync or prune (set allowEmpty to allow it)`,
    );
    return out;
  }

  const readable = ordinary.filter((i) => !i.pendingCrd);
  const byAddress = new Map(readable.map((i) => [i.address, i]));
  // An object this process wrote may not have reached the informers yet: its absence is not
  // trusted (a GET tells), lest it be planned for creation again.
  const known = deps.known;
  const live = await fetchLive(
    client,
    readable.map((i) => i.address),
    concurrency,
    known
      ? (a) => {
          const local = known(a);
          const item = byAddress.get(a);
          return local === null && item && cache.has(item.key) ? undefined : local;
        }
      : undefined,
  );
  for (const i of readable) i.live = live.get(i.key);
  const ctx: ReadContext = { client, cache, app: request.app, ignoreDifferences, jq };
  const seen = await mapLimit(ordinary, concurrency, (i) => observe(i, ctx));
  const byItem = new Map(ordinary.map((item, n) => [item, seen[n] as Observation]));

  for (const item of items) {
    if (item.prepared === Prepared.Invalid) {
      out.objects.push({
        id: item.ref,
        wave: item.wave,
        action: PlanAction.Skip,
        cause: SkipCause.Invalid,
        blocking: true,
        requiresPruning: false,
        reason: item.message,
        item,
      });
    } else if (item.prepared === Prepared.Hook && item.hook) {
      out.objects.push({
        id: item.ref,
        wave: item.wave,
        action: PlanAction.Hook,
        reason: `would run as a ${item.hook} hook`,
        item,
        hook: item.hook,
      });
    } else {
      out.objects.push(planned(item, byItem.get(item) as Observation));
    }
  }
  // Hooks share no key with what is pruned: an inventory entry that is a hook now is not pruned.
  const rendered = new Set(items.filter((i) => i.key).map((i) => i.key));
  out.objects.push(
    ...(await planPrune(request.inventory, rendered, {
      client,
      app: request.app,
      appOptions: options,
      mode: {
        prune: request.prune === true,
        confirmed: request.pruneConfirmed === true,
        deleting: request.deleting === true,
      },
      concurrency,
    })),
  );
  for (const p of out.objects) {
    if (p.action !== PlanAction.Skip || p.blocking) continue;
    if (p.cause === SkipCause.Shared || p.cause === SkipCause.Foreign) out.warnings.push(p.reason);
  }
  return out;
}
