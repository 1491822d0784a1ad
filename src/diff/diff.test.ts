import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, KubeObject } from '../api/object.js';
import { compare } from './drift.js';
import {
  fieldsV1ToPointers,
  ignoredPointers,
  managerPointers,
  respectIgnored,
  rulesFor,
  withoutIgnored,
} from './ignore.js';
import { MASK_AFTER, MASK_BEFORE, MASK_SAME, maskSecretPair } from './mask.js';
import { normalize } from './normalize.js';
import { removeAll } from './pointer.js';
import { diffText, maskedObjectDiff } from './text.js';

const ref = { group: 'apps', kind: 'Deployment', namespace: 'web', name: 'api' };

function deploy(replicas: number, extra: JsonObject = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'api',
      namespace: 'web',
      resourceVersion: '42',
      uid: 'u-1',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [
        { manager: 'trueup', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:template': {} } } },
        {
          manager: 'hpa',
          operation: 'Update',
          subresource: 'scale',
          fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        },
        {
          manager: 'kcm',
          operation: 'Update',
          subresource: 'status',
          fieldsV1: { 'f:status': { 'f:replicas': {} } },
        },
      ],
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    },
    spec: { replicas, template: { spec: { containers: [{ name: 'main', image: 'a:1' }] } }, ...extra },
    status: { replicas },
  };
}

test('normalize drops metadata noise and status, and never mutates its input', () => {
  const d = deploy(2);
  const n = normalize(d);
  assert.deepEqual(n.metadata, { name: 'api', namespace: 'web' });
  assert.equal(n.status, undefined);
  assert.equal(d.metadata.resourceVersion, '42');
});

test('normalize leaves managedFields and status out before copying: it never reads inside them', () => {
  const d = deploy(2);
  const read: string[] = [];
  const spy = (what: string) => ({
    get inner() {
      read.push(what);
      return 1;
    },
  });
  (d.metadata.managedFields as unknown[]).push(spy('managedFields'));
  (d as unknown as { status: unknown }).status = spy('status');
  d.metadata.labels = {};
  d.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'y' };
  const n = normalize(d);
  assert.deepEqual(read, [], 'a deep copy of the whole object would read both');
  assert.deepEqual(n.metadata, { name: 'api', namespace: 'web', annotations: { keep: 'y' } });
  assert.deepEqual(Object.keys(n), ['apiVersion', 'kind', 'metadata', 'spec'], "the input's key order");
  assert.equal(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], '{}');
  assert.deepEqual(d.metadata.labels, {}, 'the input is untouched');
});

test('compare: a table of drift verdicts', () => {
  const cases: {
    name: string;
    live: KubeObject;
    predicted: KubeObject;
    ignored: string[];
    drifted: boolean;
  }[] = [
    { name: 'identical', live: deploy(2), predicted: deploy(2), ignored: [], drifted: false },
    {
      name: 'noise only (resourceVersion, status)',
      live: deploy(2),
      predicted: {
        ...deploy(2),
        metadata: { ...deploy(2).metadata, resourceVersion: '43' },
        status: { replicas: 9 },
      },
      ignored: [],
      drifted: false,
    },
    { name: 'replicas changed', live: deploy(5), predicted: deploy(2), ignored: [], drifted: true },
    {
      name: 'replicas changed but ignored',
      live: deploy(5),
      predicted: deploy(2),
      ignored: ['/spec/replicas'],
      drifted: false,
    },
    {
      name: 'new field',
      live: deploy(2),
      predicted: deploy(2, { paused: true }),
      ignored: [],
      drifted: true,
    },
  ];
  for (const c of cases) {
    const r = compare(c.predicted, c.live, c.ignored);
    assert.equal(r.drifted, c.drifted, c.name);
    assert.equal(r.patch.length > 0, c.drifted, c.name);
  }
  assert.deepEqual(compare(deploy(2), deploy(5), []).patch, [
    { op: 'replace', path: '/spec/replicas', value: 2 },
  ]);
});

test('rulesFor matches group/kind/name/namespace with wildcards', () => {
  const rules = [
    { group: 'apps', kind: 'Deployment', jsonPointers: ['/a'] },
    { kind: 'Deployment', name: 'other', jsonPointers: ['/b'] },
    { group: '*', kind: '*', namespace: 'web', jsonPointers: ['/c'] },
    { group: '', kind: 'ConfigMap', jsonPointers: ['/d'] },
  ];
  assert.deepEqual(
    rulesFor(rules, ref).map((r) => r.jsonPointers?.[0]),
    ['/a', '/c'],
  );
});

test('managedFields: fieldsV1 to pointers (fields, keyed list items, set values), status subresource excluded', () => {
  const live = {
    spec: {
      containers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'y' },
      ],
      finalizers: ['one', 'two'],
    },
  };
  const fields = {
    'f:spec': {
      'f:containers': { 'k:{"name":"b"}': { '.': {}, 'f:image': {} } },
      'f:finalizers': { 'v:"two"': {} },
    },
  };
  assert.deepEqual(fieldsV1ToPointers(fields, live), ['/spec/containers/1/image', '/spec/finalizers/1']);
  assert.deepEqual(managerPointers(deploy(2), ['hpa']), ['/spec/replicas']);
  assert.deepEqual(managerPointers(deploy(2), ['kcm']), []);
  assert.deepEqual(
    ignoredPointers(
      [{ group: 'apps', kind: 'Deployment', managedFieldsManagers: ['hpa'], jsonPointers: ['/spec/paused'] }],
      ref,
      deploy(2),
    ),
    ['/spec/paused', '/spec/replicas'],
  );
});

test('removeAll removes several array elements by their original indices', () => {
  const doc = { a: [0, 1, 2, 3], b: { c: 1, d: 2 } } as JsonObject;
  removeAll(doc, ['/a/1', '/a/3', '/b/c', '/missing/x']);
  assert.deepEqual(doc, { a: [0, 2], b: { d: 2 } });
  assert.deepEqual(withoutIgnored({ x: { y: 1, z: 2 } }, ['/x/y']), { x: { z: 2 } });
});

test('respectIgnored: ignored fields take the live value, or are dropped; fields Git does not set are not claimed', () => {
  const desired = deploy(2);
  const live = deploy(7, { paused: true });
  const out = respectIgnored(desired, live, ['/spec/replicas', '/spec/paused', '/spec/minReadySeconds']);
  assert.equal((out.spec as JsonObject).replicas, 7);
  assert.equal((out.spec as JsonObject).paused, undefined, 'not in desired: not added');
  const liveWithout = deploy(7);
  delete (liveWithout.spec as JsonObject).replicas;
  assert.equal(
    (respectIgnored(desired, liveWithout, ['/spec/replicas']).spec as JsonObject).replicas,
    undefined,
  );
  assert.equal((desired.spec as JsonObject).replicas, 2, 'input untouched');
});

test('Secret values are masked, changed keys distinguishable, in text and patch', () => {
  const secret = (data: Record<string, string>): JsonObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data,
  });
  const [b, a] = maskSecretPair(
    secret({ same: 'c2FtZQ==', changed: 'b2xk' }),
    secret({ same: 'c2FtZQ==', changed: 'bmV3', added: 'eA==' }),
  );
  assert.deepEqual(b?.data, { same: MASK_SAME, changed: MASK_BEFORE });
  assert.deepEqual(a?.data, { same: MASK_SAME, changed: MASK_AFTER, added: MASK_AFTER });
  const live = { ...secret({ p: 'aHVudGVyMg==' }), metadata: { name: 's', namespace: 'n' } } as KubeObject;
  const predicted = { ...secret({ p: 'c2VjcmV0' }), metadata: { name: 's', namespace: 'n' } } as KubeObject;
  const cmp = compare(predicted, live, []);
  assert.equal(cmp.drifted, true);
  const text = diffText([
    { ref: { group: '', kind: 'Secret', namespace: 'n', name: 's' }, before: cmp.before, after: cmp.after },
  ]);
  assert.doesNotMatch(text + JSON.stringify(cmp.patch), /aHVudGVyMg|c2VjcmV0/);
  assert.match(text, /- {2}p: \+\+\+\+\+\+\+\+ \(before\)/);
  const created = maskedObjectDiff({ group: '', kind: 'Secret', namespace: 'n', name: 's' }, undefined, {
    apiVersion: 'v1',
    kind: 'Secret',
    stringData: { password: 'hunter2' },
  });
  assert.doesNotMatch(diffText([created]), /hunter2/);
});

test('diffText: kubectl-diff-like headers, nothing for equal objects', () => {
  const text = diffText([
    { ref, before: normalize(deploy(5)), after: normalize(deploy(2)) },
    { ref: { ...ref, name: 'same' }, before: { a: 1 }, after: { a: 1 } },
  ]);
  assert.match(text, /^--- live\/apps\.Deployment\.web\.api\n\+\+\+ merged\/apps\.Deployment\.web\.api\n/);
  assert.match(text, /- {2}replicas: 5\n\+ {2}replicas: 2/);
  assert.doesNotMatch(text, /same/);
});
