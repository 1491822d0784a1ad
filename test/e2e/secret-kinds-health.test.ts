/**
 * SealedSecret and ExternalSecret health end to end: their CRDs (test/fixtures/secret-crds,
 * faithful to upstream) on the real control plane, the objects synced by an Application from
 * Git like any custom resource, and their status patched through the status subresource as
 * the sealed-secrets and external-secrets controllers write it. The Application's health
 * follows: Progressing before any status, Healthy once Synced / Ready (SecretSynced), Degraded
 * on Synced=False or SecretSyncedError, with the controller's message.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { testNamespace } from '../support/cluster.js';
import { appManifest, e2eEnv, waitFor, yaml } from './support.js';

const CRDS = join(import.meta.dirname, '../fixtures/secret-crds');

const env = await e2eEnv('secretkinds');
const dest = await testNamespace('secretkinds-dest');
const repo = await env.git.createRepo('secret-kinds');
const { appNs } = env;

await env.kubectl(['apply', '-f', join(CRDS, 'sealedsecrets.bitnami.com.yaml')]);
await env.kubectl(['apply', '-f', join(CRDS, 'externalsecrets.external-secrets.io.yaml')]);
for (const crd of ['sealedsecrets.bitnami.com', 'externalsecrets.external-secrets.io'])
  await env.kubectl(['wait', '--for=condition=Established', '--timeout=60s', `crd/${crd}`]);

const store = { secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' } };
await repo.commit({
  'app/kustomization.yaml': 'resources: [sealed.yaml, external-v1beta1.yaml, external-v1.yaml]\n',
  'app/sealed.yaml': yaml({
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'db' },
    spec: {
      encryptedData: { password: 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq' },
      template: { metadata: { name: 'db' }, type: 'Opaque' },
    },
  }),
  'app/external-v1beta1.yaml': yaml({
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name: 'api' },
    spec: {
      ...store,
      refreshInterval: '1h',
      target: { name: 'api' },
      data: [{ secretKey: 'token', remoteRef: { key: 'api/token' } }],
    },
  }),
  'app/external-v1.yaml': yaml({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'cache' },
    spec: {
      ...store,
      refreshInterval: '1h',
      target: { name: 'cache' },
      dataFrom: [{ extract: { key: 'cache' } }],
    },
  }),
});
await env.kubectl(
  ['apply', '-f', '-'],
  yaml(appManifest('kinds', appNs, env.git.url('secret-kinds'), 'app', dest)),
);
await env.controller();

/** Writes `status` through the status subresource, as the kind's controller does. */
async function patchStatus(resource: string, name: string, status: object): Promise<void> {
  await env.kubectl([
    'patch',
    resource,
    name,
    '-n',
    dest,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status }),
  ]);
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const synced = (status: string, message = '') => ({
  observedGeneration: 1,
  conditions: [{ type: 'Synced', status, message, lastTransitionTime: now(), lastUpdateTime: now() }],
});
const ready = (status: string, reason: string, message: string) => ({
  refreshTime: now(),
  syncedResourceVersion: '1-abc',
  binding: { name: 'x' },
  conditions: [{ type: 'Ready', status, reason, message, lastTransitionTime: now() }],
});

async function health(expected: string, message?: RegExp): Promise<string> {
  return waitFor(
    `app health ${expected}${message ? ` ${message}` : ''}`,
    async () => {
      const h = (await env.app('kinds'))?.status?.health;
      return h?.status === expected && (!message || message.test(h.message ?? '')) && (h.message ?? ' ');
    },
    120_000,
  );
}

test('synced from Git, Progressing until their controllers report', async () => {
  await waitFor(
    'kinds Synced',
    async () => (await env.app('kinds'))?.status?.sync?.status === 'Synced',
    120_000,
  );
  for (const [apiVersion, kind, name] of [
    ['bitnami.com/v1alpha1', 'SealedSecret', 'db'],
    ['external-secrets.io/v1beta1', 'ExternalSecret', 'api'],
    ['external-secrets.io/v1', 'ExternalSecret', 'cache'],
  ] as const)
    assert.ok(await env.get(apiVersion, kind, dest, name), `${kind} ${name} applied`);
  await health('Progressing', /waiting for (the sealed-secrets controller|external-secrets)/);
});

test('Healthy once the SealedSecret is Synced and both ExternalSecrets are Ready (SecretSynced)', async () => {
  await patchStatus('sealedsecrets.bitnami.com', 'db', synced('True'));
  await patchStatus(
    'externalsecrets.v1beta1.external-secrets.io',
    'api',
    ready('True', 'SecretSynced', 'Secret was synced'),
  );
  await patchStatus(
    'externalsecrets.v1.external-secrets.io',
    'cache',
    ready('True', 'SecretSynced', 'Secret was synced'),
  );
  await health('Healthy');
  const a = await env.app('kinds');
  assert.ok(
    a?.status?.resources?.every((r) => r.health?.status === 'Healthy'),
    JSON.stringify(a?.status?.resources),
  );
});

test('Degraded on SecretSyncedError, Healthy again when it syncs, Degraded on Synced=False', async () => {
  await patchStatus(
    'externalsecrets.v1.external-secrets.io',
    'cache',
    ready('False', 'SecretSyncedError', 'could not get secret data from provider: key "cache"'),
  );
  await health('Degraded', /SecretSyncedError: could not get secret data from provider/);
  await patchStatus(
    'externalsecrets.v1.external-secrets.io',
    'cache',
    ready('True', 'SecretSynced', 'Secret was synced'),
  );
  await health('Healthy');
  await patchStatus(
    'sealedsecrets.bitnami.com',
    'db',
    synced('False', 'no key could decrypt secret (password)'),
  );
  await health('Degraded', /no key could decrypt secret \(password\)/);
});
