/**
 * Which lane of the work queue each kind of add uses (src/runtime/queue.ts): what a start finds
 * waits with the polls; a change, a refresh or a webhook goes first; a new revision's fan-out to
 * the apps following the same ref waits with the polls too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from '../../test/support/fake-clock.js';
import { fakeWatchClient } from '../../test/support/fake-watch-client.js';
import { application, FakeCluster, FakeGit, FakeWriter } from '../../test/support/reconciler-harness.js';
import type { KubeObject } from '../api/object.js';
import { Controller, type ControllerMetrics } from './controller.js';

const app = (name: string, path = 'apps/web', rv = '1', ref = 'main') =>
  application(
    { source: { repoURL: 'https://git.example/org/config.git', targetRevision: ref, path } },
    {
      metadata: { name, namespace: 'apps', generation: Number(rv), resourceVersion: rv },
    },
  ) as unknown as KubeObject;

/** A started controller over these apps, recording the lane of every key a worker starts. */
async function startController(apps: KubeObject[], git = new FakeGit()) {
  const { client, emit } = fakeWatchClient((kind) => (kind === 'Application' ? apps : []));
  const started: string[] = [];
  const metrics: ControllerMetrics = {
    setApp() {},
    deleteApp() {},
    recordSync() {},
    observeReconcile() {},
    recordDriftCorrection() {},
    queue: {
      setDepth() {},
      added() {},
      retried() {},
      observeWait: (_q, _s, lane) => started.push(lane),
      observeWork() {},
    },
  };
  const cluster = new FakeCluster();
  const controller = new Controller({
    client,
    config: { concurrency: 1, requeueInterval: 180_000, namespaces: ['apps'] },
    source: git,
    render: git,
    sync: cluster,
    health: cluster,
    writer: new FakeWriter(apps[0] as never),
    clock: new FakeClock(0),
    random: () => 0,
    metrics,
  });
  await controller.start();
  await controller.queue.whenIdle();
  return { controller, started, emit, git };
}

test('the lane of each add: the first list periodic; watch events, refreshes and webhooks urgent', async () => {
  const { controller, started, emit } = await startController([app('a'), app('b')]);
  assert.deepEqual(started, ['periodic', 'periodic'], 'the apps a start finds');

  emit('MODIFIED', app('a', 'apps/other', '2'), 'Application');
  await controller.queue.whenIdle();
  assert.deepEqual(started.slice(2), ['urgent'], 'a spec change');

  controller.refreshRepo((a) => a.metadata.name === 'b');
  await controller.queue.whenIdle();
  assert.deepEqual(started.slice(3), ['urgent'], 'a refresh (webhook, push)');
  await settle();
  await controller.stop();
});

test('a new revision found by one app queues the other apps on its repository and ref, periodic, once', async () => {
  const git = new FakeGit();
  git.commit('main', 'c1', []);
  git.commit('dev', 'd1', []);
  const apps = [app('a'), app('b'), app('c'), app('d', 'apps/web', '1', 'dev')];
  const { controller, started } = await startController(apps, git);
  assert.deepEqual(started, ['periodic', 'periodic', 'periodic', 'periodic'], 'the apps a start finds');

  // A push to main; one app learns of it (its poll, here a refresh of that app alone).
  git.commit('main', 'c2', []);
  const resolves = git.resolves;
  controller.refreshRepo((a) => a.metadata.name === 'a');
  await controller.queue.whenIdle();
  assert.deepEqual(
    started.slice(4),
    ['urgent', 'periodic', 'periodic'],
    'a, then b and c (main) in the periodic lane; d (dev) not at all',
  );
  assert.equal(
    git.resolves - resolves,
    3,
    'b and c resolved again rather than reuse the revision they recalled',
  );

  // Another app finding the same revision is not news: once per revision, not per app.
  controller.refreshRepo((a) => a.metadata.name === 'b');
  await controller.queue.whenIdle();
  assert.deepEqual(started.slice(7), ['urgent'], 'b alone');
  await settle();
  await controller.stop();
});
