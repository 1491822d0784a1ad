/**
 * End to end, with real parts only: the control plane, a Git HTTP server, the trueup controller
 * in-process with its metrics server, and a real Prometheus scraping it with deploy/'s alert
 * rules (TrueupAppOutOfSync's `for:` shortened to 3 s). An app with selfHeal off drifts after
 * a `kubectl patch`; TrueupAppOutOfSync goes pending, then firing, in Prometheus' HTTP API;
 * deleting the Application removes its series and the alert resolves.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Application } from '../../src/api/application.js';
import { TreeRenderPort } from '../../src/controller/adapters/render.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { Controller } from '../../src/controller/controller.js';
import { installCrds } from '../../src/controller/install-crd.js';
import { clusterClientOver } from '../../src/kube/index.js';
import { createTransport } from '../../src/kube/transport.js';
import { instrumentGitHttp, instrumentKubeTransport } from '../../src/metrics/instrument.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { readiness } from '../../src/server/readiness.js';
import { startServer } from '../../src/server/server.js';
import { nodeHttpClient } from '../../src/source/http.js';
import { GitSource } from '../../src/source/index.js';
import { testCluster, testNamespace } from '../support/cluster.js';
import { appManifest } from '../support/fixtures.js';
import { GitHttpServer } from '../support/git-server.js';
import { kubectl } from '../support/kubectl.js';
import { eventually } from '../support/wait.js';
import { type Alert, shippedRules, startPrometheus } from './support/prometheus.js';

/** Cluster, controller and Prometheus act in their own time: an upper bound, not a timing assertion. */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
  eventually(what, probe, 90000);

const ROOT = join(import.meta.dirname, '..', '..');
const cluster = await testCluster();
const metrics = createMetrics();
const client = clusterClientOver(instrumentKubeTransport(await createTransport(cluster.kubeConfig), metrics));
after(() => client.close());
await installCrds(client);
const appNs = await testNamespace('alerts-apps');
const dest = await testNamespace('alerts-dest');
const git = await GitHttpServer.start();
after(() => git.close());
const repo = await git.createRepo('config');
const repoURL = `http://deploy:hunter2@127.0.0.1:${git.port}/config.git`;
await repo.commit({
  'app/config.yaml': JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings' },
    data: { color: 'blue' },
  }),
});
const cacheDir = await mkdtemp(join(tmpdir(), 'trueup-alerts-cache-'));
after(() => rm(cacheDir, { recursive: true, force: true }));
const controller = new Controller({
  client,
  config: { concurrency: 2, requeueInterval: 180_000, namespaces: [appNs] },
  source: new GitSourcePort(new GitSource({ cacheDir, http: instrumentGitHttp(nodeHttpClient, metrics) }), 0),
  render: new TreeRenderPort(),
  metrics,
  progressInterval: 1000,
});
const server = await startServer(
  { metrics, readiness: () => readiness({ cachesSynced: controller.cachesSynced }) },
  { host: '127.0.0.1', port: 0 },
);
after(() => server.close());
await controller.start();
after(() => controller.stop());
const prometheus = await startPrometheus({
  jobs: { 'trueup-metrics': [`127.0.0.1:${server.port}`] },
  groups: await shippedRules({ TrueupAppOutOfSync: '3s' }),
});
after(() => prometheus.stop());

const app = async () =>
  (await client.get({
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    namespace: appNs,
    name: 'watched',
  })) as Application | undefined;
const outOfSync = (alerts: Alert[]) =>
  alerts.find((a) => a.labels.alertname === 'TrueupAppOutOfSync' && a.labels.name === 'watched');

describe('TrueupAppOutOfSync end to end (controller, Prometheus)', () => {
  it('fires through Prometheus when an app without selfHeal drifts', async () => {
    await kubectl(
      cluster.kubeconfigPath,
      ['apply', '-f', '-'],
      JSON.stringify(appManifest('watched', appNs, repoURL, 'app', dest, { selfHeal: false })),
    );
    await until('the app is Synced', async () =>
      (await app())?.status?.sync?.status === 'Synced' ? true : undefined,
    );
    const synced = await until('Prometheus sees the app Synced', async () => {
      const r = await prometheus.query(`trueup_app_info{name="watched",sync_status="Synced"}`);
      return r.length === 1 ? r[0] : undefined;
    });
    assert.equal(synced.metric.namespace, appNs);
    assert.equal(
      synced.metric.repo,
      `http://127.0.0.1:${git.port}/config.git`,
      'credentials in the repo label',
    );
    assert.equal(outOfSync(await prometheus.alerts()), undefined);

    await kubectl(cluster.kubeconfigPath, [
      'patch',
      'configmap',
      'settings',
      '-n',
      dest,
      '--type=merge',
      '-p',
      '{"data":{"color":"red"}}',
    ]);
    await until('the app turns OutOfSync', async () =>
      (await app())?.status?.sync?.status === 'OutOfSync' ? true : undefined,
    );
    const pending = await until('TrueupAppOutOfSync pending or firing', async () => {
      const a = outOfSync(await prometheus.alerts());
      return a && a.state !== 'inactive' ? a : undefined;
    });
    assert.equal(pending.labels.namespace, appNs);
    assert.equal(pending.labels.dest_namespace, dest);
    const firing = await until('TrueupAppOutOfSync firing', async () => {
      const a = outOfSync(await prometheus.alerts());
      return a?.state === 'firing' ? a : undefined;
    });
    assert.match(firing.annotations.summary ?? '', new RegExp(`${appNs}/watched is out of sync`));
    // selfHeal is off: the drift stays, and so does the alert's cause.
    const cm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: dest, name: 'settings' });
    assert.deepEqual(cm?.data, { color: 'red' });
    // The request metrics came through the instrumented edges.
    const text = await metrics.render();
    assert.match(
      text,
      /^trueup_git_requests_total\{repo="http:\/\/127\.0\.0\.1:\d+\/config\.git",request_type="fetch"/m,
    );
    assert.match(
      text,
      /^trueup_kube_requests_total\{verb="watch",resource="applications",code="200"\}|^trueup_kube_requests_total\{verb="list",resource="applications"/m,
    );
    assert.doesNotMatch(text, /hunter2/);

    // Every dashboard query runs on this Prometheus; the headline ones show this app.
    const dashboard = JSON.parse(await readFile(join(ROOT, 'deploy', 'grafana', 'trueup.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const results = new Map<string, number>();
    for (const panel of dashboard.panels) {
      for (const t of panel.targets) {
        const expr = t.expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', 'trueup-metrics');
        results.set(panel.title, (await prometheus.query(expr)).length);
      }
    }
    assert.ok((results.get('Applications') ?? 0) > 0, 'the Applications panel is empty');
    assert.ok((results.get('Out of sync') ?? 0) > 0, 'the Out of sync panel is empty');
    assert.ok((results.get('Applications not Synced or not Healthy') ?? 0) > 0, 'the table panel is empty');
    assert.ok((results.get('Memory (RSS)') ?? 0) > 0, 'the memory panel is empty');

    // Deleting the Application removes its series, and the alert resolves.
    await kubectl(cluster.kubeconfigPath, ['delete', 'application', 'watched', '-n', appNs, '--wait=true']);
    await until('the app series leave /metrics', async () =>
      /^trueup_app_info\{[^}]*name="watched"/m.test(await metrics.render()) ? undefined : true,
    );
    await until('TrueupAppOutOfSync resolved', async () =>
      outOfSync(await prometheus.alerts()) === undefined ? true : undefined,
    );
  });

  it('fires TrueupAppSyncFailed through Prometheus when a commit holds an object the API server refuses', async () => {
    await repo.commit({
      'broken/bad.yaml': JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'Not_A_Valid_Name' },
        data: { a: 'b' },
      }),
    });
    await kubectl(
      cluster.kubeconfigPath,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'trueup.dev/v1alpha1',
        kind: 'Application',
        metadata: { name: 'broken', namespace: appNs },
        spec: {
          source: { repoURL, targetRevision: 'main', path: 'broken' },
          destination: { namespace: dest },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            retry: { limit: 1, backoff: { duration: '1s' } },
          },
        },
      }),
    );
    const failed = await until('TrueupAppSyncFailed firing', async () => {
      const a = (await prometheus.alerts()).find(
        (x) => x.labels.alertname === 'TrueupAppSyncFailed' && x.labels.name === 'broken',
      );
      return a?.state === 'firing' ? a : undefined;
    });
    assert.equal(failed.labels.namespace, appNs);
    assert.match(failed.annotations.summary ?? '', new RegExp(`Syncing Application ${appNs}/broken failed`));
    const app = (await client.get({
      apiVersion: 'trueup.dev/v1alpha1',
      kind: 'Application',
      namespace: appNs,
      name: 'broken',
    })) as Application | undefined;
    assert.match(app?.status?.operationState?.phase ?? '', /Failed|Error/);
  });
});
