import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from '../../test/support/fake-clock.js';
import { fakeWatchClient } from '../../test/support/fake-watch-client.js';
import { application, FakeCluster, FakeGit, FakeWriter } from '../../test/support/reconciler-harness.js';
import { Annotation } from '../api/application.js';
import type { KubeObject } from '../api/object.js';
import { formatTrackingId } from '../api/tracking.js';
import type { Lane } from '../runtime/queue.js';
import { ClusterRuntime } from './cluster-runtime.js';
import { silentLogger } from './deps.js';
import { RenderCache } from './render-cache.js';

const tracked = (name: string, data: Record<string, string>, rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: 'web',
    resourceVersion: rv,
    annotations: {
      [Annotation.TrackingId]: formatTrackingId('apps', 'a', {
        group: '',
        kind: 'ConfigMap',
        namespace: 'web',
        name,
      }),
    },
  },
  data,
});

test('a managed kind: what its first list finds queues the owner periodic, what its watch reports urgent', async () => {
  const { client, emit, watched } = fakeWatchClient(() => [tracked('one', { v: '1' }, '1')]);
  const clock = new FakeClock(0);
  const git = new FakeGit();
  const cluster = new FakeCluster();
  const queued: string[] = [];
  const runtime = new ClusterRuntime({
    client,
    cluster: { server: 'https://kubernetes.default.svc', name: 'in-cluster' },
    shared: {
      source: git,
      render: git,
      health: cluster,
      writer: new FakeWriter(application()),
      clock,
      renderCache: new RenderCache(4),
      requeueInterval: 180_000,
      log: silentLogger,
    },
    sync: cluster,
    clock,
    random: () => 0,
    log: silentLogger,
    onOwnerEvent: (owner: string, lane: Lane) => queued.push(`${owner}:${lane}`),
  });
  runtime.start();
  await runtime.watchKinds([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
  await settle();
  assert.deepEqual(queued, ['apps/a:periodic'], 'the first list');
  assert.deepEqual(watched(), ['ConfigMap'], 'the watch runs');
  emit('MODIFIED', tracked('one', { v: 'edited' }, '2'));
  emit('ADDED', tracked('two', { v: '1' }, '3'));
  emit('DELETED', tracked('two', { v: '1' }, '4'));
  assert.deepEqual(queued, ['apps/a:periodic', 'apps/a:urgent', 'apps/a:urgent', 'apps/a:urgent']);
  await runtime.stop();
});
