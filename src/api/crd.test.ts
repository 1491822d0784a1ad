import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { toStructural } from './crd.js';
import { CRD_FILES, crdFileText, crdsKustomizationText } from './crds.js';

const crdsDir = join(import.meta.dirname, '..', '..', 'crds');

test('the committed crds/*.yaml are what scripts/gen-crd.ts generates (run it when this fails)', () => {
  for (const entry of CRD_FILES) {
    assert.equal(readFileSync(join(crdsDir, entry.file), 'utf8'), crdFileText(entry), entry.file);
  }
  assert.equal(readFileSync(join(crdsDir, 'kustomization.yaml'), 'utf8'), crdsKustomizationText());
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
  for (const entry of CRD_FILES) {
    const crd = entry.crd() as {
      spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] };
    };
    walk(crd.spec.versions[0]!.schema.openAPIV3Schema, entry.file);
  }
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
