import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from '../api/object.js';
import { deepCopy } from './types.js';

test('deepCopy copies JSON data as structuredClone does, sharing nothing', () => {
  const protoKey = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as JsonValue;
  const values: JsonValue[] = [
    null,
    'text',
    3.5,
    false,
    [],
    {},
    { kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 'b' } }, data: { k: '' } },
    [1, [2, [3, { x: [null, true] }]], 'y'],
    protoKey,
  ];
  for (const v of values) {
    const copy = deepCopy(v);
    assert.deepStrictEqual(copy, structuredClone(v), JSON.stringify(v));
    assert.equal(JSON.stringify(copy), JSON.stringify(v));
  }
  const copied = deepCopy(protoKey) as { [k: string]: JsonValue };
  assert.equal(Object.getPrototypeOf(copied), Object.prototype);
  assert.deepEqual(Object.keys(copied), ['__proto__', 'a']);
  const obj = { spec: { containers: [{ name: 'web', env: [{ name: 'A' }] }] } };
  const copy = deepCopy(obj);
  copy.spec.containers[0]!.env[0]!.name = 'B';
  copy.spec.containers.push({ name: 'side', env: [] });
  assert.deepEqual(obj, { spec: { containers: [{ name: 'web', env: [{ name: 'A' }] }] } });
});
