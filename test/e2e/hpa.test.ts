/**
 * A HorizontalPodAutoscaler owns a Deployment's spec.replicas while trueup manages the rest,
 * end to end: the app lists `/spec/replicas` in ignoreDifferences, as Argo CD users do, so when
 * the HPA scales the Deployment (its pods' emulated CPU usage rises, read through the local
 * control plane's metrics-server) the app stays Synced and Healthy, and selfHeal leaves the
 * HPA's replica count alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Application } from '../../src/api/application.js';
import { testNamespace } from '../support/cluster.js';
import { appManifest, e2eEnv, waitFor, yaml } from './support.js';

const env = await e2eEnv('hpa');
const dest = await testNamespace('hpa-dest');
const repo = await env.git.createRepo('autoscaled');
const repoURL = env.git.url('autoscaled');

await repo.commit({
  'apps/web/deployment.yaml': yaml({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: {
          labels: { app: 'web' },
          // kwok emulates this usage (test/control-plane/kwok-metrics.yaml): 20% of the request.
          annotations: { 'sim.trueup.dev/cpu-usage': '20m' },
        },
        spec: {
          containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m' } } }],
        },
      },
    },
  }),
  'apps/web/hpa.yaml': yaml({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
    },
  }),
});
const manifest = appManifest('web', env.appNs, repoURL, 'apps/web', dest, { selfHeal: true });
(manifest.spec as { ignoreDifferences?: unknown }).ignoreDifferences = [
  { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
];
await env.kubectl(['apply', '-f', '-'], yaml(manifest));
await env.controller();

const replicas = async () =>
  ((await env.get('apps/v1', 'Deployment', dest, 'web'))?.spec as { replicas?: number } | undefined)
    ?.replicas;
const hpaCondition = async (type: string) => {
  const hpa = await env.get('autoscaling/v2', 'HorizontalPodAutoscaler', dest, 'web');
  const conditions = (hpa?.status as { conditions?: { type: string; status: string }[] } | undefined)
    ?.conditions;
  return conditions?.find((c) => c.type === type)?.status;
};
const verdict = (app: Application | undefined) =>
  `${app?.status?.sync?.status}/${app?.status?.health?.status}`;

test('the HPA scales the Deployment from 1 to 3 replicas while the app stays Synced and Healthy', async () => {
  await waitFor(
    'the app Synced and Healthy (the HPA computing from metrics)',
    async () => verdict(await env.app('web')) === 'Synced/Healthy',
    180_000,
  );
  assert.equal(await hpaCondition('ScalingActive'), 'True');
  assert.equal(await replicas(), 1);

  // Watch the app's verdict for the whole scale-up: every reading must be Synced.
  const seen = new Set<string>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      seen.add((await env.app('web'))?.status?.sync?.status ?? 'none');
      await new Promise((r) => setTimeout(r, 200));
    }
  })();

  // The running pod now uses 200m, twice its request: the HPA wants 4, capped at 3.
  await env.kubectl([
    'annotate',
    'pods',
    '-n',
    dest,
    '-l',
    'app=web',
    '--overwrite',
    'sim.trueup.dev/cpu-usage=200m',
  ]);
  await waitFor('the HPA scaled the Deployment to 3', async () => (await replicas()) === 3, 180_000);
  await waitFor(
    'the three pods ready and the app Healthy',
    async () => {
      const deployment = await env.get('apps/v1', 'Deployment', dest, 'web');
      const ready = (deployment?.status as { readyReplicas?: number } | undefined)?.readyReplicas;
      return ready === 3 && verdict(await env.app('web')) === 'Synced/Healthy';
    },
    120_000,
  );

  // A refresh compares Git with the scaled Deployment again: spec.replicas is ignored, so the
  // app stays Synced and selfHeal does not put the Git value (1) back.
  await env.kubectl(['annotate', '-n', env.appNs, 'tapp/web', 'trueup.dev/refresh=hard']);
  await waitFor('the refresh done', async () => {
    const app = await env.app('web');
    return app?.metadata.annotations?.['trueup.dev/refresh'] === undefined && app;
  });
  watching = false;
  await watcher;
  assert.deepEqual([...seen], ['Synced']);
  const app = await env.app('web');
  assert.equal(verdict(app), 'Synced/Healthy');
  assert.equal(await replicas(), 3);
  assert.equal(await hpaCondition('ScalingActive'), 'True');
  const live = await env.get('apps/v1', 'Deployment', dest, 'web');
  assert.equal(
    live?.metadata.annotations?.['trueup.dev/tracking-id'],
    `${env.appNs}/web:apps/Deployment:${dest}/web`,
    'the Deployment is still trueup-managed',
  );
});
