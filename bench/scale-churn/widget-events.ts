/**
 * Widgets as the API server sends them under status churn, the same bytes every run: the LIST
 * of N Widgets carrying trueup tracking ids, and status-only MODIFIED watch lines (each as a
 * status write makes it: a new resourceVersion, the status writer's managedFields entry with a
 * new time, a new status). Shared by watch-events-server.ts (over HTTP) and watch-replay.ts
 * (no network).
 */

export const WIDGET_EVENTS_API = 'churn.trueup.dev/v1';
const ns = 'churn-dest';
const app = (i: number) => `c${String(Math.floor(i / 10)).padStart(5, '0')}`;
const name = (i: number) => `${app(i)}-w${i % 10}`;
/** The apply that created the Widgets; every status write of round `r` is `r` minutes after it. */
const createdAt = Date.parse('2026-12-06T03:20:00Z');
const at = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Widget `i` after status round `round` (round 1: the listed state), at resourceVersion `rv`. */
export function widgetObject(i: number, round: number, rv: number) {
  return {
    apiVersion: WIDGET_EVENTS_API,
    kind: 'Widget',
    metadata: {
      annotations: {
        'trueup.dev/tracking-id': `churn-apps/${app(i)}:churn.trueup.dev/Widget:${ns}/${name(i)}`,
      },
      creationTimestamp: at(createdAt),
      generation: 1,
      managedFields: [
        {
          apiVersion: WIDGET_EVENTS_API,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:annotations': { 'f:trueup.dev/tracking-id': {} } },
            'f:spec': { 'f:size': {} },
          },
          manager: 'trueup',
          operation: 'Apply',
          time: at(createdAt),
        },
        {
          apiVersion: WIDGET_EVENTS_API,
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:status': { '.': {}, 'f:conditions': {}, 'f:lastProbe': {}, 'f:observedTick': {} } },
          manager: 'bench-operator',
          operation: 'Update',
          subresource: 'status',
          time: at(createdAt + round * 60_000),
        },
      ],
      name: name(i),
      namespace: ns,
      resourceVersion: String(rv),
      uid: `0b1c2d3e-4f50-6172-8394-${String(i).padStart(12, '0')}`,
    },
    spec: { size: i % 10 },
    status: {
      conditions: [{ message: '', reason: 'Reconciled', status: 'True', type: 'Ready' }],
      lastProbe: new Date(round * 1000).toISOString(),
      observedTick: round,
    },
  };
}

/** The LIST body of N Widgets in round 1 (items without apiVersion and kind, as the server sends them). */
export function widgetList(n: number, rv: number) {
  const items = Array.from({ length: n }, (_, i) => {
    const { apiVersion: _a, kind: _k, ...item } = widgetObject(i, 1, rv);
    return item;
  });
  return { metadata: { resourceVersion: String(rv) }, items };
}

/** The discovery answer for the Widgets' group-version. */
export const widgetDiscovery = { resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }] };

/** The watch line (newline included) of the status write of Widget `i` in `round`. */
export const widgetWatchLine = (i: number, round: number, rv: number) =>
  `${JSON.stringify({ type: 'MODIFIED', object: widgetObject(i, round, rv) })}\n`;
