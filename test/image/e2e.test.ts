/**
 * Image update automation end to end, with real parts: the distribution registry (token auth,
 * credentials from a dockerconfigjson Secret), git http-backend, the control plane, the
 * Application controller and the image controller. A new tag in range becomes one commit with
 * the templated message and only the marked line changed, the Application syncs it at once and
 * the Deployment runs it; a tag outside the range changes nothing; a commit pushed meanwhile is
 * built upon; a registry outage keeps the last result and reports a condition.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { ImageController } from '../../src/image/controller.js';
import { GitUpdater } from '../../src/image/git-update.js';
import { OciClient } from '../../src/oci/client.js';
import { systemClock } from '../../src/runtime/clock.js';
import { pushMatches } from '../../src/server/webhook.js';
import { nodeHttpClient } from '../../src/source/index.js';
import { appManifest, e2eEnv, waitFor } from '../e2e/support.js';
import { startRegistry } from '../registry/registry.js';
import { gitCli } from '../support/git-server.js';
import { sharedEngine } from '../support/helm.js';

const env = await e2eEnv('image');
const registry = await startRegistry({ users: { bot: 'bot-pw' } });
let registryStopped = false;
after(() => (registryStopped ? undefined : registry.stop()));
const workDir = await mkdtemp(join(tmpdir(), 'trueup-image-e2e-'));
after(() => rm(workDir, { recursive: true, force: true }));

const ns = env.appNs;
const image = `${registry.host}/org/api`;
const pushTag = (tag: string) =>
  registry.push(
    'org/api',
    tag,
    { mediaType: 'application/vnd.oci.image.config.v1+json', data: Buffer.from(`{"tag":"${tag}"}`) },
    [],
  );

const deployment = (tag: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api   # the API server
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: ${image}:${tag} # {"$imagepolicy": "${ns}:api"}

        - name: sidecar
          image: ${registry.host}/org/sidecar:v1 # not managed
`;

const repo = await env.git.createRepo('image-e2e');
await gitCli(repo.bare, 'config', 'http.receivepack', 'true');
await repo.commit({ 'apps/api/deployment.yaml': deployment('v1.2.3'), 'README.md': 'config\n' }, 'init');
const repoURL = env.git.url('image-e2e');

const apps = await env.controller();
const images = new ImageController({
  client: env.client,
  oci: new OciClient(),
  git: new GitUpdater({ workDir, http: nodeHttpClient }),
  templates: sharedEngine,
  log: { info: () => {}, warn: () => {} },
  clock: systemClock,
  namespaces: [ns],
  onPushed: (url, branch) =>
    apps.refreshRepo((app) => pushMatches({ provider: 'github', repoURLs: [url], branch }, app)),
  tickMs: 200,
});
after(() => images.stop());

const create = (o: KubeObject) => env.client.create(o, { fieldManager: 'test' });
const obj = (kind: string, name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'trueup.dev/v1alpha1',
  kind,
  metadata: { name, namespace: ns },
  spec: spec as never,
});
interface Ready {
  type: string;
  status: string;
  message?: string;
}
/** The status fields the assertions read. */
interface ImageStatus {
  conditions?: Ready[];
  latestRef?: { name: string; tag: string; digest?: string };
  observedPreviousRef?: { name: string; tag: string };
  lastScanResult?: { tagCount: number; latestTags?: string[] };
  lastPushCommit?: string;
  lastPushTime?: string;
  lastAutomationRunTime?: string;
}
const status = async (kind: string, name: string) =>
  ((await env.get('trueup.dev/v1alpha1', kind, ns, name))?.status ?? {}) as ImageStatus;
const liveImage = async () => {
  const d = await env.get('apps/v1', 'Deployment', ns, 'api');
  const spec = d?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
  return spec?.template?.spec?.containers?.[0]?.image;
};
const head = () => gitCli(repo.bare, 'rev-parse', 'main');

const TEMPLATE = `Automated image update by {{ .AutomationObject }}

{{ range .Changed.Changes -}}
- {{ .Setter }}: {{ .OldValue }} -> {{ .NewValue }}
{{ end -}}
{{ range $file, $objects := .Changed.FileChanges }}file {{ $file }}{{ end }}`;

test('a new tag in range: one commit, the Application syncs it, the Deployment runs it', async () => {
  await pushTag('v1.2.3');
  const auth = Buffer.from(`bot:bot-pw`).toString('base64');
  await create({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name: 'registry', namespace: ns },
    data: {
      '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [registry.host]: { auth } } })).toString(
        'base64',
      ),
    },
  } as KubeObject);
  await create(
    obj('ImageRepository', 'api', { image, interval: '1s', secretRef: { name: 'registry' }, insecure: true }),
  );
  await create(
    obj('ImagePolicy', 'api', {
      imageRepositoryRef: { name: 'api' },
      policy: { semver: { range: '>=1.0.0 <2.0.0' } },
    }),
  );
  await create(
    obj('ImageUpdateAutomation', 'api', {
      sourceRef: { repoURL },
      interval: '1s',
      git: {
        checkout: { ref: { branch: 'main' } },
        commit: { author: { name: 'Image Bot', email: 'bot@example.com' }, messageTemplate: TEMPLATE },
      },
      update: { path: './apps', strategy: 'Setters' },
    }),
  );
  await create(appManifest('api', ns, repoURL, 'apps/api', ns));
  images.start();
  await waitFor('the Deployment on v1.2.3', async () => (await liveImage()) === `${image}:v1.2.3`);
  await waitFor(
    'the policy at v1.2.3',
    async () => (await status('ImagePolicy', 'api')).latestRef?.tag === 'v1.2.3',
  );
  const before = await head();

  await pushTag('v1.2.4');
  await waitFor('the Deployment on v1.2.4', async () => (await liveImage()) === `${image}:v1.2.4`, 90_000);
  const after = await head();
  assert.equal(await gitCli(repo.bare, 'rev-parse', 'main~1'), before, 'exactly one commit');
  assert.equal(
    await gitCli(repo.bare, 'log', '-1', '--format=%an <%ae>%n%B', 'main'),
    [
      'Image Bot <bot@example.com>',
      `Automated image update by ${ns}/api`,
      '',
      `- ${ns}:api: ${image}:v1.2.3 -> ${image}:v1.2.4`,
      'file apps/api/deployment.yaml',
    ].join('\n'),
  );
  const diff = await gitCli(repo.bare, 'diff', '--unified=0', before, after);
  assert.deepEqual(
    diff.split('\n').filter((l) => /^[-+][^-+]/.test(l)),
    [
      `-          image: ${image}:v1.2.3 # {"$imagepolicy": "${ns}:api"}`,
      `+          image: ${image}:v1.2.4 # {"$imagepolicy": "${ns}:api"}`,
    ],
  );
  const auto = await waitFor('the automation status', async () => {
    const s = await status('ImageUpdateAutomation', 'api');
    return s.lastPushCommit === after ? s : undefined;
  });
  assert.ok(auto.lastPushTime);
  const policy = await status('ImagePolicy', 'api');
  assert.deepEqual(policy.latestRef, { name: image, tag: 'v1.2.4' });
  assert.deepEqual(policy.observedPreviousRef, { name: image, tag: 'v1.2.3' });
  const scan = (await status('ImageRepository', 'api')).lastScanResult;
  assert.equal(scan?.tagCount, 2);
  assert.deepEqual(scan?.latestTags, ['v1.2.4', 'v1.2.3']);
  assert.equal((await env.app('api'))?.status?.sync?.revision, after);
});

test('a tag outside the range changes nothing', async () => {
  const before = await head();
  const pushedAt = Date.now();
  await pushTag('v2.0.0');
  await waitFor(
    'the scan seeing v2.0.0',
    async () => (await status('ImageRepository', 'api')).lastScanResult?.tagCount === 3,
  );
  await waitFor('an automation run after it', async () => {
    const t = (await status('ImageUpdateAutomation', 'api')).lastAutomationRunTime;
    return t && Date.parse(t) > pushedAt + 1000;
  });
  assert.equal(await head(), before);
  assert.equal((await status('ImagePolicy', 'api')).latestRef?.tag, 'v1.2.4');
  assert.equal(await liveImage(), `${image}:v1.2.4`);
});

test('a commit pushed to the branch meanwhile is built upon', async () => {
  await repo.git('fetch', '-q', repo.bare, 'main');
  await repo.git('reset', '-q', '--hard', 'FETCH_HEAD');
  const concurrent = await repo.commit({ 'README.md': 'config, edited by a person\n' }, 'docs');
  await pushTag('v1.2.5');
  await waitFor('the Deployment on v1.2.5', async () => (await liveImage()) === `${image}:v1.2.5`, 90_000);
  assert.equal(await gitCli(repo.bare, 'rev-parse', 'main~1'), concurrent);
  assert.equal(await gitCli(repo.bare, 'show', 'main:README.md'), 'config, edited by a person');
});

test('a registry outage keeps the last result and reports a condition', async () => {
  await registry.stop();
  registryStopped = true;
  const s = await waitFor('Ready=False on the ImageRepository', async () => {
    const st = await status('ImageRepository', 'api');
    const ready = st.conditions?.find((c) => c.type === 'Ready');
    return ready?.status === 'False' ? { st, ready } : undefined;
  });
  assert.match(s.ready.message ?? '', /scan failed/);
  assert.equal(s.st.lastScanResult?.tagCount, 4);
  const policy = await status('ImagePolicy', 'api');
  assert.equal(policy.latestRef?.tag, 'v1.2.5');
  assert.equal(policy.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(await liveImage(), `${image}:v1.2.5`);
});
