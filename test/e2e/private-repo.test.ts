/**
 * A private repository: the controller finds its credentials in a labelled Secret of its own
 * namespace (Argo CD's repository-credentials convention), and until one exists the app says
 * why without ever showing a credential.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { clusterSecretSource } from '../../src/controller/adapters/secrets.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { GitSource } from '../../src/source/index.js';
import { testNamespace } from '../support/cluster.js';
import { appManifest, condition, configMap, e2eEnv, waitFor, yaml } from './support.js';

const env = await e2eEnv('private');
const cacheDir = await mkdtemp(join(tmpdir(), 'trueup-private-cache-'));
after(() => rm(cacheDir, { recursive: true, force: true }));

test('a private repository syncs once a repo-creds Secret for its URL prefix exists', async () => {
  const dest = await testNamespace('private-dest');
  const repo = await env.git.createRepo('private/gitops');
  await repo.commit({ 'app/config.yaml': configMap('private-config', { v: '1' }) });
  const source = new GitSourcePort(
    new GitSource({ cacheDir, secrets: clusterSecretSource(env.client, env.appNs), secretsTtlMs: 0 }),
    0,
  );
  await env.controller({ source });
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(appManifest('private', env.appNs, env.git.url('private/gitops'), 'app', dest)),
  );

  const refused = await waitFor('the app to report the refusal', async () => {
    const ready = condition(await env.app('private'), 'Ready');
    return ready?.status === 'False' && /401|auth|credential/i.test(ready.message ?? '') ? ready : undefined;
  });
  assert.doesNotMatch(JSON.stringify(refused), new RegExp(env.git.credentials.password));

  await env.kubectl(
    ['apply', '-f', '-'],
    yaml({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'git-creds',
        namespace: env.appNs,
        labels: { 'trueup.dev/secret-type': 'repo-creds' },
      },
      stringData: {
        url: `${env.git.url('private/gitops').replace(/gitops$/, '')}`,
        username: env.git.credentials.username,
        password: env.git.credentials.password,
      },
    }),
  );
  await env.kubectl([
    'annotate',
    '-n',
    env.appNs,
    'tapp/private',
    'trueup.dev/refresh=normal',
    '--overwrite',
  ]);
  await waitFor('app Ready', async () => condition(await env.app('private'), 'Ready')?.status === 'True');
  const cm = await env.get('v1', 'ConfigMap', dest, 'private-config');
  assert.deepEqual(cm?.data, { v: '1' });
  const status = JSON.stringify((await env.app('private'))?.status ?? {});
  assert.doesNotMatch(status, new RegExp(env.git.credentials.password));
});
