/**
 * Decisions survive a restart: a controller fails a sync (attempt 1 of 2) and stops; a new
 * controller (a restart, or a new leader) reads the retry count and the backoff from the
 * Application's status, makes exactly one more attempt, and stops there.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createClusterClient } from '../../src/kube/index.js';
import { testNamespace } from '../support/cluster.js';
import { appManifest, condition, e2eEnv, waitFor, yaml } from './support.js';

const env = await e2eEnv('retry');
const dest = await testNamespace('retry-dest');
const repo = await env.git.createRepo('retry');
const { appNs } = env;

// A data key the API server refuses (422): every apply of it fails.
await repo.commit({
  'app/bad.yaml': yaml({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'bad' },
    data: { 'not a key!': 'x' },
  }),
});
const manifest = appManifest('retry', appNs, env.git.url('retry'), 'app', dest);
(manifest.spec as { syncPolicy: Record<string, unknown> }).syncPolicy.retry = {
  limit: 1,
  backoff: { duration: '4s', factor: 1, maxDuration: '4s' },
};
await env.kubectl(['apply', '-f', '-'], yaml(manifest));

test('a new controller continues the retry count and backoff from the status: one more attempt, then stalled', async () => {
  const first = await env.controller();
  const failedOnce = await waitFor('attempt 1 failed', async () => {
    const a = await env.app('retry');
    return a?.status?.operationState?.phase === 'Running' && a;
  });
  await first.stop();
  assert.equal(failedOnce.status?.operationState?.retryCount, 0);
  assert.match(failedOnce.status?.operationState?.message ?? '', /failed \(attempt 1\), retrying in 4s/);

  const client = await createClusterClient(env.kubeConfig);
  after(() => client.close());
  await env.controller({ client });
  const stalled = await waitFor('attempt 2 failed: limit reached', async () => {
    const a = await env.app('retry');
    return a?.status?.operationState?.phase === 'Failed' && a;
  });
  assert.equal(stalled.status?.operationState?.retryCount, 1);
  assert.match(stalled.status?.operationState?.message ?? '', /failed after 2 attempt\(s\)/);
  assert.equal(condition(stalled, 'Stalled')?.status, 'True');
  assert.equal(client.counter.snapshot().apply, 1, 'the new controller made exactly one attempt');
  assert.ok(
    Date.parse(stalled.status?.operationState?.startedAt ?? '') -
      Date.parse(failedOnce.status?.operationState?.finishedAt ?? '') >=
      4000,
    'the backoff counted from the first attempt was honoured',
  );
});
