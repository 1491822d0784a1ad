/**
 * Which lane of the work queue each kind of add uses (src/runtime/queue.ts): what a start finds
 * waits with the polls; a change, a refresh or a webhook goes first.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from '../../test/support/fake-clock.js';
import { fakeWatchClient } from '../../test/support/fake-watch-client.js';
import { application, FakeCluster, FakeGit, FakeWriter } from '../../test/support/reconciler-harness.js';
import type { KubeObject } from '../api/object.js';
import { Controller, type ControllerMetrics } from './controller.js';

test('the lane of each add: the first list periodic; watch events, refreshes and webhooks urgent', async () => {
  const app = (name: string, path = 'apps/web', rv = '1') =>
    application(
      { source: { repoURL: 'https://git.example/org/config.git', targetRevision: 'main', path } },
      {
        metadata: { name, namespace: 'apps', generation: Number(rv), resourceVersion: rv },
      },
    ) as unknown as KubeObject;
  const { client, emit } = fakeWatchClient((kind) => (kind === 'Application' ? [app('a'), app('b')] : []));
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
  const git = new FakeGit();
  const cluster = new FakeCluster();
  const controller = new Controller({
    client,
    config: { concurrency: 1, requeueInterval: 180_000, namespaces: ['apps'] },
    source: git,
    render: git,
    sync: cluster,
    health: cluster,
    writer: new FakeWriter(app('a') as never),
    clock: new FakeClock(0),
    random: () => 0,
    metrics,
  });
  await controller.start();
  await controller.queue.whenIdle();
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
