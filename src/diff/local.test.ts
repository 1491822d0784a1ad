import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, KubeObject } from '../api/object.js';
import { appliedAsDesired, containedIn, leafPointers } from './local.js';

const desired = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'n', annotations: { 'trueup.dev/tracking-id': 't' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'main', image: 'web:1' }] },
    },
  },
});

/** What the API server holds after applying desired() as `trueup` (fields as in a real response). */
const live = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'n',
    resourceVersion: '7',
    annotations: { 'trueup.dev/tracking-id': 't', 'deployment.kubernetes.io/revision': '1' },
    managedFields: [
      {
        manager: 'trueup',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:annotations': { 'f:trueup.dev/tracking-id': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"main"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: 'apps/v1',
        subresource: 'status',
        fieldsV1: { 'f:status': { 'f:replicas': {} } },
      },
    ],
  },
  spec: {
    replicas: 2,
    progressDeadlineSeconds: 600,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'main', image: 'web:1', imagePullPolicy: 'IfNotPresent' }],
        restartPolicy: 'Always',
      },
    },
  },
  status: { replicas: 2 },
});

function edit(o: KubeObject, f: (spec: JsonObject) => void): KubeObject {
  f(o.spec as JsonObject);
  return o;
}

test('leafPointers and containedIn', () => {
  assert.deepEqual(leafPointers({ a: { b: 1, c: [] }, d: ['x', 'y'], e: {} }), [
    '/a/b',
    '/a/c',
    '/d/0',
    '/d/1',
    '/e',
  ]);
  assert.equal(containedIn({ a: [{ b: 1 }] }, { a: [{ b: 1, c: 2 }], z: 1 }), true);
  assert.equal(containedIn({ a: [{ b: 1 }] }, { a: [{ b: 1 }, { b: 2 }] }), false, 'lengths differ');
  assert.equal(containedIn({ a: '1' }, { a: 1 }), false);
});

test('appliedAsDesired: a table of cases', () => {
  const cases: [string, KubeObject, KubeObject, string[], boolean][] = [
    ['as applied, plus defaults and others’ fields', desired(), live(), [], true],
    ['a value we own was changed', desired(), edit(live(), (s) => (s.replicas = 5)), [], false],
    [
      '...unless that field is ignored',
      desired(),
      edit(live(), (s) => (s.replicas = 5)),
      ['/spec/replicas'],
      true,
    ],
    ['desired changed', edit(desired(), (s) => (s.replicas = 3)), live(), [], false],
    [
      'a field removed from desired that we own',
      edit(desired(), (s) => delete s.replicas),
      live(),
      [],
      false,
    ],
    [
      'a new field in desired',
      edit(desired(), (s) => (s.paused = true)),
      edit(live(), (s) => (s.paused = true)),
      [],
      false,
    ],
    ['a field we own was removed live', desired(), edit(live(), (s) => delete s.replicas), [], false],
  ];
  for (const [name, d, l, ignored, expected] of cases) {
    assert.equal(appliedAsDesired(d, l, 'trueup', ignored), expected, name);
  }
  const noEntry = live();
  noEntry.metadata.managedFields = [];
  assert.equal(appliedAsDesired(desired(), noEntry, 'trueup', []), false, 'never applied by us');
  const otherVersion = live();
  (otherVersion.metadata.managedFields as JsonObject[])[0] = {
    ...((otherVersion.metadata.managedFields as JsonObject[])[0] as JsonObject),
    apiVersion: 'apps/v1beta1',
  };
  assert.equal(appliedAsDesired(desired(), otherVersion, 'trueup', []), false, 'owned under another version');
});
