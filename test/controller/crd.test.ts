/**
 * The generated CRD against the real API server: accepted, Established, printer columns and
 * short name served; valid Applications created (with defaults filled in); invalid ones refused
 * by the server's schema validation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { installApplicationCrd } from '../../src/controller/install-crd.js';
import { createClusterClient } from '../../src/kube/index.js';
import type { ClusterClient } from '../../src/kube/types.js';
import { testCluster, testNamespace } from '../support/cluster.js';
import { kubectl } from '../support/kubectl.js';

// Top level: the cluster's after() hook then belongs to the file, not to a hook or test.
const cluster = await testCluster();
const kubeconfigPath = cluster.kubeconfigPath;
const client: ClusterClient = await createClusterClient(cluster.kubeConfig);
await installApplicationCrd(client);
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
  const spec = created.spec as { source: { targetRevision: string }; destination: { server: string } };
  assert.equal(spec.source.targetRevision, 'HEAD');
  assert.equal(spec.destination.server, 'https://kubernetes.default.svc');
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
  assert.match(narrow.stdout, /^good\s+Synced\s+Healthy/m);
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
