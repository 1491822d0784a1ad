/**
 * The plain-Secret guard end to end: real control plane, real Git over HTTP, controller
 * in-process. Two Applications decrypt an encrypted Secret (fixtures from the sops CLI) beside a
 * Secret committed in cleartext. Warn (default): everything syncs, one Warning event and the
 * PlainSecret condition name the cleartext Secret and its file, never the encrypted one.
 * Deny (`trueup.dev/deny-plain-secrets: "true"`): the commit adding a cleartext Secret and
 * dropping a ConfigMap applies nothing and prunes nothing; status names the Secret and its file.
 * Neither value reaches events or status.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { testNamespace } from '../support/cluster.js';
import { appManifest, condition, configMap, e2eEnv, trueupCli, waitFor, yaml } from './support.js';

const F = join(import.meta.dirname, '../fixtures/sops');
const encrypted = readFileSync(join(F, 'enc', 'regex.yaml'), 'utf8'); // Secret `regex`, data encrypted
const CANARY = /canary-|Y2FuYXJ5/;
const plainSecret = (name: string) =>
  yaml({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    stringData: { token: 'canary-cleartext-31f0' },
  });

const env = await e2eEnv('plainsec');
const warnDest = await testNamespace('plainsec-warn');
const denyDest = await testNamespace('plainsec-deny');
const repo = await env.git.createRepo('guard');
const { appNs } = env;

await repo.commit({
  'warn/kustomization.yaml': 'resources: [encrypted.yaml, api-token.yaml]\n',
  'warn/encrypted.yaml': encrypted,
  'warn/api-token.yaml': plainSecret('api-token'),
  'deny/kustomization.yaml': 'resources: [encrypted.yaml, old.yaml]\n',
  'deny/encrypted.yaml': encrypted,
  'deny/old.yaml': configMap('old', { a: '1' }),
});
await env.kubectl(
  ['apply', '-f', '-'],
  yaml({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'sops-age', namespace: appNs },
    data: { 'a.agekey': readFileSync(join(F, 'keys', 'a.agekey')).toString('base64') },
  }),
);
const withKeys = (app: KubeObject, annotations: Record<string, string> = {}): KubeObject => ({
  ...app,
  metadata: { ...app.metadata, annotations },
  spec: { ...(app.spec as object), decryption: { provider: 'sops', secretRef: { name: 'sops-age' } } },
});
await env.kubectl(
  ['apply', '-f', '-'],
  yaml(withKeys(appManifest('warn', appNs, env.git.url('guard'), 'warn', warnDest))),
);
await env.kubectl(
  ['apply', '-f', '-'],
  yaml(
    withKeys(appManifest('deny', appNs, env.git.url('guard'), 'deny', denyDest), {
      'trueup.dev/deny-plain-secrets': 'true',
    }),
  ),
);
await env.controller();

async function eventsOf(app: string): Promise<{ type: string; reason: string; message: string }[]> {
  const events = await env.client.list('v1', 'Event', { namespace: appNs });
  return events.items
    .map(
      (e) =>
        e as unknown as { involvedObject: { name: string }; type: string; reason: string; message: string },
    )
    .filter((e) => e.involvedObject.name === app);
}

test('warn: both Secrets sync; one Warning event and the PlainSecret condition name the cleartext one and its file', async () => {
  const c = await waitFor(
    'warn Ready with the PlainSecret condition',
    async () => {
      const a = await env.app('warn');
      return condition(a, 'Ready')?.status === 'True' && condition(a, 'PlainSecret');
    },
    120_000,
  );
  assert.equal(c.status, 'True');
  assert.equal(c.reason, 'PlainSecretInGit');
  assert.match(
    c.message ?? '',
    new RegExp(`Secret ${warnDest}/api-token \\(from warn/api-token\\.yaml; key token\\)`),
  );
  assert.doesNotMatch(c.message ?? '', /regex/, 'the encrypted Secret is not plain');
  assert.ok(await env.get('v1', 'Secret', warnDest, 'api-token'));
  assert.ok(await env.get('v1', 'Secret', warnDest, 'regex'));
  const warnings = await waitFor(
    'the PlainSecret event',
    async () => {
      const list = (await eventsOf('warn')).filter((e) => e.reason === 'PlainSecret');
      return list.length > 0 && list;
    },
    30_000,
  );
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]?.type, 'Warning');
  assert.match(warnings[0]?.message ?? '', /warn\/api-token\.yaml/);
  assert.doesNotMatch(JSON.stringify([await env.app('warn'), await eventsOf('warn')]), CANARY);
  // `trueup app diff` renders as the controller does and says the same on stderr
  const diff = await trueupCli(env.kubeconfigPath, appNs, ['app', 'diff', 'warn']);
  assert.equal(diff.code, 0, diff.stderr + diff.stdout);
  assert.match(
    diff.stderr,
    new RegExp(
      `warning: Secret\\(s\\) holding cleartext from Git: Secret ${warnDest}/api-token \\(from warn/api-token\\.yaml; key token\\)`,
    ),
  );
  assert.doesNotMatch(diff.stdout + diff.stderr, CANARY);
});

test('deny: a commit adding a cleartext Secret applies nothing and prunes nothing; status names the Secret and file', async () => {
  await waitFor(
    'deny Ready',
    async () => condition(await env.app('deny'), 'Ready')?.status === 'True',
    120_000,
  );
  assert.equal(condition(await env.app('deny'), 'PlainSecret'), undefined);
  assert.ok(await env.get('v1', 'ConfigMap', denyDest, 'old'));

  await repo.commit({
    'deny/kustomization.yaml': 'resources: [encrypted.yaml, db-password.yaml]\n',
    'deny/db-password.yaml': plainSecret('db-password'),
  });
  await env.kubectl(['annotate', '--overwrite', '-n', appNs, 'tapp/deny', 'trueup.dev/refresh=normal']);
  const app = await waitFor(
    'the sync refused',
    async () => {
      const a = await env.app('deny');
      return condition(a, 'Ready')?.reason === 'PlainSecretDenied' && a;
    },
    120_000,
  );
  const ready = condition(app, 'Ready');
  assert.match(
    ready?.message ?? '',
    new RegExp(
      `sync refused \\(trueup\\.dev/deny-plain-secrets: "true"\\): .*Secret ${denyDest}/db-password \\(from deny/db-password\\.yaml; key token\\); nothing applied or pruned`,
    ),
  );
  assert.equal(condition(app, 'Stalled')?.status, 'True');
  assert.equal(condition(app, 'PlainSecret')?.reason, 'PlainSecretDenied');
  assert.equal(app?.status?.sync?.status, 'Unknown');
  assert.ok(await env.get('v1', 'ConfigMap', denyDest, 'old'), 'nothing pruned');
  assert.equal(await env.get('v1', 'Secret', denyDest, 'db-password'), undefined, 'nothing applied');
  assert.ok(
    app?.status?.resources?.some((r) => r.kind === 'ConfigMap' && r.name === 'old'),
    'the old objects stay listed',
  );
  const events = await waitFor(
    'the PlainSecret event',
    async () => {
      const list = (await eventsOf('deny')).filter((e) => e.reason === 'PlainSecret');
      return list.length > 0 && list;
    },
    30_000,
  );
  assert.equal(events[0]?.type, 'Warning');
  assert.doesNotMatch(JSON.stringify([app, await eventsOf('deny')]), CANARY);
});
