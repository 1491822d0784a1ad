/**
 * The transport's watch stream over a loopback HTTP server: one that answers as the API server
 * does after a restart (a 200 whose stream carries an ERROR event with a 410 Status), and one
 * whose events arrive cut at arbitrary bytes.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { clusterClientOver } from './client.js';
import { isKubeApiError, KubeErrorCode } from './errors.js';
import { createTransport } from './transport.js';

const kubeconfig = () => {
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
  return kc;
};

/** Watch lines, the second with a character that is more than one byte in UTF-8. */
const lines = [
  JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }),
  JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'b' }, data: { x: 'é€😀' } } }),
  JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'c' } } }),
];

const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url?.startsWith('/split')) {
    // Blank lines, a line cut inside a multi-byte character, and a last line without a newline;
    // each piece is its own write, a tick apart, so the client sees them as separate chunks.
    const body = Buffer.from(`\n${lines[0]}\n\n${lines[1]}\n${lines[2]}`);
    const euro = body.indexOf(Buffer.from('€'));
    const cuts = [0, 3, euro + 1, euro + 2, body.length - 5, body.length];
    const write = (i: number) => {
      if (i === cuts.length - 1) return void res.end();
      res.write(body.subarray(cuts[i], cuts[i + 1]));
      setImmediate(() => write(i + 1));
    };
    res.flushHeaders();
    write(0);
    return;
  }
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
  const client = clusterClientOver(await createTransport(kubeconfig()));
  after(() => client.close());
  await assert.rejects(
    client.watch('v1', 'ConfigMap', { namespace: 'n', resourceVersion: '1' }, () => {}),
    (err: unknown) => isKubeApiError(err, KubeErrorCode.Gone) && /too old resource version/.test(err.message),
  );
});

test('a stream cut at arbitrary bytes (inside a UTF-8 character too) yields each line once, whole', async () => {
  const transport = await createTransport(kubeconfig());
  after(() => transport.close());
  const got: string[] = [];
  await transport.stream({ method: 'GET', path: '/split', subject: 'split' }, (l) => got.push(l));
  assert.deepEqual(got, lines);
});

test('onLine throwing ends the stream (no line after it) and rejects it', async () => {
  const transport = await createTransport(kubeconfig());
  after(() => transport.close());
  const seen: string[] = [];
  await assert.rejects(
    transport.stream({ method: 'GET', path: '/split', subject: 'split' }, (l) => {
      seen.push(l);
      throw new Error('stop here');
    }),
    /stop here/,
  );
  assert.deepEqual(seen, [lines[0]]);
});

test('a watch coalescing window that is not a duration is refused, saying so', async () => {
  for (const coalesceMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    await assert.rejects(
      createTransport(kubeconfig(), 32, undefined, { coalesceMs }),
      (err: Error & { code?: string }) =>
        err.code === 'KubeClientOptionInvalid' && /watch coalescing window/.test(err.message),
    );
  }
});

test('coalesceMs 0 (each chunk as it arrives) yields the same lines as the default', async () => {
  const transport = await createTransport(kubeconfig(), 32, undefined, { coalesceMs: 0 });
  after(() => transport.close());
  const got: string[] = [];
  await transport.stream({ method: 'GET', path: '/split', subject: 'split' }, (l) => got.push(l));
  assert.deepEqual(got, lines);
});
