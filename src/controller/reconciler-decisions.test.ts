/** Decisions the reconciler keeps on the Application (not in memory), and requested operations' options. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { application, cm, harness } from '../../test/support/reconciler-harness.js';

test('the retry count and backoff live on the status: a new reconciler (restart) continues them', async () => {
  const h = harness(
    application({
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: { limit: 1, backoff: { duration: '5s', factor: 2, maxDuration: '1m' } },
      },
    }),
  );
  h.git.commit('main', 'c1', [cm('one')]);
  h.cluster.failApply = 'admission webhook denied';
  assert.deepEqual(await h.run(), { requeueAfter: 5000 });
  const restarted = h.restart();
  assert.deepEqual(await restarted.run(), { requeueAfter: 5000 }, 'the backoff is honoured after a restart');
  await h.clock.advance(5000);
  assert.deepEqual(await restarted.run(), {});
  assert.equal(h.writer.app.status?.operationState?.phase, 'Failed');
  assert.equal(h.writer.app.status?.operationState?.retryCount, 1);
  const attempts = h.cluster.executed.length;
  const again = h.restart();
  await h.clock.advance(60_000);
  await again.run();
  assert.equal(h.cluster.executed.length, attempts, 'the limit does not reset with a new process');
  assert.equal(h.condition('Stalled')?.status, 'True');
});

test('a requested operation runs once: its generation is on the status, so a restart does not run it again', async () => {
  const h = harness(application({}, { operation: { sync: { prune: true } } }));
  h.git.commit('main', 'c1', [cm('one')]);
  h.writer.failPatchApp = true; // the operation stays on the object, as when a process dies here
  await h.run().catch(() => undefined);
  assert.equal(h.cluster.executed.length, 1);
  assert.equal(h.writer.app.status?.operationState?.generation, 1);
  assert.ok(h.writer.app.operation, 'still present');
  h.writer.failPatchApp = false;
  await h.restart().run();
  assert.equal(h.cluster.executed.length, 1, 'not run twice');
  assert.equal(h.writer.app.operation, undefined, 'cleared');
  assert.equal(h.cluster.plans, 2, 'one plan per pass');
});

test('a requested sync of a selection writes only the selected objects, with the plan made once', async () => {
  const h = harness(application({}));
  h.git.commit('main', 'c1', [cm('one'), cm('two')]);
  await h.run();
  assert.equal(h.cluster.applies.length, 0, 'manual app: nothing applied');
  h.writer.app = {
    ...h.writer.app,
    operation: { sync: { resources: [{ kind: 'ConfigMap', name: 'two' }] } },
  };
  await h.run();
  assert.deepEqual(h.cluster.applies, ['/ConfigMap/web/two']);
  assert.equal(h.cluster.executed.length, 1);
  const byName = Object.fromEntries((h.writer.app.status?.resources ?? []).map((r) => [r.name, r.status]));
  assert.deepEqual(byName, { one: 'OutOfSync', two: 'Synced' });
  assert.equal(h.writer.app.status?.sync?.status, 'OutOfSync');
  assert.equal(h.writer.app.operation, undefined);
});

test("the deletion approval is passed to the plan and removed once a sync used it; an operation's sync options apply to it", async () => {
  const h = harness(application({ syncPolicy: { syncOptions: ['PruneLast=true'] } }));
  h.git.commit('main', 'c1', [cm('one')]);
  h.writer.app.metadata.annotations = { 'argocd.argoproj.io/deletion-approved': '2026-01-01T00:00:00Z' };
  h.writer.app = { ...h.writer.app, operation: { sync: { prune: true, syncOptions: ['Replace=true'] } } };
  await h.run();
  assert.deepEqual(h.cluster.planned.at(-1), {
    prune: true,
    pruneConfirmed: true,
    syncOptions: ['PruneLast=true', 'Replace=true'],
  });
  assert.deepEqual(h.writer.app.metadata.annotations, {});
  await h.run();
  assert.deepEqual(h.cluster.planned.at(-1), {
    prune: false,
    pruneConfirmed: false,
    syncOptions: ['PruneLast=true'],
  });
});
