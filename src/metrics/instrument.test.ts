import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyGitRequest,
  classifyKubeRequest,
  instrumentChartFetch,
  instrumentGitHttp,
  instrumentKubeTransport,
} from './instrument.js';
import { createMetrics } from './metrics.js';

function lines(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`));
}

describe('classifyKubeRequest', () => {
  const table: [string, string, Record<string, string>, string, string][] = [
    ['GET', '/api/v1/namespaces/a/configmaps/x', {}, 'get', 'configmaps'],
    ['GET', '/api/v1/namespaces/a/configmaps', {}, 'list', 'configmaps'],
    ['GET', '/apis/apps/v1/deployments', { watch: 'true' }, 'watch', 'deployments'],
    ['GET', '/apis/apps/v1', {}, 'get', 'discovery'],
    ['GET', '/api', {}, 'get', 'discovery'],
    ['GET', '/api/v1/namespaces/web', {}, 'get', 'namespaces'],
    ['GET', '/api/v1/namespaces', {}, 'list', 'namespaces'],
    ['PATCH', '/apis/apps/v1/namespaces/a/deployments/web', {}, 'patch', 'deployments'],
    [
      'PATCH',
      '/apis/apps/v1/namespaces/a/deployments/web',
      { dryRun: 'All' },
      'patch-dry-run',
      'deployments',
    ],
    [
      'PATCH',
      '/apis/trueup.dev/v1alpha1/namespaces/s/applications/x/status',
      {},
      'patch',
      'applications/status',
    ],
    ['POST', '/api/v1/namespaces/a/events', {}, 'create', 'events'],
    ['PUT', '/apis/coordination.k8s.io/v1/namespaces/s/leases/l', {}, 'update', 'leases'],
    ['DELETE', '/api/v1/namespaces/a/secrets/s', {}, 'delete', 'secrets'],
    ['DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterroles/r', {}, 'delete', 'clusterroles'],
  ];
  for (const [method, path, query, verb, resource] of table) {
    it(`${method} ${path} ${JSON.stringify(query)} -> ${verb} ${resource}`, () => {
      assert.deepEqual(classifyKubeRequest({ method, path, query }), { verb, resource });
    });
  }
});

describe('instrumentKubeTransport', () => {
  it('counts each request with its status, and transport errors as `error`', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const transport = {
      calls: 0,
      async send(spec: { method: string; path: string }) {
        this.calls += 1;
        if (spec.path.includes('boom')) throw new Error('ECONNREFUSED');
        return { status: spec.method === 'POST' ? 409 : 200, body: {} };
      },
      async stream(_spec: { method: string; path: string }, _onLine: (l: string) => void) {},
      close() {},
    };
    const t = instrumentKubeTransport(transport, metrics);
    await t.send({ method: 'GET', path: '/api/v1/namespaces/a/configmaps/x' });
    await t.send({ method: 'POST', path: '/api/v1/namespaces/a/configmaps' });
    await assert.rejects(t.send({ method: 'GET', path: '/api/v1/boom' }), /ECONNREFUSED/);
    await t.stream(
      { method: 'GET', path: '/api/v1/configmaps', query: { watch: 'true' } } as never,
      () => {},
    );
    assert.equal(transport.calls, 3);
    assert.deepEqual(lines(await metrics.render(), 'trueup_kube_requests_total'), [
      'trueup_kube_requests_total{verb="get",resource="configmaps",code="200"} 1',
      'trueup_kube_requests_total{verb="create",resource="configmaps",code="409"} 1',
      'trueup_kube_requests_total{verb="list",resource="boom",code="error"} 1',
      'trueup_kube_requests_total{verb="watch",resource="configmaps",code="200"} 1',
    ]);
  });
});

describe('instrumentGitHttp', () => {
  it('classifies smart-HTTP requests and strips credentials and the service query', () => {
    assert.deepEqual(
      classifyGitRequest('https://u:p@git.example/org/r.git/info/refs?service=git-upload-pack'),
      {
        repo: 'https://u:p@git.example/org/r.git',
        type: 'ls-remote',
      },
    );
    assert.deepEqual(classifyGitRequest('http://127.0.0.1:9/r.git/git-upload-pack'), {
      repo: 'http://127.0.0.1:9/r.git',
      type: 'fetch',
    });
    assert.equal(classifyGitRequest('http://127.0.0.1:9/r.git/HEAD'), undefined);
  });

  it('observes each request once its body is consumed, without credentials in the labels', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let t = 0;
    async function* body() {
      t += 0.5; // the body takes time to arrive
      yield new Uint8Array([1]);
    }
    const client = {
      async request(req: { url: string }) {
        if (req.url.includes('down')) throw new Error('ECONNRESET');
        return { statusCode: req.url.includes('missing') ? 404 : 200, body: body() };
      },
    };
    const git = instrumentGitHttp(client, metrics, () => t * 1000);
    const res = await git.request({ url: 'https://tok@git.example/r.git/info/refs?service=git-upload-pack' });
    for await (const _ of res.body ?? []) {
    }
    await assert.rejects(git.request({ url: 'https://git.example/down.git/git-upload-pack' }));
    const missing = await git.request({ url: 'https://git.example/missing.git/info/refs' });
    for await (const _ of missing.body ?? []) {
    }
    const text = await metrics.render();
    assert.doesNotMatch(text, /tok@/);
    assert.deepEqual(lines(text, 'trueup_git_requests_total'), [
      'trueup_git_requests_total{repo="https://git.example/r.git",request_type="ls-remote",failed="false"} 1',
      'trueup_git_requests_total{repo="https://git.example/down.git",request_type="fetch",failed="true"} 1',
      'trueup_git_requests_total{repo="https://git.example/missing.git",request_type="ls-remote",failed="true"} 1',
    ]);
    assert.ok(
      lines(text, 'trueup_git_request_duration_seconds_sum').includes(
        'trueup_git_request_duration_seconds_sum{repo="https://git.example/r.git",request_type="ls-remote"} 0.5',
      ),
    );
  });
});

describe('instrumentChartFetch', () => {
  it('counts chart requests by host and status (never the path or query), errors as error', async () => {
    const metrics = createMetrics();
    const fetchFn = async (input: string | URL) => {
      if (String(input).includes('down')) throw new TypeError('fetch failed');
      return new Response('', { status: String(input).includes('missing') ? 404 : 200 });
    };
    const counted = instrumentChartFetch(fetchFn, metrics);
    await counted('https://charts.example/stable/index.yaml?sig=SECRET');
    await counted('https://charts.example/stable/web-1.0.0.tgz');
    await counted('https://cdn.example:8443/missing.tgz');
    await assert.rejects(counted('http://down.example/x'));
    const text = await metrics.render();
    assert.deepEqual(lines(text, 'trueup_chart_requests_total').sort(), [
      'trueup_chart_requests_total{host="cdn.example:8443",code="404"} 1',
      'trueup_chart_requests_total{host="charts.example",code="200"} 2',
      'trueup_chart_requests_total{host="down.example",code="error"} 1',
    ]);
    assert.ok(!text.includes('SECRET'));
  });
});
