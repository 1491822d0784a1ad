/**
 * A Helm chart in Git as an Application source, end to end: real control plane, real Git over
 * HTTP, the controller in-process with the built Helm engine. The layout platform teams keep
 * (`apps/web/Chart.yaml`, `values-prod.yaml`); a values change committed to Git rolls the
 * Deployment; a `helm.sh/hook: pre-install` Job runs as a PreSync hook before the Deployment and
 * is not listed in status.resources; a `test` hook is never applied; `.Capabilities` come from
 * the cluster, and `trueup app diff` renders the chart as the controller does. Admission refuses chart repositories, and source beside sources, by CEL.
 *
 * The chart test is skipped (with the reason) only when the Helm engine is not built
 * (`bash helm/build.sh`; `npm test` builds it when this file runs).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { locateEngine } from '../../src/helm/locate.js';
import { testNamespace } from '../support/cluster.js';
import { appManifest, condition, e2eEnv, trueupCli, waitFor, yaml } from './support.js';

const engineMissing = await locateEngine().then(
  () => undefined,
  (err: Error) => err.message,
);
const skip = engineMissing ?? false;
const env = await e2eEnv('helm');

const chart = {
  'apps/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'apps/web/values.yaml': 'replicas: 1\nimage: {repository: registry.example/web, tag: "1.0"}\n',
  'apps/web/values-prod.yaml': 'replicas: 2\nimage: {tag: "2.0"}\n',
  'apps/web/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels: {app: {{ .Release.Name }}}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}}}
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`,
  'apps/web/templates/info.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-info
data:
  namespace: {{ .Release.Namespace | quote }}
  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}
  hasWidgets: {{ .Capabilities.APIVersions.Has "apps/v1" | quote }}
`,
  'apps/web/templates/migrate.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install
    helm.sh/hook-weight: "-1"
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`,
  'apps/web/templates/test.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
data: {}
`,
};

test('a chart in Git with valueFiles syncs, rolls on a values change, and runs its pre-install hook first', {
  skip,
}, async () => {
  const dest = await testNamespace('helm-dest');
  const repo = await env.git.createRepo('charts');
  const repoURL = env.git.url('charts');
  await repo.commit(chart);
  const app = appManifest('web-prod', env.appNs, repoURL, 'apps/web', dest);
  (app.spec as { source: Record<string, unknown> }).source.helm = { valueFiles: ['values-prod.yaml'] };
  await env.kubectl(['apply', '-f', '-'], yaml(app));
  await env.controller();

  const deployment = async () => env.get('apps/v1', 'Deployment', dest, 'web-prod');
  const image = (d: KubeObject | undefined) =>
    (d?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec
      .containers[0]?.image;
  const replicas = (d: KubeObject | undefined) => (d?.spec as { replicas?: number } | undefined)?.replicas;

  const synced = await waitFor('web-prod Synced and Ready', async () => {
    const a = await env.app('web-prod');
    return a?.status?.sync?.status === 'Synced' && condition(a, 'Ready')?.status === 'True' && a;
  });
  const d1 = await deployment();
  assert.equal(image(d1), 'registry.example/web:2.0');
  assert.equal(replicas(d1), 2);

  // The PreSync hook ran to completion before the Deployment was created, and is no resource.
  const job = await env.get('batch/v1', 'Job', dest, 'web-prod-migrate');
  const completed = (job?.status as { completionTime?: string } | undefined)?.completionTime;
  assert.ok(completed, `the hook Job completed: ${JSON.stringify(job?.status)}`);
  assert.ok(
    Date.parse(completed) <= Date.parse(String(d1?.metadata.creationTimestamp)),
    `hook completed ${completed}, Deployment created ${d1?.metadata.creationTimestamp}`,
  );
  const listed = (synced.status?.resources ?? []).map((r) => `${r.kind}/${r.name}`).sort();
  assert.deepEqual(listed, ['ConfigMap/web-prod-info', 'Deployment/web-prod']);
  // A test hook is never applied.
  assert.equal(await env.get('v1', 'ConfigMap', dest, 'web-prod-test'), undefined);

  // Release namespace and Capabilities: the destination's, from the cluster's discovery.
  const info = (await env.get('v1', 'ConfigMap', dest, 'web-prod-info'))?.data as Record<string, string>;
  const caps = await env.client.capabilities?.();
  assert.equal(info.namespace, dest);
  assert.equal(info.kubeVersion, caps?.kubeVersion);
  assert.match(info.kubeVersion ?? '', /^v1\.\d+\.\d+$/);
  assert.equal(info.hasWidgets, 'true');

  // CI promotes by changing the values file: the Deployment rolls to the new image and replicas.
  const sha = await repo.commit({ 'apps/web/values-prod.yaml': 'replicas: 3\nimage: {tag: "2.1"}\n' });
  await env.kubectl([
    'annotate',
    '--overwrite',
    '-n',
    env.appNs,
    'tapp/web-prod',
    'trueup.dev/refresh=normal',
  ]);
  await waitFor('the Deployment rolled to 2.1', async () => {
    const d = await deployment();
    return image(d) === 'registry.example/web:2.1' && replicas(d) === 3;
  });
  await waitFor('web-prod Synced at the new commit', async () => {
    const a = await env.app('web-prod');
    return a?.status?.sync?.syncedRevision === sha && a.status.sync.status === 'Synced';
  });

  // `trueup app diff` renders the chart as the controller does (release, namespace, Capabilities): no difference.
  const diff = await trueupCli(env.kubeconfigPath, env.appNs, ['app', 'diff', 'web-prod']);
  assert.equal(diff.code, 0, diff.stderr + diff.stdout);

  // A values file that is not there is refused with its name (not skipped).
  (app.spec as { source: Record<string, unknown> }).source.helm = { valueFiles: ['values-staging.yaml'] };
  await env.kubectl(['apply', '-f', '-'], yaml(app));
  const stalled = await waitFor('web-prod Stalled on the missing values file', async () => {
    const c = condition(await env.app('web-prod'), 'Stalled');
    return c?.status === 'True' && c;
  });
  assert.match(
    stalled.message ?? '',
    /valueFiles entry values-staging\.yaml: apps\/web\/values-staging\.yaml not found/,
  );
});

test('admission refuses charts from Helm repositories and source beside sources, by CEL', async () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'chart',
      { source: { repoURL: 'https://charts.example', chart: 'nginx', targetRevision: '1.0.0' } },
      /charts from Helm repositories are not supported yet: vendor the chart into Git and point path at it/,
    ],
    [
      'sources',
      {
        source: { repoURL: 'https://git.example/c.git', path: 'a' },
        sources: [{ repoURL: 'https://git.example/c.git', path: 'a' }],
      },
      /set exactly one of spec\.source \(one source\) and spec\.sources/,
    ],
    [
      'passcreds',
      { source: { repoURL: 'https://git.example/c.git', path: 'a', helm: { passCredentials: true } } },
      /helm\.passCredentials is for charts from Helm repositories/,
    ],
  ];
  for (const [name, spec, message] of cases) {
    const app = {
      apiVersion: 'trueup.dev/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace: env.appNs },
      spec: { destination: { namespace: 'x' }, ...spec },
    };
    await assert.rejects(env.kubectl(['apply', '-f', '-'], yaml(app)), message, name);
  }
});
