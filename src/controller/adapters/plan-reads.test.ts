import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.js';
import { RequestCounter } from '../../kube/counter.js';
import type { ClusterClient, ObjectAddress } from '../../kube/types.js';
import { PlanReads } from './plan-reads.js';

/** Counts reads; stores nothing (every object is absent, every list empty). */
function readCounter(): ClusterClient & { reads: string[] } {
  const reads: string[] = [];
  const unused = () => Promise.reject(new Error('not used'));
  return {
    reads,
    counter: new RequestCounter(),
    mapping: unused,
    invalidateDiscovery() {},
    async get(a) {
      reads.push(`get ${a.kind} ${a.name}`);
      return undefined;
    },
    async list(_v, kind, o) {
      reads.push(`list ${kind} ${o?.namespace ?? ''}`);
      return { items: [], resourceVersion: '1' };
    },
    watch: unused,
    apply: async (o) => o,
    create: async (o) => o,
    replace: async (o) => o,
    delete: async () => true,
    patchStatus: unused,
  };
}

const cm = (name: string): ObjectAddress => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'web', name });
const obj = (a: ObjectAddress): KubeObject => ({
  apiVersion: a.apiVersion,
  kind: a.kind,
  metadata: { name: a.name, namespace: a.namespace ?? '' },
});
const nothingKnown = () => undefined;

test('the apply takes each answer of the plan once, then reads from the server', async () => {
  const server = readCounter();
  const reads = new PlanReads();
  const plan = reads.recording(server);
  await plan.get(cm('a'));
  await plan.list('v1', 'Secret', { namespace: 'web' });
  assert.equal(server.reads.length, 2);
  assert.equal(reads.size, 2);

  const apply = reads.replaying(server, nothingKnown);
  assert.equal(reads.size, 0, 'handed over to the apply');
  assert.equal(await apply.get(cm('a')), undefined);
  assert.deepEqual((await apply.list('v1', 'Secret', { namespace: 'web' })).items, []);
  assert.equal(server.reads.length, 2, 'answered from the plan');
  await apply.get(cm('a'));
  await apply.list('v1', 'Secret', { namespace: 'web' });
  await apply.list('v1', 'Secret', { namespace: 'other' });
  assert.deepEqual(server.reads.slice(2), ['get ConfigMap a', 'list Secret web', 'list Secret other']);
});

test('a write ends the reuse of what it touched; a dry run does not', async () => {
  const server = readCounter();
  const reads = new PlanReads();
  const plan = reads.recording(server);
  await plan.get(cm('a'));
  await plan.get(cm('b'));
  await plan.list('v1', 'Secret', { namespace: 'web' });
  const apply = reads.replaying(server, nothingKnown);
  await apply.apply(obj(cm('b')), { fieldManager: 'trueup', force: true, dryRun: true });
  await apply.apply(obj(cm('a')), { fieldManager: 'trueup', force: true });
  await apply.get(cm('a'));
  await apply.get(cm('b'));
  await apply.list('v1', 'Secret', { namespace: 'web' });
  assert.deepEqual(server.reads.slice(3), ['get ConfigMap a', 'list Secret web']);
});

test('an object the informers know is never reported absent from memory', async () => {
  const server = readCounter();
  const reads = new PlanReads();
  await reads.recording(server).get(cm('a'));
  const apply = reads.replaying(server, (a) => (a.name === 'a' ? obj(a) : undefined));
  await apply.get(cm('a'));
  assert.deepEqual(server.reads, ['get ConfigMap a', 'get ConfigMap a']);
});

test('a new plan starts from nothing; clear() forgets', async () => {
  const server = readCounter();
  const reads = new PlanReads();
  await reads.recording(server).get(cm('a'));
  reads.recording(server);
  assert.equal(reads.size, 0);
  await reads.recording(server).get(cm('b'));
  reads.clear();
  await reads.replaying(server, nothingKnown).get(cm('b'));
  assert.deepEqual(server.reads, ['get ConfigMap a', 'get ConfigMap b', 'get ConfigMap b']);
});
