/**
 * A real Prometheus (Debian's package) scraping trueup's HTTP server and evaluating the alert
 * rules shipped in deploy/ (with TrueupAppOutOfSync's `for:` shortened to 3 s): an app that
 * turns OutOfSync makes the alert pending, then firing; back in sync, it resolves. Here the
 * app's status is set on the metrics directly; alerts-e2e.test.ts drives it with the running controller.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type AppInfo, createMetrics } from '../../src/metrics/metrics.js';
import { readiness } from '../../src/server/readiness.js';
import { startServer } from '../../src/server/server.js';
import { eventually } from '../support/wait.js';
import { type Alert, shippedRules, startPrometheus } from './support/prometheus.js';

/** Cluster, controller and Prometheus act in their own time: an upper bound, not a timing assertion. */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
  eventually(what, probe, 60000);

describe('Prometheus scraping trueup with the shipped alert rules', () => {
  it('takes TrueupAppOutOfSync from pending to firing while an app is out of sync, and resolves it', async () => {
    const metrics = createMetrics();
    const app: AppInfo = {
      namespace: 'trueup-system',
      name: 'web-api-dev',
      project: 'default',
      repoURL: 'http://user:secret@127.0.0.1:1/gitops-config.git',
      destNamespace: 'web-api-dev',
      syncStatus: 'Synced',
      healthStatus: 'Healthy',
      autoSync: true,
    };
    metrics.setApp(app);
    const server = await startServer(
      { metrics, readiness: () => readiness({ cachesSynced: true }) },
      { host: '127.0.0.1', port: 0 },
    );
    after(() => server.close());
    const prometheus = await startPrometheus({
      jobs: { 'trueup-metrics': [`127.0.0.1:${server.port}`] },
      groups: await shippedRules({ TrueupAppOutOfSync: '3s' }),
    });
    after(() => prometheus.stop());

    await until('the scrape is up', async () =>
      (await prometheus.query('up == 1')).length === 1 ? true : undefined,
    );
    const outOfSync = (alerts: Alert[]) => alerts.find((a) => a.labels.alertname === 'TrueupAppOutOfSync');
    assert.equal(outOfSync(await prometheus.alerts()), undefined, 'alert active while the app is Synced');

    metrics.setApp({ ...app, syncStatus: 'OutOfSync' });
    const pending = await until('TrueupAppOutOfSync pending', async () => {
      const a = outOfSync(await prometheus.alerts());
      return a && (a.state === 'pending' || a.state === 'firing') ? a : undefined;
    });
    assert.equal(pending.labels.name, 'web-api-dev');
    assert.equal(pending.labels.namespace, 'trueup-system');
    assert.equal(pending.labels.repo, 'http://127.0.0.1:1/gitops-config.git');
    const firing = await until('TrueupAppOutOfSync firing', async () => {
      const a = outOfSync(await prometheus.alerts());
      return a?.state === 'firing' ? a : undefined;
    });
    assert.match(firing.annotations.summary ?? '', /trueup-system\/web-api-dev is out of sync/);
    // No credentials reached Prometheus.
    const series = await prometheus.query('trueup_app_info');
    assert.ok(!JSON.stringify(series).includes('secret'));

    metrics.setApp({ ...app, syncStatus: 'Synced' });
    await until('TrueupAppOutOfSync resolved', async () =>
      outOfSync(await prometheus.alerts()) === undefined ? true : undefined,
    );
    // The other alerts stay quiet throughout: the controller is up and the app is healthy.
    const others = (await prometheus.alerts()).filter((a) => a.labels.alertname !== 'TrueupAppOutOfSync');
    assert.deepEqual(
      others.map((a) => a.labels.alertname),
      [],
    );
  });
});
