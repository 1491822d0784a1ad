/**
 * Preview environments end to end against a real Gitea (test/gitea, built once and cached): an
 * ApplicationSet with the pullRequest generator for Gitea (token from a Secret, polled every
 * second) and the template `preview-{{number}}`, `targetRevision: {{head_sha}}`, namespace per
 * PR, `CreateNamespace=true`, `DeleteNamespace=true` and the resources finalizer.
 *
 * Open a PR → its app and namespace appear and sync the PR's head; push to the PR → the app
 * follows the new head; close the PR → the app, its objects and its namespace are gone. A PR
 * whose namespace existed before keeps that namespace when it closes. Every assertion is on what
 * users read, polled with a bound; none on timing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { Annotation, type Application } from '../../src/api/application.js';
import { APPSET_LABEL } from '../../src/api/application-set.js';
import { AppSetController } from '../../src/appset/controller.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { systemClock } from '../../src/runtime/clock.js';
import { GitSource } from '../../src/source/index.js';
import { startGitea } from '../gitea/gitea.js';
import { uniqueName } from '../support/cluster.js';
import { sharedEngine } from '../support/helm.js';
import { configMap, e2eEnv, waitFor, yaml } from './support.js';

const run = promisify(execFile);
const BOUND = 120_000;

const env = await e2eEnv('preview');
const { appNs } = env;
const gitea = await startGitea();
after(() => gitea.stop());
const repo = await gitea.createRepo('previews');
/** Namespaces are cluster-wide: a prefix of this file's own keeps them apart from other tests. */
const nsPrefix = uniqueName('pv');
const previewNs = (n: number) => `${nsPrefix}-${n}`;

// A working clone: commits are made here and pushed to Gitea over HTTP with the git CLI.
const work = await mkdtemp(join(tmpdir(), 'trueup-preview-work-'));
after(() => rm(work, { recursive: true, force: true }));
const git = async (...args: string[]) => (await run('git', args, { cwd: work })).stdout.trim();
await git('init', '-q', '-b', 'main');
await git('config', 'user.email', 'dev@trueup.invalid');
await git('config', 'user.name', 'dev');
await git('remote', 'add', 'origin', repo.pushUrl);

/** Writes the app's files with `version`, commits and pushes `branch`; returns the commit. */
async function commitApp(branch: string, version: string): Promise<string> {
  const file = join(work, 'apps/web/config.yaml');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, configMap('web-config', { version }));
  await git('add', '-A');
  await git('commit', '-q', '-m', `web ${version}`);
  await git('push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
  return git('rev-parse', 'HEAD');
}

async function openPull(branch: string, version: string): Promise<{ number: number; sha: string }> {
  await git('checkout', '-q', '-b', branch, 'main');
  const sha = await commitApp(branch, version);
  const res = await gitea.api('POST', `/repos/${repo.owner}/${repo.name}/pulls`, {
    head: branch,
    base: 'main',
    title: `preview ${branch}`,
  });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  const pr = res.json as { number: number; head: { sha: string } };
  assert.equal(pr.head.sha, sha);
  return { number: pr.number, sha };
}

async function closePull(n: number): Promise<void> {
  const res = await gitea.api('PATCH', `/repos/${repo.owner}/${repo.name}/pulls/${n}`, { state: 'closed' });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  assert.equal((res.json as { state: string }).state, 'closed');
}

await commitApp('main', 'main');

// The token the generator sends, from a Secret next to the set.
await env.kubectl(
  ['apply', '-f', '-'],
  yaml({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'gitea-token', namespace: appNs },
    stringData: { token: gitea.token },
  }),
);

const cache = await mkdtemp(join(tmpdir(), 'trueup-preview-cache-'));
after(() => rm(cache, { recursive: true, force: true }));
const source = new GitSourcePort(new GitSource({ cacheDir: cache }), 0);
await env.controller({ source });
const sets = new AppSetController({
  client: env.client,
  source,
  goEngine: sharedEngine,
  namespaces: [appNs],
  concurrency: 2,
  requeueInterval: 3_600_000,
  clock: systemClock,
});
await sets.start();
after(() => sets.stop());

await env.kubectl(
  ['apply', '-f', '-'],
  yaml({
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'previews', namespace: appNs },
    spec: {
      generators: [
        {
          pullRequest: {
            gitea: {
              owner: repo.owner,
              repo: repo.name,
              api: gitea.url,
              tokenRef: { secretName: 'gitea-token', key: 'token' },
            },
            requeueAfterSeconds: 1,
          },
        },
      ],
      template: {
        metadata: { name: 'preview-{{number}}', finalizers: ['trueup.dev/resources-finalizer'] },
        spec: {
          source: { repoURL: repo.cloneUrl, targetRevision: '{{head_sha}}', path: 'apps/web' },
          destination: { namespace: `${nsPrefix}-{{number}}` },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['CreateNamespace=true', 'DeleteNamespace=true'],
          },
        },
      },
    },
  }),
);

async function previewApps(): Promise<string[]> {
  const list = await env.client.list('trueup.dev/v1alpha1', 'Application', {
    namespace: appNs,
    labelSelector: `${APPSET_LABEL}=previews`,
  });
  return list.items.map((a) => a.metadata.name ?? '').sort();
}

/** Waits until the app is Synced and Healthy at `sha` and its ConfigMap says `version`. */
async function syncedAt(n: number, sha: string, version: string): Promise<Application> {
  return waitFor(
    `preview-${n} Synced at ${sha.slice(0, 7)} with version ${version}`,
    async () => {
      const a = await env.app(`preview-${n}`);
      if (a?.status?.sync?.status !== 'Synced' || a.status.health?.status !== 'Healthy') return undefined;
      if (a.spec.source?.targetRevision !== sha || a.status.sync.revision !== sha) return undefined;
      const cm = await env.get('v1', 'ConfigMap', previewNs(n), 'web-config');
      return (cm?.data as Record<string, string> | undefined)?.version === version ? a : undefined;
    },
    BOUND,
  );
}

const namespace = (name: string) => env.get('v1', 'Namespace', '', name);

test('no open pull request: no preview app', async () => {
  await waitFor(
    'the set generated its (empty) parameters',
    async () => {
      const set = await env.get('trueup.dev/v1alpha1', 'ApplicationSet', appNs, 'previews');
      const conditions = (set?.status as { conditions?: { type: string; status: string }[] } | undefined)
        ?.conditions;
      return conditions?.some((c) => c.type === 'ParametersGenerated' && c.status === 'True');
    },
    BOUND,
  );
  assert.deepEqual(await previewApps(), []);
});

test('a PR gets its app and namespace at its head; a push updates it; closing removes app, objects and namespace', async () => {
  const pr = await openPull('feature-a', 'a1');
  await syncedAt(pr.number, pr.sha, 'a1');
  const ns = await namespace(previewNs(pr.number));
  assert.equal(ns?.metadata.annotations?.[Annotation.NamespaceCreatedFor], `${appNs}/preview-${pr.number}`);

  const next = await commitApp('feature-a', 'a2');
  assert.notEqual(next, pr.sha);
  await syncedAt(pr.number, next, 'a2');

  await closePull(pr.number);
  await waitFor(`preview-${pr.number} deleted`, async () => !(await env.app(`preview-${pr.number}`)), BOUND);
  await waitFor(
    `namespace ${previewNs(pr.number)} deleted (with its ConfigMap)`,
    async () => !(await namespace(previewNs(pr.number))),
    BOUND,
  );
  assert.deepEqual(await previewApps(), []);
});

test('a PR whose namespace existed before trueup keeps that namespace when it closes', async () => {
  // The next PR number: Gitea numbers pull requests after the previous one (no issues here).
  const expected = 2;
  const pre = previewNs(expected);
  await env.kubectl(['create', 'namespace', pre]);
  after(() => env.kubectl(['delete', 'namespace', pre, '--wait=false', '--ignore-not-found']));

  const pr = await openPull('feature-b', 'b1');
  assert.equal(pr.number, expected);
  await syncedAt(pr.number, pr.sha, 'b1');
  assert.equal((await namespace(pre))?.metadata.annotations?.[Annotation.NamespaceCreatedFor], undefined);

  await closePull(pr.number);
  await waitFor(`preview-${pr.number} deleted`, async () => !(await env.app(`preview-${pr.number}`)), BOUND);
  await waitFor(
    `the ConfigMap in ${pre} pruned`,
    async () => !(await env.get('v1', 'ConfigMap', pre, 'web-config')),
    BOUND,
  );
  const kept = await namespace(pre);
  assert.ok(kept, `namespace ${pre} was deleted`);
  assert.equal(kept.metadata.deletionTimestamp, undefined);
});
