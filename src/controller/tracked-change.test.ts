import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { healthPort } from './adapters/health.js';
import { trackedChangeMatters } from './tracked-change.js';

interface Over {
  rv?: string;
  generation?: number;
  spec?: unknown;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: unknown[];
  status?: unknown;
}

const widget = (over: Over) =>
  ({
    apiVersion: 'bench.trueup.dev/v1',
    kind: 'Widget',
    metadata: {
      name: 'w',
      namespace: 'ns',
      generation: over.generation ?? 1,
      resourceVersion: over.rv ?? '1',
      ...(over.labels ? { labels: over.labels } : {}),
      ...(over.annotations ? { annotations: over.annotations } : {}),
      ...(over.finalizers ? { finalizers: over.finalizers } : {}),
      ...(over.ownerReferences ? { ownerReferences: over.ownerReferences } : {}),
      managedFields: [{ manager: over.rv ?? 'x', operation: 'Update' }],
    },
    spec: over.spec ?? { size: 1 },
    ...(over.status ? { status: over.status } : {}),
  }) as unknown as KubeObject;

/** A kind without generation or spec: its `data` is what changes. */
const configMap = (rv: string, data: Record<string, string>) =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'ns', resourceVersion: rv },
    data,
  }) as unknown as KubeObject;

/** The same object as a list item arrives (apiVersion and kind added after the rest). */
const asListItem = (o: KubeObject) => {
  const { apiVersion, kind, ...rest } = o;
  return { ...rest, apiVersion, kind } as KubeObject;
};

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
    {
      name: 'an annotation changed',
      old: widget({ rv: '1', annotations: { a: 'b' } }),
      now: widget({ rv: '2', annotations: { a: 'c' } }),
      matters: true,
    },
    {
      name: 'a finalizer added',
      old: widget({ rv: '1' }),
      now: widget({ rv: '2', finalizers: ['x/y'] }),
      matters: true,
    },
    {
      name: 'an owner reference added',
      old: widget({ rv: '1' }),
      now: widget({ rv: '2', ownerReferences: [{ kind: 'X', name: 'x', uid: 'u' }] }),
      matters: true,
    },
    {
      name: 'generation moved, spec equal (e.g. a status write on a CRD without a status subresource)',
      old: widget({ rv: '1', generation: 1 }),
      now: widget({ rv: '2', generation: 2 }),
      matters: true,
    },
    {
      name: 'a ConfigMap (no generation) whose data changed',
      old: configMap('1', { a: '1' }),
      now: configMap('2', { a: '2' }),
      matters: true,
    },
    {
      name: 'a ConfigMap whose data gained a key',
      old: configMap('1', { a: '1' }),
      now: configMap('2', { a: '1', b: '2' }),
      matters: true,
    },
    {
      name: 'a ConfigMap written again unchanged (only resourceVersion moved)',
      old: configMap('1', { a: '1' }),
      now: configMap('2', { a: '1' }),
      matters: false,
    },
    {
      name: 'the same object with its keys in another order (a relist item), status-only change',
      old: asListItem(widget({ rv: '1', status: ready('True', { count: 1 }) })),
      now: widget({ rv: '2', status: ready('True', { count: 2 }) }),
      matters: false,
    },
  ];
  for (const r of rows) assert.equal(trackedChangeMatters(r.old, r.now, healthPort), r.matters, r.name);
});
