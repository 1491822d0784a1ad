/** The reconciler's notification seam: what it tells the notifier, and when (enqueue only). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { application, cm, harness } from '../../test/support/reconciler-harness.js';
import type { Application, ApplicationStatus } from '../api/application.js';
import { eventsOf } from '../notify/events.js';
import type { PassInfo } from './deps.js';

function recorder() {
  const calls: string[] = [];
  const passes: { before: ApplicationStatus | undefined; after: ApplicationStatus; info: PassInfo }[] = [];
  return {
    calls,
    passes,
    notify: {
      syncStarting(app: Application, revision: string) {
        calls.push(`syncStarting ${app.metadata.name} ${revision}`);
      },
      passed(app: Application, after: ApplicationStatus, info: PassInfo) {
        calls.push(`passed ${info.revision}`);
        passes.push({
          before: structuredClone(app.status),
          after: structuredClone(after),
          info: { ...info },
        });
      },
    },
  };
}

test('the notifier hears of a sync before it runs and of every pass after its status write', async () => {
  const r = recorder();
  const h = harness(application({ syncPolicy: { automated: { prune: true, selfHeal: true } } }), {
    notify: r.notify,
  });
  h.git.commit('main', 'c1', [cm('one')]);
  let executedWhenStarted = -1;
  const started = r.notify.syncStarting;
  r.notify.syncStarting = (app, revision) => {
    executedWhenStarted = h.cluster.executed.length;
    started(app, revision);
  };
  await h.run();
  assert.deepEqual(r.calls, ['syncStarting web c1', 'passed c1']);
  assert.equal(executedWhenStarted, 0, 'syncStarting comes before the sync executes');
  const first = r.passes[0];
  assert.ok(first);
  assert.deepEqual(
    eventsOf(first.before, first.after, first.info).map((e) => e.event),
    ['SyncSucceeded', 'Healthy'],
  );

  // Nothing changes: a pass, no sync, no events.
  await h.run();
  assert.deepEqual(r.calls.slice(2), ['passed c1']);
  const second = r.passes[1];
  assert.ok(second);
  assert.deepEqual(eventsOf(second.before, second.after, second.info), []);

  // A commit that fails to apply: pending first, then a SyncFailed on the new revision.
  h.git.commit('main', 'c2', [cm('one', { a: '2' })]);
  h.cluster.failApply = 'admission webhook denied';
  h.reconciler.expire('trueup-system/web');
  await h.run();
  assert.deepEqual(r.calls.slice(3), ['syncStarting web c2', 'passed c2']);
  const third = r.passes[2];
  assert.ok(third);
  assert.deepEqual(
    eventsOf(third.before, third.after, third.info).map((e) => `${e.event} ${e.revision}`),
    ['SyncFailed c2', 'OutOfSync c2'],
  );
});

test('a notifier that throws does not fail the pass', async () => {
  const h = harness(application({ syncPolicy: { automated: { prune: true, selfHeal: true } } }), {
    notify: {
      syncStarting() {
        throw new Error('boom');
      },
      passed() {
        throw new Error('boom');
      },
    },
  });
  h.git.commit('main', 'c1', [cm('one')]);
  assert.deepEqual(await h.run(), {});
  assert.equal(h.writer.app.status?.sync?.status, 'Synced');
});
