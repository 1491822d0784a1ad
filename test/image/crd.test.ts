/**
 * The image automation CRDs against the real API server: installed and Established, valid
 * objects stored with defaults, and every Flux field trueup does not implement refused at
 * admission with its message (CEL), never pruned or ignored.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { installCrds } from '../../src/controller/install-crd.js';
import { createClusterClient } from '../../src/kube/index.js';
import { testCluster, testNamespace } from '../support/cluster.js';

const cluster = await testCluster();
const client = await createClusterClient(cluster.kubeConfig);
await installCrds(client);
const ns = await testNamespace('image-crd');

const obj = (kind: string, name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'trueup.dev/v1alpha1',
  kind,
  metadata: { name, namespace: ns },
  spec: spec as never,
});

const repo = { image: 'registry.example/org/api', interval: '1m' };
const policy = { imageRepositoryRef: { name: 'api' }, policy: { semver: { range: '>=1.0.0' } } };
const automation = {
  sourceRef: { repoURL: 'https://git.example/org/config.git' },
  interval: '5m',
  git: {
    checkout: { ref: { branch: 'main' } },
    commit: { author: { name: 'bot', email: 'bot@example.com' } },
  },
};

test('valid objects are stored, with defaults', async () => {
  await client.create(obj('ImageRepository', 'api', repo), { fieldManager: 'test' });
  await client.create(obj('ImagePolicy', 'alpha', { ...policy, policy: { alphabetical: {} } }), {
    fieldManager: 'test',
  });
  const a = await client.create(obj('ImageUpdateAutomation', 'auto', automation), { fieldManager: 'test' });
  assert.deepEqual((a.spec as { update: unknown }).update, { path: './', strategy: 'Setters' });
  const p = await client.get({
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'ImagePolicy',
    namespace: ns,
    name: 'alpha',
  });
  assert.deepEqual((p as { spec: { policy: unknown } } | undefined)?.spec.policy, {
    alphabetical: { order: 'asc' },
  });
});

test('fields trueup does not implement are refused with a message saying so', async () => {
  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    ['ImageRepository', 'cert', { ...repo, certSecretRef: { name: 'ca' } }, /certSecretRef is not supported/],
    ['ImageRepository', 'sa', { ...repo, serviceAccountName: 'x' }, /serviceAccountName is not supported/],
    ['ImageRepository', 'aws', { ...repo, provider: 'aws' }, /only generic is supported/],
    ['ImageRepository', 'tagged', { ...repo, image: 'https://registry.example/api' }, /without scheme/],
    ['ImagePolicy', 'two', { ...policy, policy: { semver: { range: '1.x' }, numerical: {} } }, /exactly one/],
    ['ImagePolicy', 'none', { ...policy, policy: {} }, /exactly one/],
    [
      'ImagePolicy',
      'xns',
      { ...policy, imageRepositoryRef: { name: 'api', namespace: 'other' } },
      /imageRepositoryRef.namespace is not supported/,
    ],
    [
      'ImageUpdateAutomation',
      'gitrepo',
      { ...automation, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
      /trueup has no GitRepository resource/,
    ],
    [
      'ImageUpdateAutomation',
      'tag',
      { ...automation, git: { ...automation.git, checkout: { ref: { tag: 'v1' } } } },
      /only branch is supported/,
    ],
    [
      'ImageUpdateAutomation',
      'sign',
      {
        ...automation,
        git: {
          ...automation.git,
          commit: { ...automation.git.commit, signingKey: { secretRef: { name: 'k' } } },
        },
      },
      /signingKey is not supported/,
    ],
    [
      'ImageUpdateAutomation',
      'refspec',
      { ...automation, git: { ...automation.git, push: { refspec: 'refs/heads/x' } } },
      /refspec is not supported/,
    ],
    ['ImageUpdateAutomation', 'strategy', { ...automation, update: { strategy: 'Other' } }, /Setters/],
    ['ImageUpdateAutomation', 'escape', { ...automation, update: { path: '../x' } }, /inside the repository/],
    ['ImageUpdateAutomation', 'ssh', { ...automation, sourceRef: { repoURL: 'git@h:o/r' } }, /http/],
  ];
  for (const [kind, name, spec, pattern] of cases) {
    await assert.rejects(
      client.create(obj(kind, name, spec), { fieldManager: 'test' }),
      pattern,
      `${kind} ${name}`,
    );
  }
});
