/**
 * Setter edits against golden files (test/fixtures/image-setters/<case>/input.yaml → want.yaml),
 * compared byte for byte: only the marked scalars change, every other byte of the file stays.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ImageRef } from '../api/image-policy.js';
import { applySetters, parseMarker, setterValue } from './setters.js';

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'image-setters');

export const GOLDEN_REFS: ReadonlyMap<string, ImageRef> = new Map([
  ['apps:api', { name: 'ghcr.io/org/api', tag: 'v1.2.4' }],
  [
    'apps:worker',
    {
      name: 'registry.example:5000/worker',
      tag: '1.10',
      digest: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
    },
  ],
  ['apps:string-number', { name: 'ghcr.io/org/n', tag: '10' }],
]);

/** What each case changes: [line, setter, old, new]. */
const expectedChanges: Record<string, [number, string, string, string][]> = {
  deployment: [
    [13, 'apps:api', 'ghcr.io/org/api:v1.2.3', 'ghcr.io/org/api:v1.2.4'],
    [21, 'apps:api', 'ghcr.io/org/api:v1.0.0', 'ghcr.io/org/api:v1.2.4'],
  ],
  kustomization: [
    [6, 'apps:api:name', 'ghcr.io/org/old-api', 'ghcr.io/org/api'],
    [7, 'apps:api:tag', 'v1.2.3', 'v1.2.4'],
    [10, 'apps:worker:tag', '1.9', '1.10'],
    [
      11,
      'apps:worker:digest',
      'sha256:0000000000000000000000000000000000000000000000000000000000000000',
      'sha256:1111111111111111111111111111111111111111111111111111111111111111',
    ],
  ],
  'helm-values': [
    [6, 'apps:api:tag', 'v1.2.3', 'v1.2.4'],
    [12, 'apps:worker:tag', '1.9', '1.10'],
    [
      13,
      'apps:worker',
      'registry.example:5000/worker:1.9',
      'registry.example:5000/worker:1.10@sha256:1111111111111111111111111111111111111111111111111111111111111111',
    ],
  ],
  quoting: [
    [3, 'apps:api:tag', "it's v1.2.3", 'v1.2.4'],
    [4, 'apps:api:tag', 'v1.2.3!', 'v1.2.4'],
    [5, 'apps:api:tag', 'v1.2.3', 'v1.2.4'],
    [6, 'apps:api:tag', '1.2', 'v1.2.4'],
    [7, 'apps:string-number:tag', 'v1', '10'],
    [10, 'apps:api', 'ghcr.io/org/api:v1', 'ghcr.io/org/api:v1.2.4'],
    [11, 'apps:api', 'ghcr.io/org/api:v1', 'ghcr.io/org/api:v1.2.4'],
  ],
  'unknown-policy': [],
  'up-to-date': [],
  crlf: [[5, 'apps:api', 'ghcr.io/org/api:v1.2.3', 'ghcr.io/org/api:v1.2.4']],
};

test('setter edits match the golden files byte for byte', () => {
  const cases = readdirSync(fixtures).sort();
  assert.deepEqual(cases, Object.keys(expectedChanges).sort());
  for (const name of cases) {
    const input = readFileSync(join(fixtures, name, 'input.yaml'), 'utf8');
    const want = readFileSync(join(fixtures, name, 'want.yaml'), 'utf8');
    const { text, changes } = applySetters(input, `${name}/input.yaml`, GOLDEN_REFS);
    assert.equal(text, want, name);
    assert.deepEqual(
      changes.map((c) => [c.line, c.setter, c.oldValue, c.newValue]),
      expectedChanges[name],
      name,
    );
    // The edit is a fixed point: applying it again changes nothing (no commit on the next scan).
    assert.deepEqual(applySetters(text, name, GOLDEN_REFS).changes, [], `${name} again`);
  }
});

test('changes name the object they are in', () => {
  const input = readFileSync(join(fixtures, 'deployment', 'input.yaml'), 'utf8');
  const { changes } = applySetters(input, 'deployment.yaml', GOLDEN_REFS);
  assert.deepEqual(changes[0]?.object, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'web',
    name: 'api',
  });
});

test('parseMarker reads the four forms and nothing else', () => {
  const table: [string, ReturnType<typeof parseMarker>][] = [
    ['# {"$imagepolicy": "ns:api"}', { policy: 'ns:api', field: 'image', setter: 'ns:api' }],
    ['#{"$imagepolicy":"ns:api:tag"}', { policy: 'ns:api', field: 'tag', setter: 'ns:api:tag' }],
    ['# {"$imagepolicy": "ns:api:name"}', { policy: 'ns:api', field: 'name', setter: 'ns:api:name' }],
    ['# {"$imagepolicy": "ns:api:digest"}', { policy: 'ns:api', field: 'digest', setter: 'ns:api:digest' }],
    ['# {"$imagepolicy": "api"}', undefined],
    ['# {"$imagepolicy": "ns:api:other"}', undefined],
    ['# {"$imagepolicy": "a:b:tag:x"}', undefined],
    ['# {"$setter": "ns:api"}', undefined],
    ['# plain comment', undefined],
  ];
  for (const [comment, want] of table) assert.deepEqual(parseMarker(comment), want, comment);
});

test('setterValue: the full ref carries the digest when there is one', () => {
  assert.equal(setterValue({ name: 'r/a', tag: 'v1' }, 'image'), 'r/a:v1');
  assert.equal(setterValue({ name: 'r/a', tag: 'v1', digest: 'sha256:ab' }, 'image'), 'r/a:v1@sha256:ab');
  assert.equal(setterValue({ name: 'r/a', tag: 'v1' }, 'digest'), undefined);
});
