import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { assessHealth } from '../health/index.js';
import type { ObjectId } from '../sync/index.js';
import type { ChangeSet, SyncPlan } from '../sync/types.js';
import { resourceStatuses } from './resources.js';

const id = (name: string): ObjectId => ({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  namespace: 'ns',
  name,
});
const deployment = (name: string, ready: boolean): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'ns', generation: 1 },
  spec: { replicas: 1 },
  status: ready
    ? { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }
    : {},
});

// A plan that creates one object, and the change set of its execution.
const plan = {
  objects: [{ id: id('web'), wave: 0, action: 'create', reason: 'missing', item: {} }],
} as unknown as SyncPlan;
const change = (live?: KubeObject): ChangeSet => ({
  phase: 'Succeeded',
  message: '',
  changed: true,
  warnings: [],
  inventory: [id('web')],
  resources: [{ ref: id('web'), action: 'created', message: 'created', wave: 0, ...(live ? { live } : {}) }],
});
const health = (o: KubeObject) => assessHealth(o);

test('after a write the informers do not hold yet, health reads the object the write returned', () => {
  const cases: { name: string; informer?: KubeObject; written?: KubeObject; want: string }[] = [
    // The watch event has not arrived: the written object (not "Missing", which would take a second pass and status write).
    { name: 'written only', written: deployment('web', true), want: 'Healthy' },
    // The informers' copy is newer than the write's answer: it wins.
    {
      name: 'informer newer',
      informer: deployment('web', false),
      written: deployment('web', true),
      want: 'Progressing',
    },
    { name: 'neither', want: 'Missing' },
  ];
  for (const c of cases) {
    const [r] = resourceStatuses(plan, change(c.written), true, health, () => c.informer);
    assert.equal(r?.health?.status, c.want, c.name);
    assert.equal(r?.status, 'Synced', c.name);
  }
});
