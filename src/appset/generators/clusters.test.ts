import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.js';
import { type ClusterListing, clusterListingOf, clustersParams, normalizeClusterName } from './clusters.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const staging: ClusterListing = {
  name: 'Staging EU',
  server: 'https://staging.example:6443',
  project: 'team-a',
  labels: { env: 'staging', 'argocd.argoproj.io/secret-type': 'cluster' },
  annotations: { owner: 'ops' },
};
const prod: ClusterListing = {
  name: 'prod',
  server: 'https://prod.example:6443',
  project: '',
  labels: { env: 'prod' },
  annotations: {},
};

test('clusters: in-cluster plus each cluster Secret; a selector keeps the Secrets whose labels match', () => {
  const cases: [string, Parameters<typeof clustersParams>[0], boolean, string[]][] = [
    ['no selector: the local cluster and every Secret', {}, false, ['in-cluster', 'Staging EU', 'prod']],
    [
      'matchLabels: only the matching Secret',
      { selector: { matchLabels: { env: 'prod' } } },
      false,
      ['prod'],
    ],
    [
      'an expression: NotIn keeps the Secrets without that value, never the local cluster',
      { selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } },
      false,
      ['Staging EU'],
    ],
  ];
  for (const [what, gen, go, names] of cases)
    assert.deepEqual(
      clustersParams(gen, go, [staging, prod]).map((p) => p.name),
      names,
      what,
    );
});

test("clusters: Argo CD's params, flat for fasttemplate and nested under metadata with goTemplate", () => {
  const [flat] = clustersParams({ selector: { matchLabels: { env: 'staging' } } }, false, [staging]);
  assert.deepEqual(flat, {
    name: 'Staging EU',
    nameNormalized: 'staging-eu',
    server: 'https://staging.example:6443',
    project: 'team-a',
    'metadata.labels.env': 'staging',
    'metadata.labels.argocd.argoproj.io/secret-type': 'cluster',
    'metadata.annotations.owner': 'ops',
  });
  const [go] = clustersParams({ selector: { matchLabels: { env: 'staging' } } }, true, [staging]);
  assert.deepEqual(go?.metadata, { labels: staging.labels, annotations: staging.annotations });
  const [local] = clustersParams({}, true, []);
  assert.deepEqual(local, {
    name: 'in-cluster',
    nameNormalized: 'in-cluster',
    server: 'https://kubernetes.default.svc',
    project: '',
    metadata: { labels: {}, annotations: {} },
  });
});

test('clusters: a Secret is listed by its name and server (by its server without a name); none without a server', () => {
  const secret = (data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'trueup-system', labels: { 'trueup.dev/secret-type': 'cluster' } },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  });
  assert.deepEqual(clusterListingOf(secret({ name: 'eu', server: 'https://eu:6443', config: '{}' })), {
    name: 'eu',
    server: 'https://eu:6443',
    project: '',
    labels: { 'trueup.dev/secret-type': 'cluster' },
    annotations: {},
  });
  assert.equal(clusterListingOf(secret({ server: 'https://eu:6443' }))?.name, 'https://eu:6443');
  assert.equal(clusterListingOf(secret({ name: 'eu' })), undefined);
});

test('nameNormalized: lower case, other characters as dashes, no dash at either end', () => {
  const cases: [string, string][] = [
    ['in-cluster', 'in-cluster'],
    ['Staging EU', 'staging-eu'],
    ['_prod/1_', 'prod-1'],
    ['a.b', 'a.b'],
  ];
  for (const [name, want] of cases) assert.equal(normalizeClusterName(name), want, name);
});
