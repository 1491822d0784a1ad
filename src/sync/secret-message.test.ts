import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { withoutSecretValues } from './secret-message.js';

const secret = (fields: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'n' },
  ...fields,
});

test('every value a Secret holds is masked out of an API error message', () => {
  const b64 = Buffer.from('hunter2-canary').toString('base64');
  const cases: [string, KubeObject, string, string][] = [
    [
      'stringData int the decoder quotes',
      secret({ stringData: { count: 7 } }),
      'Secret "s" is invalid: stringData.count: expected string, got &value.valueUnstructured{Value:7}',
      'Secret "s" is invalid: stringData.count: expected string, got &value.valueUnstructured{Value:***}',
    ],
    [
      'a stringData string and its base64 form',
      secret({ stringData: { password: 'hunter2-canary' } }),
      `Invalid value: "hunter2-canary"; data.password: Invalid value: "${b64}"`,
      'Invalid value: "***"; data.password: Invalid value: "***"',
    ],
    [
      'a data value and its decoded form',
      secret({ data: { token: b64 } }),
      `data[token]: Invalid value: "${b64}" (hunter2-canary)`,
      'data[token]: Invalid value: "***" (***)',
    ],
    [
      'a short value inside other words stays',
      secret({ stringData: { n: '7' } }),
      'stringData.n: Invalid value: 7: must be below 17',
      'stringData.n: Invalid value: ***: must be below 17',
    ],
    [
      'a multi-line value quoted as JSON',
      secret({ stringData: { key: 'line1\nline2' } }),
      'Invalid value: "line1\\nline2"',
      'Invalid value: "***"',
    ],
  ];
  for (const [name, obj, message, want] of cases) assert.equal(withoutSecretValues(obj, message), want, name);
});

test('other kinds keep their messages', () => {
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'x1' } };
  assert.equal(withoutSecretValues(cm, 'Invalid value: "x1"'), 'Invalid value: "x1"');
});
