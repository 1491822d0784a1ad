import assert from 'node:assert/strict';
import { test } from 'node:test';
import { primaryRevision, primarySource } from './primary-source.js';

test('primarySource: spec.source, else the first entry of spec.sources that renders', () => {
  const cases: [string, Parameters<typeof primarySource>[0], ReturnType<typeof primarySource>][] = [
    [
      'one source, defaults filled',
      { source: { repoURL: 'https://git/a.git' } },
      { repoURL: 'https://git/a.git', targetRevision: 'HEAD', path: '.', chart: '', index: 0 },
    ],
    [
      'a $values ref first, the chart second',
      {
        sources: [
          { repoURL: 'https://git/v.git', targetRevision: 'main' },
          { repoURL: 'oci://reg/charts', targetRevision: '1.0.0', chart: 'web' },
        ],
      },
      { repoURL: 'oci://reg/charts', targetRevision: '1.0.0', path: '', chart: 'web', index: 1 },
    ],
    [
      'nothing renders: the first entry',
      { sources: [{ repoURL: 'https://git/v.git' }] },
      { repoURL: 'https://git/v.git', targetRevision: 'HEAD', path: '.', chart: '', index: 0 },
    ],
    ['no source at all', {}, { repoURL: '', targetRevision: 'HEAD', path: '.', chart: '', index: 0 }],
  ];
  for (const [what, spec, want] of cases) assert.deepEqual(primarySource(spec), want, what);
});

test('primaryRevision: from revisions, else out of the comma-joined revision', () => {
  const cases: [number, string | undefined, string[] | undefined, string][] = [
    [1, 'a,b', ['x', 'y'], 'y'],
    [1, 'a,b', undefined, 'b'],
    [0, 'abc', undefined, 'abc'],
    [3, 'a,b', undefined, 'a,b'],
    [0, undefined, undefined, ''],
  ];
  for (const [i, rev, revs, want] of cases) assert.equal(primaryRevision(i, rev, revs), want, `${i} ${rev}`);
});
