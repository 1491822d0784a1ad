/**
 * A multi-source Application (spec.sources) end to end: real control plane, real Git over HTTP,
 * the controller in-process with the built Helm engine. The chart lives in one repository, the
 * values per environment in another (`ref: values`, `valueFiles: [$values/envs/prod/values.yaml]`):
 * the pattern teams use to keep values in Git apart from the chart. A values change pushed to the
 * second repository rolls the Deployment; status records the revision of each source; `trueup
 * app diff` renders the app as the controller does. Admission refuses malformed sources by CEL.
 *
 * The chart test is skipped (with the reason) only when the Helm engine is not built
 * (`bash helm/build.sh`; `npm test` builds it when this file runs).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { locateEngine } from '../../src/helm/locate.js';
import { testNamespace } from '../support/cluster.js';
import { condition, e2eEnv, trueupCli, waitFor, yaml } from './support.js';

const engineMissing = await locateEngine().then(
  () => undefined,
  (err: Error) => err.message,
);
const skip = engineMissing ?? false;
const env = await e2eEnv('multisrc');

const chart = {
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'charts/web/values.yaml': 'replicas: 1\nimage: {repository: registry.example/web, tag: "1.0"}\n',
  'charts/web/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
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
};

test('a chart from one repository with values from another ($values) syncs and rolls on a values push', {
  skip,
}, async () => {
  const dest = await testNamespace('multisrc-dest');
  const charts = await env.git.createRepo('ms-charts');
  const values = await env.git.createRepo('ms-values');
  const chartSha = await charts.commit(chart);
  const values1 = await values.commit({
    'envs/prod/values.yaml': 'replicas: 2\nimage: {tag: "2.0"}\n',
    'envs/dev/values.yaml': 'replicas: 1\n',
  });
  const app = {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'web-prod', namespace: env.appNs },
    spec: {
      sources: [
        {
          repoURL: env.git.url('ms-charts'),
          targetRevision: 'main',
          path: 'charts/web',
          helm: { releaseName: 'web', valueFiles: ['$values/envs/prod/values.yaml'] },
        },
        { repoURL: env.git.url('ms-values'), targetRevision: 'main', ref: 'values' },
      ],
      destination: { namespace: dest },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
  await env.kubectl(['apply', '-f', '-'], yaml(app));
  await env.controller();

  const deployment = async () => env.get('apps/v1', 'Deployment', dest, 'web');
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
  assert.deepEqual(synced.status?.sync?.revisions, [chartSha, values1]);
  assert.equal(synced.status?.sync?.revision, `${chartSha},${values1}`);
  assert.deepEqual(synced.status?.history?.at(-1)?.revisions, [chartSha, values1]);
  assert.deepEqual(synced.status?.operationState?.syncResult?.revisions, [chartSha, values1]);

  // CI promotes by committing to the values repository: the Deployment rolls.
  const values2 = await values.commit({ 'envs/prod/values.yaml': 'replicas: 3\nimage: {tag: "2.1"}\n' });
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
  const rolled = await waitFor('web-prod Synced at the new values commit', async () => {
    const a = await env.app('web-prod');
    return (
      a?.status?.sync?.syncedRevision === `${chartSha},${values2}` && a.status.sync.status === 'Synced' && a
    );
  });
  assert.deepEqual(rolled.status?.sync?.revisions, [chartSha, values2]);
  assert.equal(rolled.status?.history?.length, 2);

  // `trueup app diff` resolves and renders every source as the controller does: no difference.
  const diff = await trueupCli(env.kubeconfigPath, env.appNs, ['app', 'diff', 'web-prod']);
  assert.equal(diff.code, 0, diff.stderr + diff.stdout);

  // A values file missing from the ref repository is refused with its name.
  app.spec.sources[0] = {
    ...app.spec.sources[0],
    helm: { releaseName: 'web', valueFiles: ['$values/envs/qa/values.yaml'] },
  } as (typeof app.spec.sources)[0];
  await env.kubectl(['apply', '-f', '-'], yaml(app));
  const stalled = await waitFor('web-prod Stalled on the missing values file', async () => {
    const c = condition(await env.app('web-prod'), 'Stalled');
    return c?.status === 'True' && c;
  });
  assert.match(
    stalled.message ?? '',
    /spec\.sources\[0\]\.helm\.valueFiles entry \$values\/envs\/qa\/values\.yaml: envs\/qa\/values\.yaml not found/,
  );
});

test('admission refuses malformed spec.sources by CEL, with the controller’s messages', async () => {
  const repoURL = 'https://git.example/c.git';
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'both',
      { source: { repoURL, path: 'a' }, sources: [{ repoURL, path: 'a' }] },
      /set exactly one of spec\.source \(one source\) and spec\.sources \(several sources\)/,
    ],
    ['neither', {}, /set exactly one of spec\.source/],
    ['no-path-no-ref', { sources: [{ repoURL }] }, /needs a path \(rendered\) or a ref/],
    [
      'dup-refs',
      {
        sources: [
          { repoURL, ref: 'v' },
          { repoURL, ref: 'v', path: 'b' },
        ],
      },
      /refs must be unique/,
    ],
    ['bad-ref', { sources: [{ repoURL, ref: 'a b' }] }, /spec\.sources\[0\]\.ref/],
    [
      'helm-kustomize',
      { sources: [{ repoURL, path: 'a', helm: {}, kustomize: {} }] },
      /cannot be combined with kustomize or directory/,
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
