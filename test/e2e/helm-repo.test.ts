/**
 * Charts from a Helm repository and from an OCI registry as Application sources, end to end:
 * real control plane, the controller in-process with the built Helm engine, archives made by
 * the reference `helm package` and indexed by `helm repo index`. The Helm repository is a static
 * index.yaml + tarballs behind basic auth on loopback; the OCI registry is the real `distribution`
 * registry with bearer-token auth (test/registry). Credentials come from Argo CD-style repository
 * Secrets. A version bump in targetRevision re-renders; a digest mismatch and an unreachable
 * repository fail with a message naming the chart and repository, and prune nothing. A chart
 * from a Helm repository in spec.sources takes `valueFiles: [$values/envs/prod/values.yaml]` from
 * a Git repository (`ref: values`): a values commit rolls the Deployment.
 *
 * Skipped (with the reason) only when the Helm engine is not built (`bash helm/build.sh`).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { load } from 'js-yaml';
import type { Application } from '../../src/api/application.js';
import { ChartSource } from '../../src/chart-source/chart-source.js';
import { SourceRouter } from '../../src/controller/adapters/chart-source.js';
import { clusterSecretSource } from '../../src/controller/adapters/secrets.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { locateEngine } from '../../src/helm/locate.js';
import { GitSource } from '../../src/source/index.js';
import { freePort } from '../control-plane/processes.js';
import { startRegistry } from '../registry/registry.js';
import { testNamespace } from '../support/cluster.js';
import { referenceHelm } from '../support/helm.js';
import { condition, e2eEnv, trueupCli, waitFor, yaml } from './support.js';

const engineMissing = await locateEngine().then(
  () => undefined,
  (err: Error) => err.message,
);
const skip = engineMissing ?? false;
const env = await e2eEnv('helm-repo');
const work = await mkdtemp(join(tmpdir(), 'trueup-helm-repo-'));
after(() => rm(work, { recursive: true, force: true }));

/** `helm package` of a small chart at `version`: the archive bytes and Chart.yaml as parsed. */
async function packageChart(version: string): Promise<{ tgz: Buffer; chartYaml: Record<string, unknown> }> {
  const dir = join(work, `src-${version}`, 'web');
  await mkdir(join(dir, 'templates'), { recursive: true });
  const chartYaml = `apiVersion: v2\nname: web\nversion: ${version}\nappVersion: "${version}"\n`;
  await writeFile(join(dir, 'Chart.yaml'), chartYaml);
  await writeFile(join(dir, 'values.yaml'), 'greeting: hello\n');
  await writeFile(join(dir, 'values-prod.yaml'), 'greeting: hello-prod\n');
  await writeFile(
    join(dir, 'templates', 'info.yaml'),
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-info
data:
  chartVersion: {{ .Chart.Version | quote }}
  greeting: {{ .Values.greeting | quote }}
`,
  );
  const out = join(work, 'repo');
  await mkdir(out, { recursive: true });
  await referenceHelm(['package', dir, '-d', out]);
  return {
    tgz: await readFile(join(out, `web-${version}.tgz`)),
    chartYaml: load(chartYaml) as Record<string, unknown>,
  };
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function chartApp(name: string, dest: string, source: Record<string, unknown>) {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: env.appNs },
    spec: {
      source,
      destination: { namespace: dest },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
}

function repoSecret(name: string, data: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: env.appNs, labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
    stringData: data,
  };
}

/** The controller with charts: repository Secrets from the app namespace (its "own" namespace here). */
async function startController(): Promise<void> {
  const git = new GitSourcePort(new GitSource({ cacheDir: join(work, 'git') }), 0);
  const charts = new ChartSource({ secrets: clusterSecretSource(env.client, env.appNs), indexTtlMs: 0 });
  await env.controller({ source: new SourceRouter(git, charts) });
}

const infoOf = async (dest: string, name: string) =>
  (await env.get('v1', 'ConfigMap', dest, `${name}-info`))?.data as Record<string, string> | undefined;

async function setSource(app: ReturnType<typeof chartApp>, source: Record<string, unknown>): Promise<void> {
  app.spec.source = source;
  await env.kubectl(['apply', '-f', '-'], yaml(app));
}

async function stalledWith(name: string, pattern: RegExp): Promise<string> {
  return waitFor(`${name} reporting ${pattern}`, async () => {
    const a = (await env.app(name)) as Application | undefined;
    const c = condition(a, 'Ready');
    return c?.status === 'False' && pattern.test(c.message ?? '') && (c.message ?? '');
  });
}

let controllerStarted = false;
async function ensureController(): Promise<void> {
  if (controllerStarted) return;
  controllerStarted = true;
  await startController();
}

test('a chart from a Helm repository (basic auth): version constraints, a bump re-renders, a digest mismatch and an unreachable repo prune nothing', {
  skip,
}, async () => {
  const v100 = await packageChart('1.0.0');
  const v110 = await packageChart('1.1.0');
  const v120 = await packageChart('1.2.0');
  const repoDir = join(work, 'repo');
  await referenceHelm(['repo', 'index', repoDir]);
  const files = new Map<string, Buffer>([
    ['/charts/index.yaml', await readFile(join(repoDir, 'index.yaml'))],
    ['/charts/web-1.0.0.tgz', v100.tgz],
    ['/charts/web-1.1.0.tgz', v110.tgz],
    // Not the bytes the index's digest names.
    ['/charts/web-1.2.0.tgz', v110.tgz],
  ]);
  assert.ok(
    files.get('/charts/index.yaml')?.toString().includes(createHash('sha256').update(v120.tgz).digest('hex')),
  );
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    if (req.headers.authorization !== basic('helm', 'chart-pass')) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' });
      res.end();
      return;
    }
    const body = files.get(req.url ?? '');
    res.writeHead(body ? 200 : 404);
    res.end(body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  const repoURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charts`;
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(repoSecret('helm-repo', { type: 'helm', url: repoURL, username: 'helm', password: 'chart-pass' })),
  );
  const dest = await testNamespace('helm-repo-dest');
  const app = chartApp('web-http', dest, {
    repoURL,
    chart: 'web',
    targetRevision: '1.0.*',
    helm: { valueFiles: ['values-prod.yaml'] },
  });
  await env.kubectl(['apply', '-f', '-'], yaml(app));
  await ensureController();

  const first = await waitFor('web-http synced at 1.0.0', async () => {
    const a = await env.app('web-http');
    return a?.status?.sync?.status === 'Synced' && condition(a, 'Ready')?.status === 'True' && a;
  });
  assert.equal(first.status?.sync?.revision, '1.0.0');
  assert.deepEqual(await infoOf(dest, 'web-http'), { chartVersion: '1.0.0', greeting: 'hello-prod' });
  assert.ok(seen.some((r) => r.url === '/charts/web-1.0.0.tgz' && r.headers.authorization));

  // A version bump (a constraint now matching 1.1.0 only) re-renders.
  await setSource(app, { ...app.spec.source, targetRevision: '>=1.1.0 <1.2.0' });
  await waitFor('web-http at 1.1.0', async () => (await infoOf(dest, 'web-http'))?.chartVersion === '1.1.0');
  await waitFor(
    'status at 1.1.0',
    async () => (await env.app('web-http'))?.status?.sync?.syncedRevision === '1.1.0',
  );
  // `trueup app diff` resolves and renders the chart as the controller does (the repository
  // Secret read from the app's namespace): no difference.
  const diff = await trueupCli(env.kubeconfigPath, env.appNs, ['app', 'diff', 'web-http']);
  assert.equal(diff.code, 0, diff.stderr + diff.stdout);

  // 1.2.0's archive is not the one the index names: refused, nothing pruned.
  await setSource(app, { ...app.spec.source, targetRevision: '1.2.0' });
  const mismatch = await stalledWith('web-http', /ChartDigestMismatch|digest/);
  assert.match(
    mismatch,
    new RegExp(`chart web from ${repoURL.replace(/[.]/g, '\\.')}: .*web-1\\.2\\.0\\.tgz has digest sha256:`),
  );
  assert.equal((await infoOf(dest, 'web-http'))?.chartVersion, '1.1.0');

  // The repository cannot be reached: a clear message, nothing pruned.
  const dead = `http://127.0.0.1:${await freePort()}/charts`;
  await setSource(app, { ...app.spec.source, repoURL: dead, targetRevision: '1.1.0' });
  const unreachable = await stalledWith('web-http', /cannot be reached/);
  assert.match(
    unreachable,
    new RegExp(`chart web from ${dead.replace(/[.]/g, '\\.')}: index\\.yaml of .*ECONNREFUSED`),
  );
  assert.equal((await infoOf(dest, 'web-http'))?.chartVersion, '1.1.0');
  // The password is in no message.
  assert.ok(!JSON.stringify((await env.app('web-http'))?.status).includes('chart-pass'));
});

test('a chart from an OCI registry (token auth, Argo CD host/path with enableOCI): a semver range over tags, a bump re-renders, a newer push is followed', {
  skip,
}, async () => {
  const registry = await startRegistry({ users: { alice: 'oci-pass' } });
  after(() => registry.stop());
  for (const version of ['1.0.0', '1.1.0']) {
    const { tgz, chartYaml } = await packageChart(version);
    await registry.pushChart('charts/web', version, chartYaml, tgz);
  }
  const repoURL = `${registry.host}/charts`;
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(
      repoSecret('oci-repo', {
        type: 'helm',
        url: repoURL,
        enableOCI: 'true',
        username: 'alice',
        password: 'oci-pass',
      }),
    ),
  );
  const dest = await testNamespace('helm-oci-dest');
  const app = chartApp('web-oci', dest, { repoURL, chart: 'web', targetRevision: '1.0.x' });
  await env.kubectl(['apply', '-f', '-'], yaml(app));
  await ensureController();

  const first = await waitFor('web-oci synced at 1.0.0', async () => {
    const a = await env.app('web-oci');
    return a?.status?.sync?.status === 'Synced' && condition(a, 'Ready')?.status === 'True' && a;
  });
  assert.equal(first.status?.sync?.revision, '1.0.0');
  assert.deepEqual(await infoOf(dest, 'web-oci'), { chartVersion: '1.0.0', greeting: 'hello' });
  assert.ok(registry.tokenRequests.some((r) => r.account === 'alice' && r.granted));

  // oci:// spelling, a range over the tag list picking 1.1.0.
  await setSource(app, { repoURL: `oci://${registry.host}/charts`, chart: 'web', targetRevision: '^1.0.0' });
  await waitFor('web-oci at 1.1.0', async () => (await infoOf(dest, 'web-oci'))?.chartVersion === '1.1.0');

  // A newer version pushed: the range follows it on the next refresh (targetRevision unchanged).
  const v120 = await packageChart('1.2.0');
  await registry.pushChart('charts/web', '1.2.0', v120.chartYaml, v120.tgz);
  await env.kubectl([
    'annotate',
    '--overwrite',
    '-n',
    env.appNs,
    'tapp/web-oci',
    'trueup.dev/refresh=normal',
  ]);
  await waitFor('web-oci at 1.2.0', async () => (await infoOf(dest, 'web-oci'))?.chartVersion === '1.2.0');
  assert.equal((await env.app('web-oci'))?.spec.source?.targetRevision, '^1.0.0');

  // A version the registry does not have: named, nothing pruned.
  await setSource(app, { repoURL: `oci://${registry.host}/charts`, chart: 'web', targetRevision: '2.0.0' });
  const missing = await stalledWith('web-oci', /2\.0\.0/);
  assert.match(
    missing,
    /chart web from oci:\/\/.*manifest 2\.0\.0 of oci:\/\/.*\/charts\/web: 404 not found/,
  );
  assert.equal((await infoOf(dest, 'web-oci'))?.chartVersion, '1.2.0');
});

test('a chart from a Helm repository with valueFiles from a Git repository ($values, spec.sources): a values commit rolls the Deployment', {
  skip,
}, async () => {
  // The chart: a Deployment whose replicas and image tag come from values.
  const dir = join(work, 'shop-src', 'shop');
  await mkdir(join(dir, 'templates'), { recursive: true });
  await writeFile(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 0.1.0\n');
  await writeFile(
    join(dir, 'values.yaml'),
    'replicas: 1\nimage: {repository: registry.example/shop, tag: "1.0"}\n',
  );
  await writeFile(
    join(dir, 'templates', 'deployment.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}}}
    spec:
      containers:
        - name: shop
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`,
  );
  const repoDir = join(work, 'shop-repo');
  await mkdir(repoDir, { recursive: true });
  await referenceHelm(['package', dir, '-d', repoDir]);
  await referenceHelm(['repo', 'index', repoDir]);
  const files = new Map<string, Buffer>([
    ['/shop/index.yaml', await readFile(join(repoDir, 'index.yaml'))],
    ['/shop/shop-0.1.0.tgz', await readFile(join(repoDir, 'shop-0.1.0.tgz'))],
  ]);
  const server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    res.writeHead(body ? 200 : 404);
    res.end(body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  const chartRepo = `http://127.0.0.1:${(server.address() as AddressInfo).port}/shop`;

  // The values per environment in Git.
  const values = await env.git.createRepo('shop-values');
  const values1 = await values.commit({ 'envs/prod/values.yaml': 'replicas: 2\nimage: {tag: "2.0"}\n' });
  const dest = await testNamespace('helm-repo-values-dest');
  const app = {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'shop-prod', namespace: env.appNs },
    spec: {
      sources: [
        {
          repoURL: chartRepo,
          chart: 'shop',
          targetRevision: '0.1.*',
          helm: { releaseName: 'shop', valueFiles: ['$values/envs/prod/values.yaml'] },
        },
        { repoURL: env.git.url('shop-values'), targetRevision: 'main', ref: 'values' },
      ],
      destination: { namespace: dest },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
  await env.kubectl(['apply', '-f', '-'], yaml(app));
  await ensureController();

  const deployment = async () => env.get('apps/v1', 'Deployment', dest, 'shop');
  const image = (d: Awaited<ReturnType<typeof deployment>>) =>
    (d?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec
      .containers[0]?.image;
  const replicas = (d: Awaited<ReturnType<typeof deployment>>) =>
    (d?.spec as { replicas?: number } | undefined)?.replicas;

  const synced = await waitFor('shop-prod Synced and Ready', async () => {
    const a = await env.app('shop-prod');
    return a?.status?.sync?.status === 'Synced' && condition(a, 'Ready')?.status === 'True' && a;
  });
  const d1 = await deployment();
  assert.equal(image(d1), 'registry.example/shop:2.0');
  assert.equal(replicas(d1), 2);
  assert.deepEqual(synced.status?.sync?.revisions, ['0.1.0', values1]);
  assert.equal(synced.status?.sync?.revision, `0.1.0,${values1}`);

  // A values commit in Git (the chart unchanged): the Deployment rolls.
  const values2 = await values.commit({ 'envs/prod/values.yaml': 'replicas: 3\nimage: {tag: "2.1"}\n' });
  await env.kubectl([
    'annotate',
    '--overwrite',
    '-n',
    env.appNs,
    'tapp/shop-prod',
    'trueup.dev/refresh=normal',
  ]);
  await waitFor('the Deployment rolled to 2.1', async () => {
    const d = await deployment();
    return image(d) === 'registry.example/shop:2.1' && replicas(d) === 3;
  });
  const rolled = await waitFor('shop-prod Synced at the new values commit', async () => {
    const a = await env.app('shop-prod');
    return a?.status?.sync?.syncedRevision === `0.1.0,${values2}` && a.status.sync.status === 'Synced' && a;
  });
  assert.deepEqual(rolled.status?.sync?.revisions, ['0.1.0', values2]);

  // `trueup app diff` resolves the chart and the Git ref as the controller does: no difference.
  const diff = await trueupCli(env.kubeconfigPath, env.appNs, ['app', 'diff', 'shop-prod']);
  assert.equal(diff.code, 0, diff.stderr + diff.stdout);
});
