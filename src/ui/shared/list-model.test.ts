import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  counts,
  emptyFilter,
  filterFromQuery,
  filterToQuery,
  type ListFilter,
  parseLabelSelector,
  view,
  visibleWindow,
} from './list-model.js';
import type { AppSummary } from './summary.js';

function row(name: string, o: Partial<AppSummary> = {}): AppSummary {
  return {
    key: `apps/${name}`,
    namespace: 'apps',
    name,
    project: 'default',
    labels: {},
    sync: 'Synced',
    health: 'Healthy',
    healthMessage: '',
    revision: '',
    subject: '',
    repoURL: 'https://git.example/org/config.git',
    targetRevision: 'main',
    path: name,
    destination: 'in-cluster/web',
    lastSync: '',
    operation: '',
    automated: true,
    message: '',
    ...o,
  };
}

const rows = [
  row('web', { labels: { team: 'web', tier: 'front' }, lastSync: '2026-01-02T00:00:00Z' }),
  row('api', { sync: 'OutOfSync', health: 'Degraded', labels: { team: 'core' }, subject: 'Bump API image' }),
  row('db', {
    namespace: 'data',
    key: 'data/db',
    project: 'payments',
    health: 'Progressing',
    lastSync: '2026-01-03T00:00:00Z',
  }),
  row('old', { sync: 'Unknown', health: 'Missing', labels: { legacy: 'true' } }),
];

test('view: each filter keeps what it names (names in order)', () => {
  const cases: [string, Partial<ListFilter>, string[]][] = [
    ['no filter', {}, ['api', 'db', 'old', 'web']],
    ['sync', { sync: ['OutOfSync', 'Unknown'] }, ['api', 'old']],
    ['health', { health: ['Healthy'] }, ['web']],
    ['namespace', { namespace: ['data'] }, ['db']],
    ['project', { project: ['payments'] }, ['db']],
    ['project, several', { project: ['default', 'payments'] }, ['api', 'db', 'old', 'web']],
    ['project, none has it', { project: ['other'] }, []],
    ['label equals', { labels: 'team=web' }, ['web']],
    ['label not equals', { labels: 'team!=web' }, ['api', 'db', 'old']],
    ['label exists and absent', { labels: 'team,!tier' }, ['api']],
    ['text matches the subject, any case', { text: 'bump api' }, ['api']],
    ['text matches the namespace', { text: 'DATA' }, ['db']],
    [
      'facets combine',
      { sync: ['Synced'], health: ['Healthy', 'Progressing'], labels: 'tier=front' },
      ['web'],
    ],
  ];
  for (const [what, f, want] of cases)
    assert.deepEqual(
      view(rows, { ...emptyFilter, ...f }, 'name').map((r) => r.name),
      want,
      what,
    );
});

test('view: sorting (status worst first, last sync newest first, descending)', () => {
  const cases: [Parameters<typeof view>[2], boolean, string[]][] = [
    ['name', false, ['api', 'db', 'old', 'web']],
    ['name', true, ['web', 'old', 'db', 'api']],
    ['sync', false, ['api', 'old', 'db', 'web']],
    ['health', false, ['api', 'old', 'db', 'web']],
    ['lastSync', false, ['db', 'web', 'api', 'old']],
    ['namespace', false, ['api', 'old', 'web', 'db']],
  ];
  for (const [key, desc, want] of cases)
    assert.deepEqual(
      view(rows, emptyFilter, key, desc).map((r) => r.name),
      want,
      `${key}${desc ? ' desc' : ''}`,
    );
});

test('parseLabelSelector: terms, and undefined for a malformed one', () => {
  assert.deepEqual(parseLabelSelector('a=b, c!=d,e,!f, g==h'), [
    { op: 'eq', key: 'a', value: 'b' },
    { op: 'ne', key: 'c', value: 'd' },
    { op: 'exists', key: 'e' },
    { op: 'absent', key: 'f' },
    { op: 'eq', key: 'g', value: 'h' },
  ]);
  assert.deepEqual(parseLabelSelector(''), []);
  for (const bad of ['a b', '=x', '!a=b']) assert.equal(parseLabelSelector(bad), undefined, bad);
});

test('counts per status, namespaces and projects', () => {
  assert.deepEqual(counts(rows), {
    total: 4,
    sync: { Synced: 2, OutOfSync: 1, Unknown: 1 },
    health: { Healthy: 1, Degraded: 1, Progressing: 1, Missing: 1 },
    namespaces: ['apps', 'data'],
    projects: ['default', 'payments'],
  });
});

test('visibleWindow: the rows a scroll position shows, with overscan, clamped', () => {
  const cases: [number, number, number, number, { start: number; end: number }][] = [
    [0, 440, 44, 10_000, { start: 0, end: 20 }],
    [44_000, 440, 44, 10_000, { start: 990, end: 1020 }],
    [440_000, 440, 44, 10_000, { start: 9990, end: 10_000 }],
    [0, 440, 44, 3, { start: 0, end: 3 }],
    [-50, 440, 44, 0, { start: 0, end: 0 }],
  ];
  for (const [top, height, rowH, total, want] of cases)
    assert.deepEqual(visibleWindow(top, height, rowH, total), want, `${top}/${total}`);
});

test('the filter survives the URL', () => {
  const f: ListFilter = {
    sync: ['OutOfSync'],
    health: [],
    namespace: ['a', 'b'],
    project: [],
    labels: 'x=y',
    text: 'web',
  };
  const q = filterToQuery(f, 'health', true);
  assert.equal(q, 'sync=OutOfSync&namespace=a&namespace=b&labels=x%3Dy&q=web&sort=health&desc=1');
  assert.deepEqual(filterFromQuery(q), { filter: f, sort: 'health', descending: true });
  assert.deepEqual(filterFromQuery('sort=bogus'), { filter: emptyFilter, sort: 'name', descending: false });
});
