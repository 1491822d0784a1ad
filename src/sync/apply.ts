/**
 * Writes one planned item: server-side apply with force (ignored fields keep their live
 * values), or PUT with Replace=true, or delete-and-recreate with Force=true when a field is
 * immutable. Records the in-sync verdict for the object the server returns.
 */
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { ignoredPointers, respectIgnored } from '../diff/ignore.js';
import { normalize } from '../diff/normalize.js';
import { maskedObjectDiff } from '../diff/text.js';
import { isImmutableFieldError } from '../kube/errors.js';
import { type ClusterClient, PropagationPolicy } from '../kube/types.js';
import type { VerdictCache } from './cache.js';
import { immutableReason } from './decide.js';
import type { Item } from './prepare.js';
import { withoutSecretValues } from './secret-message.js';
import { FIELD_MANAGER, type ResourceResult, ResultAction, type SyncPlan } from './types.js';
import { type WaitContext, waitGone } from './waits.js';

/** What writing needs besides the item: the client, the verdict cache, the app's ignore rules. */
export interface ExecContext {
  client: ClusterClient;
  cache: VerdictCache;
  ignoreDifferences: SyncPlan['ignoreDifferences'];
  jq: SyncPlan['jq'];
  concurrency: number;
}

function resultOf(item: Item, action: ResultAction, message: string): ResourceResult {
  const r: ResourceResult = {
    ref: item.ref,
    action,
    // An API error may quote the value it refused: never a Secret's.
    message: action === ResultAction.Failed ? withoutSecretValues(item.desired, message) : message,
    wave: item.wave,
  };
  if (item.hook) r.hook = item.hook;
  if (action === ResultAction.Created)
    r.diff = maskedObjectDiff(item.ref, undefined, normalize(item.desired));
  else if (item.comparison && action === ResultAction.Configured) {
    r.diff = { ref: item.ref, before: item.comparison.before, after: item.comparison.after };
  }
  return r;
}

/** The object to write: ignored fields keep their live values unless RespectIgnoreDifferences=false. */
export function asApplied(item: Item, live: KubeObject | undefined): KubeObject {
  return item.options.respectIgnoreDifferences
    ? respectIgnored(item.desired, live, item.ignored)
    : item.desired;
}

async function write(item: Item, live: KubeObject | undefined, ctx: ExecContext): Promise<KubeObject> {
  const { client } = ctx;
  if (item.options.replace) {
    if (!live)
      return client.create(item.desired, { fieldManager: FIELD_MANAGER, validate: item.options.validate });
    const body = asApplied(item, live);
    body.metadata = { ...body.metadata, resourceVersion: String(live.metadata.resourceVersion ?? '') };
    return client.replace(body, { fieldManager: FIELD_MANAGER, validate: item.options.validate });
  }
  return client.apply(asApplied(item, live), {
    fieldManager: FIELD_MANAGER,
    force: true,
    validate: item.options.validate,
  });
}

async function recreate(item: Item, ctx: ExecContext, wait: WaitContext): Promise<KubeObject> {
  const uid = item.live?.metadata.uid;
  await ctx.client.delete(item.address, {
    propagationPolicy: PropagationPolicy.Foreground,
    ...(typeof uid === 'string' ? { uid } : {}),
  });
  await waitGone(item.address, wait);
  item.live = undefined;
  item.ignored = [];
  return write(item, undefined, ctx);
}

/** Applies an item planned for create or update (`recreate`: delete it first); never throws. */
export async function applyItem(
  item: Item,
  recreateFirst: boolean,
  ctx: ExecContext,
  wait: WaitContext,
): Promise<ResourceResult> {
  let existed = item.live !== undefined;
  try {
    if (item.pendingCrd && !item.live) {
      // Its kind was unknown at plan time; it may exist now (a CR applied by a previous sync).
      item.live = await ctx.client.get(item.address);
      if (item.live) item.ignored = ignoredPointers(ctx.ignoreDifferences, item.ref, item.live, ctx.jq);
      existed = item.live !== undefined;
    }
    let out: KubeObject;
    let note = '';
    if (recreateFirst) {
      out = await recreate(item, ctx, wait);
      note = ' (deleted and recreated: immutable field changed, Force=true)';
    } else {
      try {
        out = await write(item, item.live, ctx);
      } catch (err) {
        if (!isImmutableFieldError(err)) throw err;
        if (!item.options.force) {
          return resultOf(item, ResultAction.Failed, immutableReason(errorMessage(err)));
        }
        out = await recreate(item, ctx, wait);
        note = ' (deleted and recreated: immutable field changed, Force=true)';
      }
    }
    // The object it overwrote (item.live) may still be what the informer holds for a moment.
    ctx.cache.record(item.key, item.hash, out, item.ignored, recreateFirst ? undefined : item.live);
    const action = existed ? ResultAction.Configured : ResultAction.Created;
    return { ...resultOf(item, action, `${existed ? 'configured' : 'created'}${note}`), live: out };
  } catch (err) {
    ctx.cache.forget(item.key);
    return resultOf(item, ResultAction.Failed, errorMessage(err));
  }
}
