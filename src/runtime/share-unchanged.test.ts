import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shareUnchanged } from './share-unchanged.js';

/** A fresh copy, as a watch event decodes one. */
const decoded = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

test('equal values (key order aside) come back as the old value itself', () => {
  const rows: { name: string; old: unknown; now: unknown }[] = [
    { name: 'a string', old: 'a', now: 'a' },
    { name: 'an object', old: { a: 1, b: { c: [1, 2] } }, now: { a: 1, b: { c: [1, 2] } } },
    { name: 'keys in another order', old: { a: 1, b: 2 }, now: { b: 2, a: 1 } },
    { name: 'empty object', old: {}, now: {} },
    { name: 'an array', old: [{ a: 1 }, 'x'], now: [{ a: 1 }, 'x'] },
  ];
  for (const r of rows) assert.equal(shareUnchanged(r.old, decoded(r.now)), r.old, r.name);
});

test('different values come back as the new value', () => {
  const rows: { name: string; old: unknown; now: unknown }[] = [
    { name: 'a scalar', old: 1, now: 2 },
    { name: 'null against an object', old: null, now: {} },
    { name: 'an object against null', old: {}, now: null },
    { name: 'an array against an object', old: [], now: {} },
    { name: 'an object against an array', old: {}, now: [] },
    { name: 'a key more', old: { a: 1 }, now: { a: 1, b: 2 } },
    { name: 'a key fewer', old: { a: 1, b: 2 }, now: { a: 1 } },
    { name: 'a key renamed', old: { a: 1 }, now: { b: 1 } },
    { name: 'an element more', old: [1], now: [1, 2] },
    { name: 'an element fewer', old: [1, 2], now: [1] },
    { name: 'a deep change', old: { a: { b: { c: 1 } } }, now: { a: { b: { c: 2 } } } },
  ];
  for (const r of rows) {
    const now = decoded(r.now);
    assert.equal(shareUnchanged(r.old, now), now, r.name);
    assert.deepEqual(now, r.now, `${r.name}: the new value still reads the same`);
  }
});

test('a status write: the new version shares every unchanged subtree and reads as decoded', () => {
  const old = {
    apiVersion: 'churn.trueup.dev/v1',
    kind: 'Widget',
    metadata: {
      name: 'w',
      resourceVersion: '1',
      annotations: { 'trueup.dev/tracking-id': 'apps/a:churn.trueup.dev/Widget:ns/w' },
      managedFields: [
        { manager: 'trueup', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:size': {} } } },
        { manager: 'operator', operation: 'Update', subresource: 'status', time: 't1' },
      ],
    },
    spec: { size: 1, template: { containers: [{ name: 'c', image: 'i' }] } },
    status: { observedTick: 1, conditions: [{ type: 'Ready', status: 'True' }] },
  };
  const wire = decoded(old);
  wire.metadata.resourceVersion = '2';
  (wire.metadata.managedFields[1] as { time: string }).time = 't2';
  wire.status.observedTick = 2;
  const now = decoded(wire);
  assert.equal(shareUnchanged(old, now), now);
  assert.deepEqual(now, wire);
  assert.equal(now.spec, old.spec);
  assert.equal(now.metadata.annotations, old.metadata.annotations);
  assert.equal(now.metadata.managedFields[0], old.metadata.managedFields[0]);
  assert.notEqual(now.metadata.managedFields[1], old.metadata.managedFields[1]);
  assert.equal(now.status.conditions, old.status.conditions);
  assert.notEqual(now.status, old.status);
  assert.equal(old.metadata.resourceVersion, '1', 'the old version is not changed');
  assert.equal(old.status.observedTick, 1);
});
