/**
 * The generated ApplicationSet CRD against the real API server: accepted and Established, a set
 * with templated strings (which the Application's rules would refuse) stored, and what trueup
 * does not implement refused by kubectl with the schema's message.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dump } from 'js-yaml';
import {
  APPLY_NESTED_SELECTORS_MESSAGE,
  STRATEGY_MESSAGE,
  TEMPLATE_PATCH_GO_MESSAGE,
} from '../../src/api/application-set.js';
import {
  GIT_KIND_MESSAGE,
  NESTED_MESSAGE,
  ONE_GENERATOR_MESSAGE,
} from '../../src/api/application-set-generators.js';
import {
  PULL_REQUEST_ONE_MESSAGE,
  PULL_REQUEST_PROVIDER_MESSAGE,
} from '../../src/api/application-set-pull-request.js';
import { installCrds } from '../../src/controller/install-crd.js';
import { createClusterClient } from '../../src/kube/index.js';
import { testCluster, testNamespace } from '../support/cluster.js';
import { kubectl } from '../support/kubectl.js';

const cluster = await testCluster();
const client = await createClusterClient(cluster.kubeConfig);
await installCrds(client);
const ns = await testNamespace('appset-crd');

const template = {
  metadata: { name: '{{path.basename}}', finalizers: ['trueup.dev/resources-finalizer'] },
  spec: {
    source: { repoURL: 'https://git.example/config.git', targetRevision: 'HEAD', path: '{{path}}' },
    destination: { server: '{{server}}', namespace: '{{path.basename}}' },
    syncPolicy: { automated: { prune: true } },
  },
};
const git = { repoURL: 'https://git.example/config.git', directories: [{ path: 'apps/*' }] };

function set(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: ns },
    spec: { template, ...spec },
  };
}

async function apply(obj: unknown): Promise<{ ok: boolean; out: string }> {
  try {
    return { ok: true, out: (await kubectl(cluster.kubeconfigPath, ['apply', '-f', '-'], dump(obj))).stdout };
  } catch (err) {
    return { ok: false, out: String(err) };
  }
}

test('a set with a matrix, a selector and templated strings is stored', async () => {
  const r = await apply(
    set('good', {
      generators: [
        {
          matrix: {
            generators: [{ git }, { list: { elements: [{ env: 'prod' }, { env: 'staging' }] } }],
          },
          selector: { matchLabels: { env: 'prod' } },
        },
        { clusters: {} },
        {
          pullRequest: {
            gitea: {
              owner: 'org',
              repo: 'app',
              api: 'https://gitea.example',
              tokenRef: { secretName: 's', key: 'token' },
              labels: ['preview'],
            },
            requeueAfterSeconds: 60,
          },
        },
      ],
      syncPolicy: { applicationsSync: 'create-only', preserveResourcesOnDeletion: true },
    }),
  );
  assert.ok(r.ok, r.out);
  const out = (await kubectl(cluster.kubeconfigPath, ['get', 'tappset', '-n', ns])).stdout;
  assert.match(out, /good/);
});

const refused: [string, Record<string, unknown>, string][] = [
  [
    'pull-request-gitlab',
    { generators: [{ pullRequest: { gitlab: { project: 'x' } } }] },
    PULL_REQUEST_PROVIDER_MESSAGE,
  ],
  [
    'pull-request-two',
    {
      generators: [
        {
          pullRequest: {
            github: { owner: 'o', repo: 'r' },
            gitea: { owner: 'o', repo: 'r', api: 'https://gitea.example' },
          },
        },
      ],
    },
    PULL_REQUEST_ONE_MESSAGE,
  ],
  ['two-kinds', { generators: [{ git, list: { elements: [] } }] }, ONE_GENERATOR_MESSAGE],
  ['git-both', { generators: [{ git: { ...git, files: [{ path: 'x.json' }] } }] }, GIT_KIND_MESSAGE],
  [
    'nested',
    { generators: [{ matrix: { generators: [{ git }, { matrix: { generators: [] } }] } }] },
    NESTED_MESSAGE,
  ],
  ['strategy', { generators: [{ git }], strategy: { type: 'RollingSync' } }, STRATEGY_MESSAGE],
  ['nested-selectors', { generators: [{ git }], applyNestedSelectors: true }, APPLY_NESTED_SELECTORS_MESSAGE],
  ['patch', { generators: [{ git }], templatePatch: 'x: y' }, TEMPLATE_PATCH_GO_MESSAGE],
];

for (const [name, spec, message] of refused) {
  test(`refused by the API server: ${name}`, async () => {
    const r = await apply(set(name, spec));
    assert.equal(r.ok, false, r.out);
    assert.ok(r.out.includes(message), r.out);
  });
}
