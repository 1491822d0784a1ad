/**
 * The adapter's own retry logic over a scripted Transport (the seam below the adapter; what the
 * API server decides is tested against the real one in test/kube).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryClass } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { clusterClientOver } from './client.js';
import { isKubeApiError, KubeErrorCode, networkError } from './errors.js';
import type { RawResponse, RequestSpec, Transport } from './transport.js';

const discovery: RawResponse = {
  status: 200,
  body: { resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] },
};
const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' } };

function scripted(answers: (RawResponse | Error)[]): Transport & { sent: RequestSpec[] } {
  const sent: RequestSpec[] = [];
  return {
    sent,
    async send(spec) {
      sent.push(spec);
      if (spec.path === '/api/v1') return discovery;
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      if (next instanceof Error) throw networkError(spec.subject, next);
      return next;
    },
    async stream() {},
    close() {},
  };
}

test('transient failures (503, 429 with Retry-After, network) are retried; each attempt is counted', async () => {
  const waits: number[] = [];
  const t = scripted([
    { status: 503, body: { message: 'busy' } },
    { status: 429, body: { message: 'slow down' }, retryAfterSeconds: 1 },
    new Error('ECONNRESET'),
    { status: 200, body: cm },
  ]);
  const client = clusterClientOver(t, { sleep: async (ms) => void waits.push(ms) });
  const out = await client.apply(cm, { fieldManager: 'trueup', force: true });
  assert.equal(out.metadata.name, 'c');
  assert.deepEqual(waits, [200, 1000, 800]);
  assert.equal(client.counter.snapshot().apply, 4);
});

test('terminal failures and creates are not retried; retries run out', async () => {
  const noSleep = { sleep: async () => {} };
  const invalid = clusterClientOver(
    scripted([{ status: 422, body: { message: 'bad', reason: 'Invalid' } }]),
    noSleep,
  );
  await assert.rejects(invalid.apply(cm, { fieldManager: 't', force: true }), (e: unknown) => {
    return (
      isKubeApiError(e, KubeErrorCode.Invalid) &&
      e.retry === RetryClass.Terminal &&
      e.message === 'ConfigMap n/c: bad'
    );
  });
  assert.equal(invalid.counter.snapshot().apply, 1);
  const create = clusterClientOver(
    scripted([
      { status: 503, body: {} },
      { status: 200, body: cm },
    ]),
    noSleep,
  );
  await assert.rejects(create.create(cm, { fieldManager: 't' }), (e: unknown) =>
    isKubeApiError(e, KubeErrorCode.ServerError),
  );
  assert.equal(create.counter.snapshot().create, 1);
  const down = clusterClientOver(scripted(Array.from({ length: 10 }, () => ({ status: 500, body: {} }))), {
    ...noSleep,
    retries: 2,
  });
  await assert.rejects(
    down.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'n', name: 'c' }),
    (e: unknown) => {
      return isKubeApiError(e, KubeErrorCode.ServerError) && e.retry === RetryClass.Transient;
    },
  );
  assert.equal(down.counter.snapshot().get, 3);
});
