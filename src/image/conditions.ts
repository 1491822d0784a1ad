/** The Ready condition of the image resources, kstatus style, with a stable transition time. */
import type { Condition } from '../api/application.js';

export function readyCondition(
  previous: readonly Condition[] | undefined,
  ready: boolean,
  reason: string,
  message: string,
  generation: number | undefined,
  now: string,
): Condition[] {
  const old = previous?.find((c) => c.type === 'Ready');
  const status = ready ? 'True' : 'False';
  const lastTransitionTime = old && old.status === status ? (old.lastTransitionTime ?? now) : now;
  const others = (previous ?? []).filter((c) => c.type !== 'Ready');
  return [
    ...others,
    {
      type: 'Ready',
      status,
      reason,
      message,
      lastTransitionTime,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
    },
  ];
}

/** A Go duration (`1m30s`, `500ms`, `1h`) in milliseconds; undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  if (!/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  const unit: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (unit[m[2] as string] ?? 0);
  }
  return total;
}
