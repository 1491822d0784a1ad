import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { healthPort } from './adapters/health.js';
import { trackedChangeMatters } from './tracked-change.js';

const widget = (over: { rv?: string; spec?: unknown; labels?: Record<string, string>; status?: unknown }) =>
  ({
    apiVersion: 'bench.trueup.dev/v1',
    kind: 'Widget',
    metadata: {
      name: 'w',
      namespace: 'ns',
      generation: 1,
      resourceVersion: over.rv ?? '1',
      ...(over.labels ? { labels: over.labels } : {}),
      managedFields: [{ manager: over.rv ?? 'x', operation: 'Update' }],
    },
    spec: over.spec ?? { size: 1 },
    ...(over.status ? { status: over.status } : {}),
  }) as unknown as KubeObject;

const ready = (s: 'True' | 'False', extra: Record<string, unknown> = {}) => ({
  ...extra,
  conditions: [{ type: 'Ready', status: s, reason: 'R', message: '' }],
});

test('which managed-object changes send the app to the queue', () => {
  const rows: { name: string; old: KubeObject | undefined; now: KubeObject; matters: boolean }[] = [
    { name: 'added (no old object)', old: undefined, now: widget({}), matters: true },
    {
      name: 'status-only, health unchanged (a counter moved)',
      old: widget({ rv: '1', status: ready('True', { count: 1 }) }),
      now: widget({ rv: '2', status: ready('True', { count: 2 }) }),
      matters: false,
    },
    {
      name: 'status appears, health unchanged (no conditions either way)',
      old: widget({ rv: '1' }),
      now: widget({ rv: '2', status: { count: 1 } }),
      matters: false,
    },
    {
      name: 'status-only, health changes (Ready goes False)',
      old: widget({ rv: '1', status: ready('True') }),
      now: widget({ rv: '2', status: ready('False') }),
      matters: true,
    },
    {
      name: 'spec changed (drift)',
      old: widget({ rv: '1', spec: { size: 1 } }),
      now: widget({ rv: '2', spec: { size: 2 } }),
      matters: true,
    },
    {
      name: 'a label changed',
      old: widget({ rv: '1' }),
      now: widget({ rv: '2', labels: { a: 'b' } }),
      matters: true,
    },
  ];
  for (const r of rows) assert.equal(trackedChangeMatters(r.old, r.now, healthPort), r.matters, r.name);
});
