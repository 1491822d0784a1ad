/**
 * The transport's watch stream over a loopback HTTP server that answers as the API server does
 * after a restart: a 200 whose stream carries an ERROR event with a 410 Status.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { clusterClientOver } from './client.js';
import { isKubeApiError, KubeErrorCode } from './errors.js';
import { createTransport } from './transport.js';

const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url === '/api/v1') {
    res.end(JSON.stringify({ resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] }));
    return;
  }
  res.write(
    `${JSON.stringify({
      type: 'ERROR',
      object: {
        kind: 'Status',
        status: 'Failure',
        code: 410,
        reason: 'Expired',
        message: 'too old resource version: 1 (2)',
      },
    })}\n`,
  );
  res.end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('a watch ERROR event with 410 rejects as KubeGone (so informers relist), not as a network error', async () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const client = clusterClientOver(await createTransport(kc));
  after(() => client.close());
  await assert.rejects(
    client.watch('v1', 'ConfigMap', { namespace: 'n', resourceVersion: '1' }, () => {}),
    (err: unknown) => isKubeApiError(err, KubeErrorCode.Gone) && /too old resource version/.test(err.message),
  );
});
