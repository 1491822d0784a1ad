import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AppInfo, createMetrics } from './metrics.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the sample lines of Prometheus text exposition (enough for these tests). */
function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] ?? ''] = l[2] ?? '';
    }
    out.push({ name, labels, value: Number(m[3]) });
  }
  return out;
}

const app: AppInfo = {
  namespace: 'trueup-system',
  name: 'web-api-prod',
  project: 'default',
  repoURL: 'https://deploy:s3cr3t-token@git.example.com/org/gitops-config.git?token=abc#frag',
  destServer: 'https://kubernetes.default.svc',
  destNamespace: 'web-api',
  syncStatus: 'OutOfSync',
  healthStatus: 'Healthy',
  autoSync: true,
};

describe('metrics', () => {
  it('exports one trueup_app_info series per app with every label, without credentials', async () => {
    const m = createMetrics({ processMetrics: false });
    m.setApp(app);
    const text = await m.render();
    const info = samples(text, 'trueup_app_info');
    assert.deepEqual(info, [
      {
        name: 'trueup_app_info',
        value: 1,
        labels: {
          namespace: 'trueup-system',
          name: 'web-api-prod',
          project: 'default',
          repo: 'https://git.example.com/org/gitops-config.git',
          dest_server: 'https://kubernetes.default.svc',
          dest_namespace: 'web-api',
          sync_status: 'OutOfSync',
          health_status: 'Healthy',
          autosync_enabled: 'true',
        },
      },
    ]);
    assert.doesNotMatch(text, /s3cr3t|token=abc|deploy:/);
  });

  it('replaces an app series when its status changes and removes every per-app series on delete', async () => {
    const m = createMetrics({ processMetrics: false });
    m.setApp(app);
    m.setApp({ ...app, syncStatus: 'Synced' });
    m.setApp({ ...app, name: 'other' });
    m.recordSync(app.namespace, app.name, 'Succeeded');
    m.recordDriftCorrection(app.namespace, app.name, 2);
    let text = await m.render();
    const info = samples(text, 'trueup_app_info').filter((s) => s.labels.name === app.name);
    assert.equal(info.length, 1);
    assert.equal(info[0]?.labels.sync_status, 'Synced');
    const drift = samples(text, 'trueup_drift_corrections_total').find((s) => s.labels.name === app.name);
    assert.equal(drift?.value, 2);

    m.deleteApp(app.namespace, app.name);
    text = await m.render();
    for (const metric of ['trueup_app_info', 'trueup_app_sync_total', 'trueup_drift_corrections_total']) {
      const names = samples(text, metric).map((s) => s.labels.name);
      assert.ok(!names.includes(app.name), `${metric} still has a series of the deleted app`);
      assert.ok(names.includes('other'), `${metric} lost the other app`);
    }
  });

  it('clears every app series when the replica stops leading', async () => {
    const m = createMetrics({ processMetrics: false });
    m.setApp(app);
    m.setApp({ ...app, name: 'other' });
    m.recordDriftCorrection(app.namespace, 'other');
    m.clearApps();
    const text = await m.render();
    for (const metric of ['trueup_app_info', 'trueup_app_sync_total', 'trueup_drift_corrections_total']) {
      assert.deepEqual(samples(text, metric), [], metric);
    }
  });

  it('starts sync counters of a new app at zero for every phase, so increase() sees the first failure', async () => {
    const m = createMetrics({ processMetrics: false });
    m.setApp(app);
    let phases = samples(await m.render(), 'trueup_app_sync_total');
    assert.deepEqual(phases.map((s) => [s.labels.phase, s.value]).sort(), [
      ['Error', 0],
      ['Failed', 0],
      ['Running', 0],
      ['Succeeded', 0],
    ]);
    m.recordSync(app.namespace, app.name, 'Failed');
    phases = samples(await m.render(), 'trueup_app_sync_total');
    assert.equal(phases.find((s) => s.labels.phase === 'Failed')?.value, 1);
  });

  it('strips credentials from git request labels and bounds the number of repositories', async () => {
    const m = createMetrics({ processMetrics: false, maxRepos: 2 });
    m.observeGitRequest('https://user:pw@a.example/r.git', 'fetch', 0.2);
    m.observeGitRequest('https://a.example/r.git', 'ls-remote', 0.01);
    m.observeGitRequest('git@b.example:org/r.git', 'fetch', 0.3, true);
    m.observeGitRequest('https://c.example/r.git', 'fetch', 0.3);
    m.observeGitRequest('https://d.example/r.git', 'fetch', 0.3);
    const text = await m.render();
    assert.doesNotMatch(text, /user|pw@/);
    const repos = new Set(samples(text, 'trueup_git_requests_total').map((s) => s.labels.repo));
    assert.deepEqual([...repos].sort(), ['_other', 'b.example:org/r.git', 'https://a.example/r.git']);
    const count = samples(text, 'trueup_git_request_duration_seconds_count');
    const fetchA = count.find(
      (s) => s.labels.repo === 'https://a.example/r.git' && s.labels.request_type === 'fetch',
    );
    assert.equal(fetchA?.value, 1);
    const other = count.find((s) => s.labels.repo === '_other');
    assert.equal(other?.value, 2);
  });

  it('counts kube requests, reconciles, queue activity and leadership', async () => {
    const m = createMetrics({ processMetrics: false });
    m.recordKubeRequest('PATCH', 'deployments', 200);
    m.recordKubeRequest('patch', 'deployments', 200);
    m.recordKubeRequest('GET', 'leases', 'error');
    m.observeReconcile(0.12, 'success');
    m.queue.added('applications');
    m.queue.setDepth('applications', 3, 'urgent');
    m.queue.setDepth('applications', 7, 'periodic');
    m.queue.observeWait('applications', 0.002, 'urgent');
    m.queue.observeWork('applications', 0.5);
    m.queue.retried('applications');
    m.setLeader('0', true);
    const text = await m.render();
    assert.deepEqual(
      samples(text, 'trueup_kube_requests_total').map((s) => [
        s.labels.verb,
        s.labels.resource,
        s.labels.code,
        s.value,
      ]),
      [
        ['patch', 'deployments', '200', 2],
        ['get', 'leases', 'error', 1],
      ],
    );
    assert.equal(samples(text, 'trueup_app_reconcile_duration_seconds_count')[0]?.value, 1);
    const le = samples(text, 'trueup_app_reconcile_duration_seconds_bucket').find(
      (s) => s.labels.le === '0.25',
    );
    assert.equal(le?.value, 1);
    assert.deepEqual(
      samples(text, 'trueup_workqueue_depth').map((s) => [s.labels.lane, s.value]),
      [
        ['urgent', 3],
        ['periodic', 7],
      ],
    );
    assert.equal(samples(text, 'trueup_workqueue_adds_total')[0]?.value, 1);
    assert.equal(samples(text, 'trueup_workqueue_retries_total')[0]?.value, 1);
    assert.deepEqual(
      samples(text, 'trueup_workqueue_queue_duration_seconds_count').map((s) => [s.labels.lane, s.value]),
      [['urgent', 1]],
    );
    assert.equal(samples(text, 'trueup_workqueue_work_duration_seconds_sum')[0]?.value, 0.5);
    assert.deepEqual(samples(text, 'trueup_controller_leader'), [
      { name: 'trueup_controller_leader', labels: { shard: '0' }, value: 1 },
    ]);
  });

  it('exports the default Node process metrics, in a registry of its own', async () => {
    const a = createMetrics({ version: '1.2.3' });
    const b = createMetrics({ processMetrics: false });
    a.setApp(app);
    const text = await a.render();
    assert.match(text, /^process_resident_memory_bytes \d+/m);
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
    assert.deepEqual(samples(text, 'trueup_build_info')[0]?.labels, { version: '1.2.3' });
    const other = await b.render();
    assert.doesNotMatch(other, /process_resident_memory_bytes/);
    assert.equal(samples(other, 'trueup_app_info').length, 0);
  });
  it('counts image scans and automation runs by result, zeroed from the start', async () => {
    const m = createMetrics({ processMetrics: false });
    const value = (text: string, name: string, result: string) =>
      samples(text, name).find((s) => s.labels.result === result)?.value;
    const first = await m.render();
    assert.equal(value(first, 'trueup_image_scan_total', 'error'), 0);
    assert.equal(value(first, 'trueup_image_automation_push_total', 'pushed'), 0);
    m.image.observeScan('success', 0.2);
    m.image.observeScan('success', 0.3);
    m.image.observeScan('error', 5);
    m.image.recordAutomationRun('pushed');
    m.image.recordAutomationRun('no_change');
    m.image.recordAutomationRun('no_change');
    const text = await m.render();
    assert.equal(value(text, 'trueup_image_scan_total', 'success'), 2);
    assert.equal(value(text, 'trueup_image_scan_total', 'error'), 1);
    assert.equal(value(text, 'trueup_image_scan_duration_seconds_count', 'success'), 2);
    assert.equal(value(text, 'trueup_image_scan_duration_seconds_sum', 'error'), 5);
    assert.equal(value(text, 'trueup_image_automation_push_total', 'pushed'), 1);
    assert.equal(value(text, 'trueup_image_automation_push_total', 'no_change'), 2);
    assert.equal(value(text, 'trueup_image_automation_push_total', 'error'), 0);
  });
});
