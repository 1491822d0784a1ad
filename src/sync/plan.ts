/**
 * The plan: for each ordinary item, create / update / recreate / none / shared, decided by the
 * verdict cache or a server-side dry-run apply compared with the live object.
 */

import { Annotation } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import { appKeyOfTrackingId } from '../api/tracking.js';
import { compare } from '../diff/drift.js';
import { type IgnoreRule, ignoredPointers, respectIgnored } from '../diff/ignore.js';
import { appliedAsDesired } from '../diff/local.js';
import { isImmutableFieldError } from '../kube/errors.js';
import type { ClusterClient } from '../kube/types.js';
import type { VerdictCache } from './cache.js';
import { mapLimit } from './limit.js';
import { type Item, Verdict } from './prepare.js';
import { type AppIdentity, FIELD_MANAGER } from './types.js';

export interface PlanContext {
  client: ClusterClient;
  cache: VerdictCache;
  app: AppIdentity;
  ignoreDifferences: readonly IgnoreRule[];
  concurrency: number;
}

/** The app that owns `live` by its tracking id, when that is not us. */
export function foreignOwner(
  live: { metadata: { annotations?: Record<string, string> } },
  app: AppIdentity,
): string | undefined {
  const owner = appKeyOfTrackingId(live.metadata.annotations?.[Annotation.TrackingId]);
  return owner && owner !== `${app.namespace}/${app.name}` ? owner : undefined;
}

export function immutableMessage(err: unknown): string {
  return `${errorMessage(err)} (the change needs the object deleted and recreated: set the sync option Force=true to allow it)`;
}

async function planOne(item: Item, ctx: PlanContext): Promise<void> {
  const live = item.live;
  if (item.pendingCrd || !live) {
    item.verdict = Verdict.Create;
    return;
  }
  const owner = foreignOwner(live, ctx.app);
  if (owner) {
    item.verdict = Verdict.Shared;
    item.message = `${item.where}: already managed by application ${owner}`;
    return;
  }
  item.ignored = ignoredPointers(ctx.ignoreDifferences, item.ref, live);
  if (ctx.cache.inSync(item.key, item.hash, live, item.ignored)) {
    item.verdict = Verdict.None;
    return;
  }
  // No cached verdict (e.g. after a restart): a local check can still prove the apply a no-op.
  if (!item.options.replace && appliedAsDesired(item.desired, live, FIELD_MANAGER, item.ignored)) {
    item.verdict = Verdict.None;
    ctx.cache.record(item.key, item.hash, live, item.ignored);
    return;
  }
  try {
    const predicted = await ctx.client.apply(respectIgnored(item.desired, live, item.ignored), {
      fieldManager: FIELD_MANAGER,
      force: true,
      dryRun: true,
      validate: item.options.validate,
    });
    item.comparison = compare(predicted, live, item.ignored);
    const predictedRv = predicted.metadata.resourceVersion;
    if (item.comparison.drifted && predictedRv && predictedRv !== live.metadata.resourceVersion) {
      // The object changed since it was read (a controller wrote to it): compare with it as it is now.
      const fresh = await ctx.client.get(item.address);
      if (fresh) {
        item.live = fresh;
        item.ignored = ignoredPointers(ctx.ignoreDifferences, item.ref, fresh);
        item.comparison = compare(predicted, fresh, item.ignored);
        if (!item.comparison.drifted) {
          item.verdict = Verdict.None;
          ctx.cache.record(item.key, item.hash, fresh, item.ignored);
          return;
        }
      }
    }
    if (item.comparison.drifted) {
      item.verdict = Verdict.Update;
    } else {
      item.verdict = Verdict.None;
      ctx.cache.record(item.key, item.hash, live, item.ignored);
    }
  } catch (err) {
    if (isImmutableFieldError(err)) {
      if (item.options.force) {
        item.verdict = Verdict.Recreate;
        item.message = `${errorMessage(err)}; Force=true: delete and recreate`;
      } else {
        item.verdict = Verdict.Invalid;
        item.message = immutableMessage(err);
      }
      return;
    }
    item.verdict = Verdict.Invalid;
    item.message = errorMessage(err);
  }
}

/** Fills in each ordinary item's verdict (items must already carry their live object). */
export async function planItems(items: readonly Item[], ctx: PlanContext): Promise<void> {
  const todo = items.filter((i) => i.verdict === Verdict.Create);
  await mapLimit(todo, ctx.concurrency, (i) => planOne(i, ctx));
}
