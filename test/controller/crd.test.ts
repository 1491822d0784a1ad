/**
 * The generated CRD against the real API server: accepted, Established, printer columns and
 * short name served; valid Applications created (with defaults filled in); invalid ones refused
 * by the server's schema validation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dump } from 'js-yaml';
import type { KubeObject } from '../../src/api/object.js';
import {
  CHART_ALONE_MESSAGE,
  CHART_REPO_URL_MESSAGE,
  HTTP_ONLY_MESSAGE,
  KUSTOMIZE_OR_DIRECTORY_MESSAGE,
  PATH_INSIDE_MESSAGE,
} from '../../src/api/source-rules.js';
import { appSyncOptionProblem } from '../../src/api/sync-options.js';
import { installCrds } from '../../src/controller/install-crd.js';
import { createClusterClient } from '../../src/kube/index.js';
import type { ClusterClient } from '../../src/kube/types.js';
import { testCluster, testNamespace } from '../support/cluster.js';
import { kubectl } from '../support/kubectl.js';

// Top level: the cluster's after() hook then belongs to the file, not to a hook or test.
const cluster = await testCluster();
const kubeconfigPath = cluster.kubeconfigPath;
const client: ClusterClient = await createClusterClient(cluster.kubeConfig);
await installCrds(client);
const ns = await testNamespace('crd');

const app = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'trueup.dev/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: ns },
  spec: spec as never,
});

const good = {
  source: {
    repoURL: 'https://git.example/org/config.git',
    path: 'apps/web',
    kustomize: {
      replicas: [
        { name: 'web', count: 3 },
        { name: 'api', count: '2' },
      ],
    },
  },
  destination: { namespace: 'web' },
  syncPolicy: {
    automated: { prune: true, selfHeal: true },
    syncOptions: ['CreateNamespace=true'],
    retry: { limit: 3, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
  },
  ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
};

test('a valid Application is stored with server-side defaults', async () => {
  const created = await client.create(app('good', good), { fieldManager: 'test' });
  const spec = created.spec as { source: { targetRevision: string }; destination: { server?: string } };
  assert.equal(spec.source.targetRevision, 'HEAD');
  // No default server: a destination by name must not get one (no server or name is the controller's own cluster).
  assert.equal(spec.destination.server, undefined);
});

test('the API server refuses specs the schema rules out, naming the field', async () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['no-repo', { source: { path: '.' }, destination: {} }, /spec\.source\.repoURL: Required/],
    ['bad-duration', { ...good, syncPolicy: { retry: { backoff: { duration: 'soon' } } } }, /duration/],
    ['bad-option', { ...good, syncPolicy: { syncOptions: ['CreateNamespace'] } }, /syncOptions/],
    ['bad-limit', { ...good, revisionHistoryLimit: -1 }, /revisionHistoryLimit/],
    ['bad-prune', { ...good, syncPolicy: { automated: { prune: 'yes' } } }, /prune/],
    ['no-destination', { source: good.source }, /spec\.destination: Required/],
  ];
  for (const [name, spec, pattern] of cases) {
    await assert.rejects(client.create(app(name, spec), { fieldManager: 'test' }), pattern, name);
  }
});

test('kubectl shows the printer columns and knows the short name and category', async () => {
  await client.patchStatus(
    { apiVersion: 'trueup.dev/v1alpha1', kind: 'Application', namespace: ns, name: 'good' },
    {
      sync: { status: 'Synced', revision: 'abc123' },
      health: { status: 'Healthy' },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Synced', message: 'synced to main@sha1:abc123' },
      ],
    },
    { fieldManager: 'test' },
  );
  const { stdout } = await kubectl(kubeconfigPath, ['get', 'tapp', '-n', ns, '-o', 'wide']);
  const [head, row] = stdout.trim().split('\n');
  assert.match(head ?? '', /^NAME\s+SYNC\s+HEALTH\s+REVISION\s+AGE\s+MESSAGE$/);
  assert.match(row ?? '', /^good\s+Synced\s+Healthy\s+abc123\s+\S+\s+synced to main@sha1:abc123$/);
  const narrow = await kubectl(kubeconfigPath, ['get', 'trueup', '-n', ns]);
  assert.doesNotMatch(narrow.stdout, /MESSAGE/);
  // The category spans Applications, ApplicationSets, NotificationProviders and NotificationRules,
  // so kubectl names the kind of each row.
  assert.match(narrow.stdout, /^application\.trueup\.dev\/good\s+Synced\s+Healthy/m);
});

test('kubectl wait --for=condition=Ready works on the status conditions', async () => {
  const { stdout } = await kubectl(kubeconfigPath, [
    'wait',
    '--for=condition=Ready',
    '-n',
    ns,
    'tapp/good',
    '--timeout=10s',
  ]);
  assert.match(stdout, /condition met/);
});

/** `kubectl apply -f -` of one Application manifest, as a user would: its stderr when refused. */
async function kubectlApplyRefusal(name: string, spec: Record<string, unknown>, extra: object = {}) {
  const manifest = dump({ ...app(name, spec), ...extra });
  try {
    await kubectl(kubeconfigPath, ['apply', '-f', '-'], manifest);
  } catch (err) {
    return String((err as { stderr?: string }).stderr);
  }
  return undefined;
}

test('kubectl apply refuses sync options trueup does not honour, with the reason', async () => {
  const cases: [string, string][] = [
    ['ssa-false', 'ServerSideApply=false'],
    ['unknown', 'AutoMagic=true'],
    ['no-value', 'CreateNamespace'],
    ['bad-bool', 'PruneLast=yes'],
    ['bad-policy', 'PrunePropagationPolicy=sideways'],
    ['confirm-app', 'Prune=confirm'],
    ['delete-app', 'Delete=false'],
    ['oos-false', 'ApplyOutOfSyncOnly=false'],
  ];
  for (const [name, option] of cases) {
    const expected = appSyncOptionProblem(option);
    assert.ok(expected, option);
    const inPolicy = await kubectlApplyRefusal(`opt-${name}`, {
      ...good,
      syncPolicy: { syncOptions: ['CreateNamespace=true', option] },
    });
    assert.ok(inPolicy?.includes('spec.syncPolicy.syncOptions[1]'), `${option}: ${inPolicy}`);
    assert.ok(inPolicy?.includes(expected), `${option}: expected "${expected}" in: ${inPolicy}`);
    const inOperation = await kubectlApplyRefusal(`op-${name}`, good, {
      operation: { sync: { syncOptions: [option] } },
    });
    assert.ok(inOperation?.includes('operation.sync.syncOptions[0]'), `${option}: ${inOperation}`);
    assert.ok(inOperation?.includes(expected), `${option}: ${inOperation}`);
  }
  assert.match(appSyncOptionProblem('ServerSideApply=false') ?? '', /server-side apply only/);
});

test('kubectl apply accepts every documented app-wide sync option', async () => {
  const all = [
    'CreateNamespace=true',
    'Prune=false',
    'PruneLast=true',
    'Replace=false',
    'Force=false',
    'ServerSideApply=true',
    'Validate=false',
    'ApplyOutOfSyncOnly=true',
    'FailOnSharedResource=true',
    'PrunePropagationPolicy=background',
    'RespectIgnoreDifferences=true',
    'SkipDryRunOnMissingResource=true',
  ];
  const refused = await kubectlApplyRefusal('all-options', { ...good, syncPolicy: { syncOptions: all } });
  assert.equal(refused, undefined);
});

test('kubectl apply refuses the fields trueup cannot honour, naming the field and the reason', async () => {
  const src = good.source;
  const cases: [string, Record<string, unknown>, string, string][] = [
    [
      'ssh',
      { ...good, source: { ...src, repoURL: 'git@git.example:org/config.git' } },
      'spec.source.repoURL',
      HTTP_ONLY_MESSAGE,
    ],
    ['chart-path', { ...good, source: { ...src, chart: 'web' } }, 'spec.source.chart', CHART_ALONE_MESSAGE],
    [
      'chart-ssh',
      { ...good, source: { repoURL: 'ssh://git@h/x', chart: 'web' } },
      'spec.source.repoURL',
      CHART_REPO_URL_MESSAGE,
    ],
    [
      'dotdot',
      { ...good, source: { ...src, path: 'apps/../../etc' } },
      'spec.source.path',
      PATH_INSIDE_MESSAGE,
    ],
    [
      'both',
      { ...good, source: { ...src, directory: { recurse: true } } },
      'spec.source',
      KUSTOMIZE_OR_DIRECTORY_MESSAGE,
    ],
    [
      'pointer',
      { ...good, ignoreDifferences: [{ kind: 'Deployment', jsonPointers: ['spec/replicas'] }] },
      'spec.ignoreDifferences[0].jsonPointers[0]',
      'a JSON pointer starts with /',
    ],
    // Unknown fields: kubectl's default strict field validation refuses them rather than pruning.
    [
      'plugin',
      { ...good, source: { ...src, plugin: { name: 'cmp' } } },
      'unknown field',
      'spec.source.plugin',
    ],
  ];
  for (const [name, spec, field, message] of cases) {
    const refused = await kubectlApplyRefusal(`field-${name}`, spec);
    assert.ok(refused?.includes(field), `${name}: ${refused}`);
    assert.ok(refused?.includes(message), `${name}: expected "${message}" in: ${refused}`);
  }
});

test('charts from a Helm repository, an OCI registry and Argo CD host/path are accepted', async () => {
  for (const [name, repoURL] of [
    ['http', 'https://charts.example/stable'],
    ['oci', 'oci://127.0.0.1:5000/charts'],
    ['hostpath', 'registry.example:5000/charts'],
  ]) {
    const refused = await kubectlApplyRefusal(`chart-${name}`, {
      ...good,
      source: { repoURL, chart: 'web', targetRevision: '>=1.0.0 <2.0.0', helm: { passCredentials: true } },
    });
    assert.equal(refused, undefined, `${name}: ${refused}`);
  }
});

test('Argo CD spellings of the in-cluster destination and project default are accepted', async () => {
  const refused = await kubectlApplyRefusal('argo-style', {
    ...good,
    project: 'default',
    destination: { name: '', server: 'https://kubernetes.default.svc', namespace: 'web' },
    source: {
      repoURL: 'https://git.example/org/config.git',
      path: 'manifests',
      directory: { recurse: true, include: '*.yaml' },
    },
  });
  assert.equal(refused, undefined);
});
