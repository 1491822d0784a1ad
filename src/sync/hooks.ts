/**
 * Hooks: objects annotated `trueup.dev/hook` (usually Jobs) created in their phase, one wave at
 * a time, and waited on until healthy (a Job completes) or degraded (it fails). Delete
 * policies: BeforeHookCreation (default), HookSucceeded, HookFailed.
 */
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { PropagationPolicy } from '../kube/types.js';
import type { ExecContext } from './apply.js';
import { compareOrder, HookDeletePolicy, type HookType } from './order.js';
import type { Item } from './prepare.js';
import { withoutSecretValues } from './secret-message.js';
import { FIELD_MANAGER, type ResourceResult, ResultAction } from './types.js';
import { type WaitContext, waitGone, waitHealthy } from './waits.js';

function result(item: Item, name: string, action: ResultAction, message: string): ResourceResult {
  return {
    ref: { ...item.ref, name },
    action,
    message,
    wave: item.wave,
    ...(item.hook ? { hook: item.hook } : {}),
  };
}

async function runHook(item: Item, ctx: ExecContext, wait: WaitContext): Promise<ResourceResult> {
  const { client } = ctx;
  const policies = item.hookPolicies;
  let name = item.desired.metadata.name ?? '';
  try {
    if (name && policies.includes(HookDeletePolicy.BeforeHookCreation)) {
      if (await client.delete(item.address, { propagationPolicy: PropagationPolicy.Background })) {
        await waitGone(item.address, wait);
      }
    }
    let created: KubeObject;
    if (name) {
      created = await client.apply(item.desired, {
        fieldManager: FIELD_MANAGER,
        force: true,
        validate: item.options.validate,
      });
    } else {
      created = await client.create(item.desired, {
        fieldManager: FIELD_MANAGER,
        validate: item.options.validate,
      });
      name = created.metadata.name ?? '';
    }
    const address = { ...item.address, name };
    const outcome = await waitHealthy([address], wait, `${item.hook} hook`);
    const ok = outcome.ok;
    if (
      (ok && policies.includes(HookDeletePolicy.HookSucceeded)) ||
      (!ok && policies.includes(HookDeletePolicy.HookFailed))
    ) {
      await client.delete(address, { propagationPolicy: PropagationPolicy.Background });
    }
    return ok
      ? result(item, name, ResultAction.Created, `${item.hook} hook succeeded`)
      : result(item, name, ResultAction.Failed, `${item.hook} hook failed: ${outcome.message}`);
  } catch (err) {
    return result(
      item,
      name,
      ResultAction.Failed,
      `${item.hook} hook failed: ${withoutSecretValues(item.desired, errorMessage(err))}`,
    );
  }
}

/** Runs the hooks of one phase, wave by wave; stops at the first wave with a failure. */
export async function runHooks(
  items: readonly Item[],
  phase: HookType,
  ctx: ExecContext,
  wait: WaitContext,
): Promise<{ ok: boolean; results: ResourceResult[] }> {
  const hooks = items
    .filter((i) => i.hook === phase)
    .sort((a, b) => compareOrder({ ...a.ref, wave: a.wave }, { ...b.ref, wave: b.wave }));
  const results: ResourceResult[] = [];
  const waves = [...new Set(hooks.map((h) => h.wave))];
  for (const wave of waves) {
    const batch = hooks.filter((h) => h.wave === wave);
    const out = await Promise.all(batch.map((h) => runHook(h, ctx, wait)));
    results.push(...out);
    if (out.some((r) => r.action === ResultAction.Failed)) return { ok: false, results };
  }
  return { ok: true, results };
}
