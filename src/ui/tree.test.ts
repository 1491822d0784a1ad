import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResourceStatus } from '../api/application-status.js';
import type { KubeObject } from '../api/object.js';
import type { TreeNode } from './shared/api-types.js';
import { buildTree, ownedKindsOf } from './tree.js';

const obj = (
  apiVersion: string,
  kind: string,
  name: string,
  uid: string,
  owner?: string,
  extra: object = {},
): KubeObject =>
  ({
    apiVersion,
    kind,
    metadata: { name, namespace: 'web', uid, ...(owner ? { ownerReferences: [{ uid: owner }] } : {}) },
    ...extra,
  }) as KubeObject;

const shape = (nodes: TreeNode[]): unknown =>
  nodes.map((n) => [`${n.kind}/${n.name}`, n.health, ...(n.children.length ? [shape(n.children)] : [])]);

const deploy = obj('apps/v1', 'Deployment', 'api', 'd1', undefined, {
  metadata: { name: 'api', namespace: 'web', uid: 'd1', generation: 1 },
  spec: { replicas: 1 },
  status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1 },
});
const rs = obj('apps/v1', 'ReplicaSet', 'api-1', 'r1', 'd1', {
  spec: { replicas: 1 },
  status: { replicas: 1, availableReplicas: 1, readyReplicas: 1 },
});
const oldRs = obj('apps/v1', 'ReplicaSet', 'api-0', 'r0', 'd1', {
  spec: { replicas: 0 },
  status: { replicas: 0 },
});
const pod = obj('v1', 'Pod', 'api-1-x', 'p1', 'r1', {
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});
const job = obj('batch/v1', 'Job', 'migrate', 'j1');
const jobPod = obj('v1', 'Pod', 'migrate-x', 'p2', 'j1', { status: { phase: 'Pending' } });
const stranger = obj('v1', 'Pod', 'other', 'p3', 'nobody');

const res = (group: string, kind: string, name: string, o: Partial<ResourceStatus> = {}): ResourceStatus => ({
  group,
  version: 'v1',
  kind,
  namespace: 'web',
  name,
  status: 'Synced',
  ...o,
});

test('buildTree: managed objects with what they own, by owner uid, sorted; missing objects marked', () => {
  const live = new Map<string, KubeObject>([
    ['Deployment/api', deploy],
    ['Job/migrate', job],
  ]);
  const nodes = buildTree(
    [
      res('batch', 'Job', 'migrate'),
      res('apps', 'Deployment', 'api'),
      res('', 'ConfigMap', 'gone', { status: 'OutOfSync' }),
    ],
    (r) => live.get(`${r.kind}/${r.name}`),
    [pod, rs, oldRs, jobPod, stranger],
  );
  assert.deepEqual(shape(nodes), [
    ['ConfigMap/gone', 'Missing'],
    [
      'Deployment/api',
      'Healthy',
      [
        ['ReplicaSet/api-0', 'Healthy'],
        ['ReplicaSet/api-1', 'Healthy', [['Pod/api-1-x', 'Healthy']]],
      ],
    ],
    ['Job/migrate', nodes[2]?.health, [['Pod/migrate-x', 'Progressing']]],
  ]);
  assert.equal(nodes[0]?.sync, 'OutOfSync');
  assert.equal(nodes[1]?.managed, true);
  assert.equal(nodes[1]?.children[0]?.managed, false);
});

test('buildTree: an ownership cycle does not loop', () => {
  const a = obj('apps/v1', 'ReplicaSet', 'a', 'ua', 'ub');
  const b = obj('apps/v1', 'ReplicaSet', 'b', 'ub', 'ua');
  const nodes = buildTree([res('apps', 'ReplicaSet', 'a')], () => a, [a, b]);
  assert.deepEqual(shape(nodes), [['ReplicaSet/a', 'Progressing', [['ReplicaSet/b', 'Progressing']]]]);
});

test('ownedKindsOf: the kinds to list, transitively, once each', () => {
  const cases: [string[], string[]][] = [
    [['apps/Deployment'], ['ReplicaSet', 'Pod']],
    [['batch/CronJob'], ['Job', 'Pod']],
    [['apps/StatefulSet', 'apps/DaemonSet'], ['Pod']],
    [['/ConfigMap'], []],
  ];
  for (const [owners, want] of cases)
    assert.deepEqual(
      ownedKindsOf(owners)
        .map((k) => k.kind)
        .sort(),
      [...want].sort(),
      owners.join(),
    );
});
