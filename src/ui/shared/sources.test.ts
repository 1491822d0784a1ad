import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sourceLines, sourceText } from './sources.js';

const sha = 'a'.repeat(40);
const sha2 = 'b'.repeat(40);

test('sourceText: path, chart, ref and the synced revision', () => {
  const cases: [Parameters<typeof sourceText>[0], string | undefined, string][] = [
    [
      { repoURL: 'https://git/x.git', targetRevision: 'main', path: 'web' },
      sha,
      'https://git/x.git : web @ main → aaaaaaa',
    ],
    [{ repoURL: 'https://git/x.git', path: '.' }, undefined, 'https://git/x.git : . @ HEAD'],
    [
      { repoURL: 'https://charts.example', chart: 'redis', targetRevision: '1.2.0' },
      '1.2.0',
      'https://charts.example chart redis @ 1.2.0 → 1.2.0',
    ],
    [
      { repoURL: 'oci://reg.example/charts', chart: 'app', targetRevision: '0.1.0' },
      undefined,
      'oci://reg.example/charts chart app @ 0.1.0',
    ],
    [
      { repoURL: 'https://git/values.git', targetRevision: 'main', ref: 'values' },
      sha2,
      'https://git/values.git @ main (ref values) → bbbbbbb',
    ],
  ];
  for (const [src, rev, want] of cases) assert.equal(sourceText(src, rev), want);
});

test('sourceLines: every one of spec.sources with its own revision; spec.source with the revision', () => {
  assert.deepEqual(
    sourceLines(
      {
        sources: [
          { repoURL: 'https://charts.example', chart: 'redis', targetRevision: '1.2.0' },
          { repoURL: 'https://git/values.git', targetRevision: 'main', ref: 'values' },
        ],
      },
      { revision: `1.2.0,${sha2}`, revisions: ['1.2.0', sha2] },
    ),
    [
      'https://charts.example chart redis @ 1.2.0 → 1.2.0',
      'https://git/values.git @ main (ref values) → bbbbbbb',
    ],
  );
  assert.deepEqual(
    sourceLines(
      { source: { repoURL: 'https://git/x.git', targetRevision: 'main', path: 'web' } },
      { revision: sha },
    ),
    ['https://git/x.git : web @ main → aaaaaaa'],
  );
  assert.deepEqual(sourceLines({}, undefined), []);
});
