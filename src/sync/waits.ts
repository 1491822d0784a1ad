/** Polling waits: objects healthy, CRDs established, objects gone. */
import { RetryClass, TrueupError } from '../api/errors.js';
import { describeRef, groupOf, type KubeObject, refKey } from '../api/object.js';
import { assessHealth } from '../health/index.js';
import { type Health, HealthStatus } from '../health/types.js';
import type { ClusterClient, ObjectAddress } from '../kube/types.js';
import { fetchLive } from './live.js';

export interface WaitContext {
  client: ClusterClient;
  timeoutMs: number;
  pollMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

function describeAddress(a: ObjectAddress): string {
  return describeRef({
    group: groupOf(a.apiVersion),
    kind: a.kind,
    namespace: a.namespace ?? '',
    name: a.name,
  });
}

export interface HealthOutcome {
  ok: boolean;
  /** Per address, the last health seen. */
  healths: Map<ObjectAddress, Health>;
  message: string;
}

const DONE: ReadonlySet<string> = new Set([HealthStatus.Healthy, HealthStatus.Suspended]);

/**
 * Waits until every object is Healthy (or Suspended). Fails at once when one is Degraded, and
 * after the timeout when some are still not healthy.
 */
export async function waitHealthy(
  addresses: readonly ObjectAddress[],
  ctx: WaitContext,
  what: string,
): Promise<HealthOutcome> {
  const healths = new Map<ObjectAddress, Health>();
  const deadline = ctx.now() + ctx.timeoutMs;
  let pending = [...addresses];
  for (;;) {
    const still: ObjectAddress[] = [];
    // One LIST per kind and namespace when many objects share them, GETs otherwise.
    const lives = await fetchLive(ctx.client, pending, 8);
    for (const a of pending) {
      const live = lives.get(
        refKey({ group: groupOf(a.apiVersion), kind: a.kind, namespace: a.namespace ?? '', name: a.name }),
      );
      const h = assessHealth(live);
      healths.set(a, h);
      if (h.status === HealthStatus.Degraded) {
        return { ok: false, healths, message: `${what}: ${describeAddress(a)} is Degraded: ${h.message}` };
      }
      if (!DONE.has(h.status)) still.push(a);
    }
    pending = still;
    if (pending.length === 0) return { ok: true, healths, message: '' };
    if (ctx.now() >= deadline) {
      const first = pending[0] as ObjectAddress;
      const h = healths.get(first);
      return {
        ok: false,
        healths,
        message: `${what}: timed out after ${Math.round(ctx.timeoutMs / 1000)}s waiting for ${describeAddress(first)} to be healthy (${h?.status}: ${h?.message})${pending.length > 1 ? ` and ${pending.length - 1} more` : ''}`,
      };
    }
    await ctx.sleep(ctx.pollMs);
  }
}

/** Waits until the object is gone (after a delete). */
export async function waitGone(a: ObjectAddress, ctx: WaitContext): Promise<void> {
  const deadline = ctx.now() + ctx.timeoutMs;
  while ((await ctx.client.get(a)) !== undefined) {
    if (ctx.now() >= deadline) {
      throw new TrueupError(
        'DeleteTimeout',
        `${describeAddress(a)}: still present ${Math.round(ctx.timeoutMs / 1000)}s after deletion`,
        {
          retry: RetryClass.Transient,
        },
      );
    }
    await ctx.sleep(ctx.pollMs);
  }
}

function established(crd: KubeObject | undefined): boolean {
  const conditions = (crd?.status as { conditions?: { type?: string; status?: string }[] } | undefined)
    ?.conditions;
  return Array.isArray(conditions) && conditions.some((c) => c.type === 'Established' && c.status === 'True');
}

/** Waits until each CRD is Established, then drops cached discovery so its kinds resolve. */
export async function waitEstablished(names: readonly string[], ctx: WaitContext): Promise<void> {
  const deadline = ctx.now() + ctx.timeoutMs;
  for (const name of names) {
    const a = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name };
    while (!established(await ctx.client.get(a))) {
      if (ctx.now() >= deadline) {
        throw new TrueupError(
          'CrdNotEstablished',
          `CustomResourceDefinition.apiextensions.k8s.io ${name}: not Established after ${Math.round(ctx.timeoutMs / 1000)}s`,
          {
            retry: RetryClass.Waiting,
          },
        );
      }
      await ctx.sleep(ctx.pollMs);
    }
  }
  if (names.length > 0) ctx.client.invalidateDiscovery();
}
