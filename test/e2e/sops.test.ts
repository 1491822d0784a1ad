/**
 * SOPS decryption end to end: real control plane, real Git over HTTP, controller in-process.
 * An Application with spec.decryption syncs an encrypted Secret and a secretGenerator over an
 * encrypted dotenv file (fixtures encrypted by the sops CLI, scripts/gen-sops-fixtures.sh); a
 * rotated value in Git updates the Secret; a wrong key keeps the old Secret and reports the
 * file. The plaintext canaries never reach the controller's logs, events or status.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { testNamespace } from '../support/cluster.js';
import { appManifest, condition, e2eEnv, trueupCli, waitFor, yaml } from './support.js';

const F = join(import.meta.dirname, '../fixtures/sops');
const enc = (f: string) => readFileSync(join(F, 'enc', f), 'utf8');
const agekey = (n: string) => readFileSync(join(F, 'keys', `${n}.agekey`)).toString('base64');
const CANARY = /canary-/;

const env = await e2eEnv('sops');
const dest = await testNamespace('sops-dest');
const repo = await env.git.createRepo('secrets');
const { appNs } = env;

const logs: string[] = [];
const capture = (level: string) => (obj: object, msg: string) =>
  logs.push(`${level} ${msg} ${JSON.stringify(obj)}`);
const log = {
  info: capture('info'),
  warn: capture('warn'),
  error: capture('error'),
  debug: capture('debug'),
};

const kustomization = 'resources: [secret.yaml]\nsecretGenerator:\n  - name: env\n    envs: [app.env]\n';
await repo.commit({
  'app/kustomization.yaml': kustomization,
  'app/secret.yaml': enc('regex.yaml'),
  'app/app.env': enc('app.env'),
});

async function keySecret(name: string): Promise<void> {
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sops-age', namespace: appNs },
      data: { [`${name}.agekey`]: agekey(name) },
    }),
  );
  // one entry at a time: replace drops the other key's entry
  await env.kubectl([
    'patch',
    'secret',
    '-n',
    appNs,
    'sops-age',
    '--type',
    'json',
    '-p',
    JSON.stringify([{ op: 'replace', path: '/data', value: { [`${name}.agekey`]: agekey(name) } }]),
  ]);
}

await keySecret('a');
const app = appManifest('sops', appNs, env.git.url('secrets'), 'app', dest);
(app.spec as Record<string, unknown>).decryption = { provider: 'sops', secretRef: { name: 'sops-age' } };
await env.kubectl(['apply', '-f', '-'], yaml(app));
await env.controller({ log });

const password = async () => {
  const s = await env.get('v1', 'Secret', dest, 'regex');
  const b64 = (s?.data as Record<string, string> | undefined)?.password;
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString();
};

async function everythingReported(): Promise<string> {
  const events = await env.client.list('v1', 'Event', { namespace: appNs });
  const a = await env.app('sops');
  return JSON.stringify([
    a?.status,
    events.items.map((e: KubeObject) => (e as { message?: unknown }).message),
    logs,
  ]);
}

test('the encrypted Secret and the generated one sync decrypted', async () => {
  await waitFor(
    'sops Ready',
    async () => condition(await env.app('sops'), 'Ready')?.status === 'True',
    120_000,
  );
  assert.equal(await password(), 'canary-regex-aa10');
  const generated = (await env.client.list('v1', 'Secret', { namespace: dest })).items.find((s) =>
    s.metadata.name?.startsWith('env-'),
  );
  const data = generated?.data as Record<string, string> | undefined;
  assert.equal(Buffer.from(data?.DB_PASSWORD ?? '', 'base64').toString(), 'canary-env-55e0');
  assert.doesNotMatch(await everythingReported(), CANARY);
  // `trueup app diff` renders as the controller does, keys from spec.decryption included: no difference.
  const diff = await trueupCli(env.kubeconfigPath, appNs, ['app', 'diff', 'sops']);
  assert.equal(diff.code, 0, diff.stderr + diff.stdout);
  assert.doesNotMatch(diff.stdout + diff.stderr, CANARY);
});

test('a rotated value in Git updates the Secret', async () => {
  await repo.commit({ 'app/secret.yaml': enc('regex-rotated.yaml') });
  await env.kubectl(['annotate', '--overwrite', '-n', appNs, 'tapp/sops', 'trueup.dev/refresh=normal']);
  await waitFor(
    'the rotated value applied',
    async () => (await password()) === 'canary-rotated-5c5c',
    120_000,
  );
  assert.doesNotMatch(await everythingReported(), CANARY);
});

test('a wrong key keeps the old Secret and reports the file', async () => {
  await keySecret('wrong');
  await repo.commit({ 'app/secret.yaml': enc('regex.yaml') });
  await env.kubectl(['annotate', '--overwrite', '-n', appNs, 'tapp/sops', 'trueup.dev/refresh=normal']);
  const message = await waitFor(
    'the render failure reported',
    async () => {
      const a = await env.app('sops');
      const text = JSON.stringify(a?.status?.conditions ?? []);
      return /app\/secret\.yaml: none of the age identities/.test(text) && text;
    },
    120_000,
  );
  assert.match(message, /Secret [^/]+\/sops-age entry wrong\.agekey/);
  assert.equal(await password(), 'canary-rotated-5c5c', 'the old Secret stays');
  const reported = await everythingReported();
  assert.doesNotMatch(reported, CANARY);
  assert.doesNotMatch(reported, /AGE-SECRET-KEY/);
});
