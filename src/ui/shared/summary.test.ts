import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ApplicationLike, shortRevision, summarize } from './summary.js';

const sha = 'a'.repeat(40);
const base: ApplicationLike = {
  metadata: { namespace: 'apps', name: 'web', labels: { team: 'web' } },
  spec: {
    source: { repoURL: 'https://git/x.git', targetRevision: 'main', path: 'web' },
    destination: { namespace: 'web' },
  },
};

test('summarize: the row of an Application', () => {
  const cases: [string, ApplicationLike, Partial<ReturnType<typeof summarize>>][] = [
    [
      'no status yet',
      base,
      {
        sync: 'Unknown',
        health: 'Unknown',
        revision: '',
        subject: '',
        lastSync: '',
        operation: '',
        automated: false,
        project: 'default',
        destination: 'in-cluster/web',
      },
    ],
    [
      'synced, automated, with history',
      {
        ...base,
        spec: { ...base.spec, syncPolicy: { automated: {} } },
        status: {
          sync: { status: 'Synced', revision: sha },
          health: { status: 'Healthy' },
          history: [{ deployedAt: '2026-01-01T00:00:00Z' }],
          conditions: [{ type: 'Ready', status: 'True', message: 'fine' }],
        },
      },
      {
        sync: 'Synced',
        revision: sha,
        subject: 'the subject',
        lastSync: '2026-01-01T00:00:00Z',
        automated: true,
        message: '',
      },
    ],
    [
      'an operation requested, not ready',
      {
        ...base,
        operation: {},
        status: {
          operationState: { phase: 'Failed', finishedAt: '2026-01-02T00:00:00Z' },
          conditions: [{ type: 'Ready', status: 'False', message: 'render failed' }],
        },
      },
      { operation: 'Requested', lastSync: '2026-01-02T00:00:00Z', message: 'render failed' },
    ],
    [
      'spec.sources: the first source that renders, and its own revision',
      {
        ...base,
        spec: {
          destination: { namespace: 'web' },
          sources: [
            { repoURL: 'https://git/values.git', targetRevision: 'main', ref: 'values' } as never,
            { repoURL: 'https://charts.example', targetRevision: '1.2.0', chart: 'web' },
          ],
        },
        status: {
          sync: {
            status: 'Synced',
            revision: `${'b'.repeat(40)},1.2.0`,
            revisions: ['b'.repeat(40), '1.2.0'],
          },
        },
      },
      { repoURL: 'https://charts.example', targetRevision: '1.2.0', path: 'web', revision: '1.2.0' },
    ],
  ];
  for (const [what, app, want] of cases) {
    const got = summarize(app, (r) => (r === sha ? 'the subject' : undefined));
    for (const [k, v] of Object.entries(want))
      assert.deepEqual(got[k as keyof typeof got], v, `${what}: ${k}`);
    assert.equal(got.key, 'apps/web');
  }
});

test('shortRevision: commits shortened, anything else kept', () => {
  assert.equal(shortRevision(sha), 'aaaaaaa');
  assert.equal(shortRevision('v1.2.0'), 'v1.2.0');
});
