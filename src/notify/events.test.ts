import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApplicationStatus } from '../api/application.js';
import { eventsOf, type PassFacts } from './events.js';

const REV = 'a'.repeat(40);
const OLD = 'b'.repeat(40);

const synced = (health: string, revision = REV): ApplicationStatus =>
  ({
    sync: { status: 'Synced', revision, syncedRevision: revision },
    health: { status: health },
    conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'ok', lastTransitionTime: 't' }],
  }) as ApplicationStatus;

const succeededOp = (s: ApplicationStatus): ApplicationStatus => ({
  ...s,
  operationState: {
    operation: { sync: { revision: REV } },
    phase: 'Succeeded',
    message: 'synced aaaaaaa: 1 created, 0 configured, 0 pruned',
    startedAt: 't0',
    finishedAt: 't1',
  },
});

const failedReady = (reason: string, message: string): ApplicationStatus =>
  ({
    sync: { status: 'OutOfSync', revision: REV, syncedRevision: OLD },
    health: { status: 'Healthy' },
    conditions: [{ type: 'Ready', status: 'False', reason, message, lastTransitionTime: 't' }],
  }) as ApplicationStatus;

test('eventsOf: the events of one pass, from the status before and after it', () => {
  const rows: {
    name: string;
    before: ApplicationStatus | undefined;
    after: ApplicationStatus;
    pass: PassFacts;
    want: [string, boolean][];
  }[] = [
    {
      name: 'a sync that leaves the app Synced and Healthy',
      before: synced('Healthy', OLD),
      after: succeededOp(synced('Healthy')),
      pass: { syncPhase: 'Succeeded' },
      want: [['SyncSucceeded', true]],
    },
    {
      name: 'a sync whose Deployment still progresses: succeeded, not yet healthy',
      before: synced('Healthy', OLD),
      after: succeededOp(synced('Progressing')),
      pass: { syncPhase: 'Succeeded' },
      want: [['SyncSucceeded', false]],
    },
    {
      name: 'the next pass finds it healthy',
      before: succeededOp(synced('Progressing')),
      after: succeededOp(synced('Healthy')),
      pass: {},
      want: [['Healthy', true]],
    },
    {
      name: 'a pass that changes nothing says nothing',
      before: synced('Healthy'),
      after: synced('Healthy'),
      pass: {},
      want: [],
    },
    {
      name: 'a render failure of a new revision is a failed sync',
      before: synced('Healthy', OLD),
      after: failedReady('RenderFailed', 'render of apps/web at aaaaaaa: bad YAML'),
      pass: {},
      want: [
        ['SyncFailed', false],
        ['OutOfSync', false],
      ],
    },
    {
      name: 'the same failure again (a retry pass) is not news',
      before: failedReady('SyncFailed', 'sync of aaaaaaa failed'),
      after: failedReady('SyncFailed', 'sync of aaaaaaa failed'),
      pass: {},
      want: [],
    },
    {
      name: 'a failed attempt that will be retried is a failed sync',
      before: failedReady('SyncFailed', 'sync of aaaaaaa failed (attempt 1)'),
      after: failedReady('SyncFailed', 'sync of aaaaaaa failed (attempt 1)'),
      pass: { syncPhase: 'Running' },
      want: [['SyncFailed', false]],
    },
    {
      name: 'health degrades',
      before: synced('Healthy'),
      after: { ...synced('Degraded'), health: { status: 'Degraded', message: 'Deployment web: 0/2 ready' } },
      pass: {},
      want: [['Degraded', false]],
    },
    {
      name: 'self-heal re-applied drifted objects',
      before: synced('Healthy'),
      after: succeededOp(synced('Healthy')),
      pass: { syncPhase: 'Succeeded', driftCorrected: 2 },
      want: [
        ['SyncSucceeded', true],
        ['DriftCorrected', true],
      ],
    },
    {
      name: 'objects left Git but the app does not prune',
      before: synced('Healthy'),
      after: {
        ...synced('Healthy'),
        sync: { status: 'OutOfSync', revision: REV, syncedRevision: REV },
        resources: [{ kind: 'ConfigMap', name: 'old', version: 'v1', requiresPruning: true }],
      } as ApplicationStatus,
      pass: {},
      want: [
        ['OutOfSync', false],
        ['PruneBlocked', false],
      ],
    },
    {
      name: 'planning failed: status.sync still names the old revision; the pass names the new one',
      before: synced('Healthy', OLD),
      after: {
        ...synced('Healthy', OLD),
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'SyncError',
            message: 'plan of x: invalid',
            lastTransitionTime: 't',
          },
        ],
      } as ApplicationStatus,
      pass: { revision: REV },
      want: [['SyncFailed', false]],
    },
    {
      name: 'no revision resolved yet: nothing to say',
      before: undefined,
      after: {},
      pass: {},
      want: [],
    },
  ];
  for (const r of rows) {
    const events = eventsOf(r.before, r.after, r.pass);
    assert.deepEqual(
      events.map((e) => [e.event, e.syncedAndHealthy]),
      r.want,
      r.name,
    );
    for (const e of events) assert.equal(e.revision, r.pass.revision ?? r.after.sync?.revision, r.name);
  }
});

test('eventsOf: drift corrections at one revision are told apart by their time', () => {
  const first = eventsOf(synced('Healthy'), succeededOp(synced('Healthy')), { driftCorrected: 1 });
  const later = succeededOp(synced('Healthy'));
  (later.operationState as { finishedAt: string }).finishedAt = 't2';
  const second = eventsOf(synced('Healthy'), later, { driftCorrected: 1 });
  assert.notEqual(first[0]?.key, second[0]?.key);
  assert.equal(first[0]?.revision, second[0]?.revision);
});
