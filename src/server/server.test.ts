import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { createMetrics } from '../metrics/metrics.js';
import { type ReadinessState, readiness } from './readiness.js';
import { type RunningServer, type ServerDeps, startServer, type WebhookRequest } from './server.js';

async function start(deps: Partial<ServerDeps> & { state?: ReadinessState } = {}): Promise<RunningServer> {
  const metrics = createMetrics({ processMetrics: false });
  metrics.setApp({
    namespace: 'ns',
    name: 'a',
    repoURL: 'https://x:y@git.example/r.git',
    syncStatus: 'Synced',
    healthStatus: 'Healthy',
    autoSync: true,
  });
  const state = deps.state ?? { cachesSynced: true };
  const server = await startServer(
    { metrics, readiness: () => readiness(state), ...deps },
    { host: '127.0.0.1', port: 0 },
  );
  after(() => server.close());
  return server;
}

describe('readiness', () => {
  const table: [string, ReadinessState, boolean, string][] = [
    ['single, caches not synced', { cachesSynced: false }, false, 'single'],
    ['single, synced', { cachesSynced: true }, true, 'single'],
    [
      'leader, not synced',
      { cachesSynced: false, leaderElection: { leader: true, running: true } },
      false,
      'leader',
    ],
    [
      'leader, synced',
      { cachesSynced: true, leaderElection: { leader: true, running: true } },
      true,
      'leader',
    ],
    ['standby', { cachesSynced: false, leaderElection: { leader: false, running: true } }, true, 'standby'],
    [
      'standby, elector stopped',
      { cachesSynced: true, leaderElection: { leader: false, running: false } },
      false,
      'standby',
    ],
  ];
  for (const [name, state, ready, role] of table) {
    it(name, () => {
      const r = readiness(state);
      assert.equal(r.ready, ready);
      assert.equal(r.role, role);
      assert.equal(r.reasons.length === 0, ready);
    });
  }
});

describe('HTTP server', () => {
  it('serves /metrics as Prometheus text', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^trueup_app_info\{.*name="a".*\} 1$/m);
    assert.doesNotMatch(text, /x:y@/);
  });

  it('answers /healthz from the liveness check', async () => {
    let live = true;
    const { url } = await start({
      liveness: () =>
        live ? { live, reasons: [] } : { live, reasons: ['work queue stalled', 'watch of Pod: no progress'] },
    });
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    live = false;
    const res = await fetch(`${url}/healthz`);
    assert.equal(res.status, 503);
    assert.equal(await res.text(), 'work queue stalled\nwatch of Pod: no progress\n');
  });

  it('answers /readyz from the current state', async () => {
    const state: ReadinessState = { cachesSynced: false, leaderElection: { leader: true, running: true } };
    const { url } = await start({ state });
    let res = await fetch(`${url}/readyz`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { ready: false, role: 'leader', reasons: ['caches not synced'] });
    state.cachesSynced = true;
    res = await fetch(`${url}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ready: true, role: 'leader', reasons: [] });
  });

  it('hands POST /webhook with its raw body and headers to the mounted handler', async () => {
    const seen: WebhookRequest[] = [];
    const { url } = await start({
      webhook: async (req) => {
        seen.push(req);
        const sig = `sha256=${createHmac('sha256', 'k').update(req.body).digest('hex')}`;
        return req.headers['x-hub-signature-256'] === sig
          ? { status: 202, body: { refreshed: 1 } }
          : { status: 401, body: { error: 'bad signature' } };
      },
    });
    const payload = JSON.stringify({ ref: 'refs/heads/main' });
    const good = `sha256=${createHmac('sha256', 'k').update(payload).digest('hex')}`;
    let res = await fetch(`${url}/webhook`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': good, 'content-type': 'application/json' },
      body: payload,
    });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { refreshed: 1 });
    assert.equal(seen[0]?.body.toString(), payload);
    res = await fetch(`${url}/webhook`, { method: 'POST', body: payload });
    assert.equal(res.status, 401);
    res = await fetch(`${url}/webhook`);
    assert.equal(res.status, 405);
  });

  it('rejects an oversized webhook body without calling the handler', async () => {
    let calls = 0;
    const metrics = createMetrics({ processMetrics: false });
    const server = await startServer(
      {
        metrics,
        readiness: () => readiness({ cachesSynced: true }),
        webhook: async () => {
          calls += 1;
          return { status: 200 };
        },
      },
      { host: '127.0.0.1', port: 0, maxBodyBytes: 10 },
    );
    after(() => server.close());
    const res = await fetch(`${server.url}/webhook`, { method: 'POST', body: 'x'.repeat(100) });
    assert.equal(res.status, 413);
    assert.equal(calls, 0);
  });

  it('answers 500 when the webhook handler throws, and reports the error', async () => {
    const errors: unknown[] = [];
    const { url } = await start({
      webhook: async () => {
        throw new Error('boom');
      },
      onError: (err) => errors.push(err),
    });
    const res = await fetch(`${url}/webhook`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: 'internal error' });
    assert.equal((errors[0] as Error).message, 'boom');
  });

  it('answers 404 for unknown paths and for /webhook when no handler is mounted', async () => {
    const { url } = await start();
    assert.equal((await fetch(`${url}/nope`)).status, 404);
    assert.equal((await fetch(`${url}/webhook`, { method: 'POST', body: '{}' })).status, 404);
  });

  it('stops listening on close', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const server = await startServer(
      { metrics, readiness: () => readiness({ cachesSynced: true }) },
      { host: '127.0.0.1', port: 0 },
    );
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    await server.close();
    await assert.rejects(fetch(`${server.url}/healthz`));
  });
});
