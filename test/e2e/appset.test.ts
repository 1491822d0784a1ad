/**
 * ApplicationSets end to end: the real control plane (with its garbage collector), the real Git
 * HTTP server, the Application controller and the ApplicationSet controller in-process sharing
 * one Git source, on a seed-style monorepo (`apps/<service>/overlays/<env>` over a base).
 *
 * Every assertion is on what users read (Applications, their status, live objects, the set's
 * conditions), polled with a bound; none on timing.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Application } from '../../src/api/application.js';
import { APPSET_LABEL, type ApplicationSet } from '../../src/api/application-set.js';
import { AppSetController } from '../../src/appset/controller.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createWebhookHandler, pushMatchesSource } from '../../src/server/webhook.js';
import { GitSource } from '../../src/source/index.js';
import { testNamespace } from '../support/cluster.js';
import { sharedEngine } from '../support/helm.js';
import { configMap, e2eEnv, waitFor, yaml } from './support.js';

const env = await e2eEnv('appset');
const dest = await testNamespace('appset-dest');
const repo = await env.git.createRepo('monorepo');
const repoURL = env.git.url('monorepo');
const { appNs } = env;

const kustomization = (body: Record<string, unknown>) =>
  yaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...body });

/** A service as the seeds lay it out: a base ConfigMap and one overlay per environment. */
function service(name: string, envs: string[]): Record<string, string> {
  const files: Record<string, string> = {
    [`apps/${name}/base/kustomization.yaml`]: kustomization({ resources: ['config.yaml'] }),
    [`apps/${name}/base/config.yaml`]: configMap(`${name}-config`, { service: name }),
  };
  for (const e of envs) {
    files[`apps/${name}/overlays/${e}/kustomization.yaml`] = kustomization({
      resources: ['../../base'],
      nameSuffix: `-${e}`,
    });
  }
  return files;
}

await repo.commit({ ...service('web', ['production', 'staging']), ...service('api', ['production']) });

const cache = await mkdtemp(join(tmpdir(), 'trueup-appset-cache-'));
after(() => rm(cache, { recursive: true, force: true }));
// One Git source for both controllers: one fetch per repository and revision.
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
  // The cluster Secrets of the clusters generator (the controller's namespace; here the apps').
  clusterSecretsNamespace: appNs,
});
await sets.start();
after(() => sets.stop());

const webhook = createWebhookHandler({
  secret: 'hook',
  refresh: () => [],
  refreshSets: (push) => sets.refreshRepos((url, rev) => pushMatchesSource(push, url, rev)),
  refreshPullRequests: (pr) => sets.refreshPullRequests(pr.owner, pr.repo),
});
async function push(): Promise<string[]> {
  const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: repoURL } }));
  const sig = `sha256=${createHmac('sha256', 'hook').update(body).digest('hex')}`;
  const res = await webhook({ headers: { 'x-github-event': 'push', 'x-hub-signature-256': sig }, body });
  assert.equal(res.status, 200);
  return (res.body as { applicationSets: string[] }).applicationSets;
}

function appSet(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: appNs },
    spec,
  };
}

const appTemplate = (name: string, path: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, finalizers: ['trueup.dev/resources-finalizer'], ...extra },
  spec: {
    source: { repoURL, targetRevision: 'main', path },
    destination: { namespace: dest },
    syncPolicy: { automated: { prune: true, selfHeal: true } },
  },
});

async function applySet(name: string, spec: Record<string, unknown>): Promise<void> {
  await env.kubectl(['apply', '-f', '-'], yaml(appSet(name, spec)));
}

async function getSet(name: string): Promise<ApplicationSet | undefined> {
  return (await env.get('trueup.dev/v1alpha1', 'ApplicationSet', appNs, name)) as ApplicationSet | undefined;
}

async function appsOf(set: string): Promise<Application[]> {
  const list = await env.client.list('trueup.dev/v1alpha1', 'Application', {
    namespace: appNs,
    labelSelector: `${APPSET_LABEL}=${set}`,
  });
  return list.items as unknown as Application[];
}

const names = async (set: string) => (await appsOf(set)).map((a) => a.metadata.name).sort();
const cm = (name: string) => env.get('v1', 'ConfigMap', dest, name);

async function synced(name: string): Promise<void> {
  await waitFor(`${name} Synced and Healthy`, async () => {
    const a = await env.app(name);
    return a?.status?.sync?.status === 'Synced' && a.status.health?.status === 'Healthy';
  });
}

test('apps/*/overlays/production: one app per service, each syncs; status lists them', async () => {
  await applySet('services', {
    generators: [
      { git: { repoURL, revision: 'main', directories: [{ path: 'apps/*/overlays/production' }] } },
    ],
    template: appTemplate('{{path[1]}}-prod', '{{path}}'),
  });
  await waitFor('two apps', async () => (await names('services')).join() === 'api-prod,web-prod');
  const [api] = await appsOf('services');
  const owner = (api as unknown as { metadata: { ownerReferences?: { kind: string; name: string }[] } })
    .metadata.ownerReferences;
  assert.deepEqual(
    owner?.map((o) => `${o.kind}/${o.name}`),
    ['ApplicationSet/services'],
  );
  await synced('web-prod');
  await synced('api-prod');
  assert.ok(await cm('web-config-production'));
  assert.ok(await cm('api-config-production'));
  const set = await waitFor('status resources Synced', async () => {
    const s = await getSet('services');
    return (
      s?.status?.resources?.every((r) => r.status === 'Synced' && r.health?.status === 'Healthy') &&
      s.status.resources.length === 2 &&
      s
    );
  });
  const conditions = Object.fromEntries((set.status?.conditions ?? []).map((c) => [c.type, c.status]));
  assert.deepEqual(conditions, {
    ErrorOccurred: 'False',
    ParametersGenerated: 'True',
    ResourcesUpToDate: 'True',
  });
  assert.equal(set.status?.applicationCount, 2);
});

test('a directory added in a commit (and pushed) adds an app that syncs', async () => {
  await repo.commit(service('billing', ['production']), 'add billing');
  assert.ok((await push()).includes(`${appNs}/services`));
  await waitFor('billing-prod generated', async () => (await names('services')).includes('billing-prod'));
  await synced('billing-prod');
  assert.ok(await cm('billing-config-production'));
});

test('a directory removed deletes its app, and the finalizer prunes its objects', async () => {
  await repo.commit(
    Object.fromEntries(Object.keys(service('api', ['production'])).map((f) => [f, null])),
    'remove api',
  );
  await push();
  await waitFor('api-prod deleted', async () => (await env.app('api-prod')) === undefined);
  await waitFor('its ConfigMap pruned', async () => (await cm('api-config-production')) === undefined);
  assert.deepEqual(await names('services'), ['billing-prod', 'web-prod']);
  assert.ok(await cm('web-config-production'));
});

test('a matrix of the git generator × a list of environments', async () => {
  await applySet('matrix', {
    generators: [
      {
        matrix: {
          generators: [
            { git: { repoURL, revision: 'main', directories: [{ path: 'apps/web' }] } },
            { list: { elements: [{ env: 'staging' }, { env: 'production' }] } },
          ],
        },
      },
    ],
    template: {
      ...appTemplate('m-{{path.basename}}-{{env}}', '{{path}}/overlays/{{env}}'),
      spec: {
        ...appTemplate('', '').spec,
        source: { repoURL, targetRevision: 'main', path: '{{path}}/overlays/{{env}}' },
        // Same objects as the services set's web-prod: this set only diffs (no automated sync).
        syncPolicy: undefined,
      },
    },
  });
  await waitFor(
    'two matrix apps',
    async () => (await names('matrix')).join() === 'm-web-production,m-web-staging',
  );
  const staging = await env.app('m-web-staging');
  assert.equal(staging?.spec.source?.path, 'apps/web/overlays/staging');
  await waitFor(
    'm-web-staging compared',
    async () => (await env.app('m-web-staging'))?.status?.sync?.status === 'OutOfSync',
  );
});

test('an invalid generated Application sets ErrorOccurred and changes nothing', async () => {
  await applySet('matrix', {
    generators: [
      {
        matrix: {
          generators: [
            { git: { repoURL, revision: 'main', directories: [{ path: 'apps/web' }] } },
            { list: { elements: [{ env: 'staging' }, { env: 'production' }] } },
          ],
        },
      },
    ],
    // Every parameter set gives the same name.
    template: { ...appTemplate('m-{{path.basename}}', '{{path}}/overlays/{{env}}') },
  });
  const set = await waitFor('ErrorOccurred', async () => {
    const s = await getSet('matrix');
    const c = s?.status?.conditions?.find((x) => x.type === 'ErrorOccurred');
    return c?.status === 'True' && c;
  });
  assert.match(set.message ?? '', /both generate the Application m-web/);
  assert.deepEqual(await names('matrix'), ['m-web-production', 'm-web-staging']);
  await env.kubectl(['delete', 'applicationset', '-n', appNs, 'matrix']);
  await waitFor('matrix apps garbage collected', async () => (await names('matrix')).length === 0);
});

test('create-only: the set creates but never updates nor deletes its apps', async () => {
  const spec = (elements: Record<string, string>[], label: string) => ({
    generators: [{ list: { elements } }],
    syncPolicy: { applicationsSync: 'create-only' },
    template: appTemplate('co-{{name}}', 'apps/web/overlays/staging', { labels: { rev: label } }),
  });
  await applySet('create-only', {
    ...spec([{ name: 'a' }, { name: 'b' }], 'one'),
    template: {
      ...spec([], 'one').template,
      spec: { ...spec([], 'one').template.spec, syncPolicy: undefined },
    },
  });
  await waitFor('co apps', async () => (await names('create-only')).join() === 'co-a,co-b');
  await applySet('create-only', {
    ...spec([{ name: 'a' }, { name: 'c' }], 'two'),
    template: {
      ...spec([], 'two').template,
      spec: { ...spec([], 'two').template.spec, syncPolicy: undefined },
    },
  });
  await waitFor('co-c created', async () => (await names('create-only')).join() === 'co-a,co-b,co-c');
  await waitFor('the set reports up to date', async () => {
    const s = await getSet('create-only');
    return (
      s?.status?.observedGeneration === s?.metadata.generation &&
      s?.status?.conditions?.find((c) => c.type === 'ResourcesUpToDate')?.status === 'True'
    );
  });
  assert.equal((await env.app('co-a'))?.metadata.labels?.rev, 'one');
  assert.ok(await env.app('co-b'));
});

test('preserveResourcesOnDeletion: deleting the set deletes its apps but not their objects', async () => {
  await applySet('preserve', {
    generators: [{ list: { elements: [{ name: 'web' }] } }],
    syncPolicy: { preserveResourcesOnDeletion: true },
    template: {
      metadata: { name: 'keep-{{name}}', finalizers: ['trueup.dev/resources-finalizer'] },
      spec: {
        source: { repoURL, targetRevision: 'main', path: 'apps/{{name}}/base' },
        destination: { namespace: dest },
        syncPolicy: { automated: { prune: true } },
        // The base's ConfigMap is web-config (the overlays add suffixes): only this app owns it.
      },
    },
  });
  await synced('keep-web');
  assert.deepEqual((await env.app('keep-web'))?.metadata.finalizers ?? [], []);
  assert.ok(await cm('web-config'));
  await env.kubectl(['delete', 'applicationset', '-n', appNs, 'preserve']);
  await waitFor('keep-web garbage collected', async () => (await env.app('keep-web')) === undefined);
  assert.ok(await cm('web-config'), 'the ConfigMap stays');
});

test('clusters: one app per cluster Secret the selector keeps; a Secret added or deleted adds or deletes its app', async () => {
  const clusterSecret = (name: string, server: string, env: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `cluster-${name.toLowerCase()}`,
      namespace: appNs,
      labels: { 'trueup.dev/secret-type': 'cluster', env },
    },
    stringData: { name, server, config: JSON.stringify({ bearerToken: 'not-used-here' }) },
  });
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(clusterSecret('EU-Staging', 'https://eu.example:6443', 'staging')),
  );
  await env.kubectl(['apply', '-f', '-'], yaml(clusterSecret('prod', 'https://prod.example:6443', 'prod')));
  await applySet('per-cluster', {
    generators: [{ clusters: { selector: { matchLabels: { env: 'staging' } } } }],
    template: {
      metadata: { name: 'pc-{{nameNormalized}}', labels: { env: '{{metadata.labels.env}}' } },
      spec: {
        source: { repoURL, targetRevision: 'main', path: 'apps/web/overlays/staging' },
        destination: { server: '{{server}}', namespace: dest },
      },
    },
  });
  await waitFor(
    'one app for the staging cluster',
    async () => (await names('per-cluster')).join() === 'pc-eu-staging',
  );
  const app = await env.app('pc-eu-staging');
  assert.equal(app?.spec.destination.server, 'https://eu.example:6443');
  assert.equal(app?.metadata.labels?.env, 'staging');
  // No push, no poll: the Secret's watch re-evaluates the set.
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(clusterSecret('us-staging', 'https://us.example:6443', 'staging')),
  );
  await waitFor(
    'an app for the new cluster',
    async () => (await names('per-cluster')).join() === 'pc-eu-staging,pc-us-staging',
  );
  await env.kubectl(['delete', 'secret', '-n', appNs, 'cluster-eu-staging']);
  await waitFor(
    'its app deleted with the Secret',
    async () => (await names('per-cluster')).join() === 'pc-us-staging',
  );
});

test('pullRequest (Gitea API): an open pull request gets its app at its head; closing it removes app and objects', async () => {
  const head = await repo.commit({ 'apps/billing/base/extra.txt': 'pr head' }, 'pr head');
  let open = [
    {
      number: 7,
      title: 'Billing preview',
      head: { ref: 'feature/billing', sha: head },
      base: { ref: 'main' },
      labels: [{ name: 'preview' }],
      user: { login: 'alice' },
    },
  ];
  // A stand-in for Gitea's pull request API (the real-Gitea e2e is separate).
  const gitea = createServer((req, res) => {
    const ok = req.url?.startsWith('/api/v1/repos/org/monorepo/pulls?state=open');
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(ok && req.url?.includes('page=1') ? JSON.stringify(open) : '[]');
  });
  await new Promise<void>((r) => gitea.listen(0, '127.0.0.1', r));
  after(() => gitea.close());
  const api = `http://127.0.0.1:${(gitea.address() as AddressInfo).port}`;
  await applySet('previews', {
    generators: [
      {
        pullRequest: {
          gitea: { owner: 'org', repo: 'monorepo', api, labels: ['preview'] },
          requeueAfterSeconds: 1,
        },
      },
    ],
    template: {
      metadata: { name: 'preview-{{number}}', finalizers: ['trueup.dev/resources-finalizer'] },
      spec: {
        source: { repoURL, targetRevision: '{{head_sha}}', path: 'apps/billing/base' },
        destination: { namespace: dest },
        syncPolicy: { automated: { prune: true } },
      },
    },
  });
  await synced('preview-7');
  assert.equal((await env.app('preview-7'))?.spec.source?.targetRevision, head);
  assert.ok(await cm('billing-config'));
  open = [];
  // Gitea's pull_request webhook (closed): the set lists the pull requests again at once.
  const body = Buffer.from(
    JSON.stringify({
      action: 'closed',
      number: 7,
      repository: { name: 'monorepo', owner: { login: 'org' } },
    }),
  );
  const sig = createHmac('sha256', 'hook').update(body).digest('hex');
  const res = await webhook({ headers: { 'x-gitea-event': 'pull_request', 'x-gitea-signature': sig }, body });
  assert.deepEqual(res.body, { applicationSets: [`${appNs}/previews`] });
  await waitFor('preview-7 deleted', async () => (await env.app('preview-7')) === undefined);
  await waitFor('its objects pruned', async () => (await cm('billing-config')) === undefined);
});
