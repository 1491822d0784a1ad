import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applicationCrd, applicationCrdYaml, toStructural } from './crd.js';

test('the committed crds/application.yaml is what scripts/gen-crd.ts generates (run it when this fails)', () => {
  const committed = readFileSync(join(import.meta.dirname, '..', '..', 'crds', 'application.yaml'), 'utf8');
  assert.equal(committed, applicationCrdYaml());
});

test('the CRD schema is structural: every node has a type or is int-or-string, no anyOf/const/$ref', () => {
  const walk = (node: Record<string, unknown>, path: string): void => {
    assert.ok(
      typeof node.type === 'string' || node['x-kubernetes-int-or-string'] === true,
      `${path} has no type`,
    );
    for (const bad of ['anyOf', 'oneOf', 'allOf', 'const', '$ref', '$schema'])
      assert.ok(!(bad in node), `${path}: ${bad}`);
    if (node.additionalProperties !== undefined) assert.ok(!('properties' in node), `${path}: both`);
    for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      walk(v, `${path}.${k}`);
    }
    if (node.items) walk(node.items as Record<string, unknown>, `${path}[]`);
    if (typeof node.additionalProperties === 'object')
      walk(node.additionalProperties as Record<string, unknown>, `${path}.*`);
  };
  const crd = applicationCrd() as {
    spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] };
  };
  walk(crd.spec.versions[0]!.schema.openAPIV3Schema, '');
});

test('int-or-string unions become x-kubernetes-int-or-string; other unions are refused', () => {
  assert.deepEqual(toStructural({ anyOf: [{ type: 'integer' }, { type: 'string' }] }), {
    'x-kubernetes-int-or-string': true,
  });
  assert.throws(
    () => toStructural({ anyOf: [{ type: 'boolean' }, { type: 'string' }] }, '.spec.x'),
    /\.spec\.x/,
  );
});
