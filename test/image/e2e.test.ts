/**
 * Image update automation end to end, with real parts: the distribution registry on loopback
 * with htpasswd (basic) auth, credentials from a dockerconfigjson Secret, git http-backend, the
 * control plane, the Application controller and the image controller (events to the API server,
 * metrics in a registry of their own). A new tag in range becomes one commit with the templated
 * message and only the marked line changed, the Application syncs it at once and the Deployment
 * runs it; a tag outside the range changes nothing; a commit pushed meanwhile is built upon; a
 * wrong password stalls with a condition naming the ImageRepository (never the password); a
 * registry outage keeps the last result, reports a condition and recovers.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { KubeAppWriter } from '../../src/controller/adapters/writer.js';
import { ImageController } from '../../src/image/controller.js';
import { GitUpdater } from '../../src/image/git-update.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { OciClient } from '../../src/oci/client.js';
import { systemClock } from '../../src/runtime/clock.js';
import { pushMatches } from '../../src/server/webhook.js';
import { nodeHttpClient } from '../../src/source/index.js';
import { appManifest, e2eEnv, waitFor } from '../e2e/support.js';
import { startRegistry } from '../registry/registry.js';
import { gitCli } from '../support/git-server.js';
import { sharedEngine } from '../support/helm.js';

const env = await e2eEnv('image');
const registry = await startRegistry({ auth: 'htpasswd', users: { bot: 'bot-pw' } });
after(() => registry.stop());
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
const metrics = createMetrics({ processMetrics: false });
const events = new KubeAppWriter(env.client);
const images = new ImageController({
  event: (o, type, reason, message) => events.event(o, type, reason, message),
  metrics: metrics.image,
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
  reason?: string;
  message?: string;
}
/** The status fields the assertions read. */
interface ImageStatus {
  conditions?: Ready[];
  latestRef?: { name: string; tag: string; digest?: string };
  observedPreviousRef?: { name: string; tag: string };
  lastScanResult?: { tagCount: number; scanTime?: string; latestTags?: string[] };
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
const condition = (s: ImageStatus, type: string) => s.conditions?.find((c) => c.type === type);
/** The Events recorded on one image object, as `type reason: message`. */
const eventsOn = async (kind: string, name: string) =>
  (await env.client.list('v1', 'Event', { namespace: ns })).items
    .map((e) => e as unknown as { involvedObject: { kind: string; name: string } } & Record<string, string>)
    .filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name)
    .map((e) => `${e.type} ${e.reason}: ${e.message}`);
/** A sample of the image metrics, by name and result. */
const sample = async (name: string, result: string) => {
  const line = (await metrics.render()).split('\n').find((l) => l.startsWith(`${name}{result="${result}"} `));
  return Number(line?.split(' ')[1]);
};

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
  await waitFor('the events of the new image and the push', async () => {
    const policyEvents = await eventsOn('ImagePolicy', 'api');
    const pushEvents = await eventsOn('ImageUpdateAutomation', 'api');
    return (
      policyEvents.includes(
        `Normal NewLatestImage: latest image changed from ${image}:v1.2.3 to ${image}:v1.2.4`,
      ) &&
      pushEvents.includes(
        `Normal CommitPushed: pushed commit '${after.slice(0, 7)}' to branch 'main' (${repoURL})`,
      )
    );
  });
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

test('a wrong password: the scan stalls with a condition and an event naming the ImageRepository, never the password', async () => {
  const password = 'wrong-pw-canary-7f3a';
  const auth = Buffer.from(`bot:${password}`).toString('base64');
  await create({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name: 'registry-wrong', namespace: ns },
    data: {
      '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [registry.host]: { auth } } })).toString(
        'base64',
      ),
    },
  } as KubeObject);
  // Every status the object goes through, from a watch started before it exists.
  const seen: string[] = [];
  const watching = new AbortController();
  const watch = env.client
    .watch(
      'trueup.dev/v1alpha1',
      'ImageRepository',
      { namespace: ns },
      (_type, o) => {
        if (o.metadata.name !== 'denied') return;
        const cs = ((o.status ?? {}) as ImageStatus).conditions ?? [];
        seen.push(cs.map((c) => `${c.type}=${c.status}/${c.reason}`).join(' '));
      },
      watching.signal,
    )
    .catch(() => {});
  await create(
    obj('ImageRepository', 'denied', {
      image,
      interval: '1s',
      secretRef: { name: 'registry-wrong' },
      insecure: true,
    }),
  );
  const s = await waitFor('Ready=False on ImageRepository denied', async () => {
    const st = await status('ImageRepository', 'denied');
    return condition(st, 'Ready')?.status === 'False' ? st : undefined;
  });
  const ready = condition(s, 'Ready');
  assert.equal(ready?.reason, 'OciAuthFailed');
  assert.match(ready?.message ?? '', new RegExp(`^ImageRepository ${ns}/denied: scan failed`));
  assert.match(ready?.message ?? '', new RegExp(`credentials from Secret ${ns}/registry-wrong`));
  assert.match(ready?.message ?? '', /401 unauthorized/);
  assert.deepEqual(
    [condition(s, 'Stalled')?.status, condition(s, 'Stalled')?.reason],
    ['True', 'OciAuthFailed'],
    'credentials refused are terminal: Stalled until something changes',
  );
  assert.equal(condition(s, 'Reconciling'), undefined);
  assert.equal(s.lastScanResult, undefined);
  await waitFor('the watch to see the failure', async () => seen.some((c) => c.includes('Stalled=True')));
  watching.abort();
  await watch;
  assert.deepEqual(
    seen.filter((c) => c !== '').slice(0, 2),
    [
      'Ready=Unknown/Progressing Reconciling=True/Progressing',
      'Ready=False/OciAuthFailed Stalled=True/OciAuthFailed',
    ],
    'Reconciling while the first scan runs, then Stalled',
  );
  const warnings = await waitFor('the Warning event', async () => {
    const list = await eventsOn('ImageRepository', 'denied');
    return list.length ? list : undefined;
  });
  assert.match(
    warnings[0] ?? '',
    new RegExp(`^Warning OciAuthFailed: ImageRepository ${ns}/denied: scan failed`),
  );
  for (const text of [JSON.stringify(s), ...warnings]) {
    assert.ok(!text.includes(password), 'the password never shows');
    assert.ok(!text.includes(auth), 'nor its base64');
  }
  await env.client.delete({
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'ImageRepository',
    namespace: ns,
    name: 'denied',
  });
});

test('a registry outage keeps the last result, reports a condition and recovers', async () => {
  const lastGood = (await status('ImageRepository', 'api')).lastScanResult;
  assert.equal(lastGood?.tagCount, 4);
  await registry.down();
  const down = await waitFor('Ready=False on the ImageRepository', async () => {
    const st = await status('ImageRepository', 'api');
    return condition(st, 'Ready')?.status === 'False' ? st : undefined;
  });
  assert.match(
    condition(down, 'Ready')?.message ?? '',
    new RegExp(`^ImageRepository ${ns}/api: scan failed`),
  );
  assert.deepEqual(
    [condition(down, 'Reconciling')?.status, condition(down, 'Reconciling')?.reason],
    ['True', 'ProgressingWithRetry'],
    'an unreachable registry is retried with back-off',
  );
  assert.equal(condition(down, 'Stalled'), undefined);
  assert.deepEqual(down.lastScanResult, lastGood, 'the last result stays');
  const policy = await status('ImagePolicy', 'api');
  assert.equal(policy.latestRef?.tag, 'v1.2.5');
  assert.equal(condition(policy, 'Ready')?.status, 'True');
  assert.equal(await liveImage(), `${image}:v1.2.5`);
  const reason = condition(down, 'Ready')?.reason ?? '';
  await waitFor('a Warning event for the outage', async () =>
    (await eventsOn('ImageRepository', 'api')).some((e) => e.startsWith(`Warning ${reason}: `)),
  );

  await registry.up();
  const back = await waitFor('Ready=True again', async () => {
    const st = await status('ImageRepository', 'api');
    return condition(st, 'Ready')?.status === 'True' ? st : undefined;
  });
  assert.equal(condition(back, 'Reconciling'), undefined);
  assert.equal(back.lastScanResult?.tagCount, 4);
  assert.ok(Date.parse(back.lastScanResult?.scanTime ?? '') > Date.parse(lastGood?.scanTime ?? ''));
  await waitFor('a Normal event for the recovery', async () =>
    (await eventsOn('ImageRepository', 'api')).some((e) => e.startsWith('Normal Succeeded: successful scan')),
  );
});

test('metrics: scans and automation runs by result', async () => {
  assert.ok((await sample('trueup_image_scan_total', 'success')) > 0);
  assert.ok((await sample('trueup_image_scan_total', 'error')) > 0, 'the outage and the wrong password');
  assert.ok((await sample('trueup_image_scan_duration_seconds_count', 'success')) > 0);
  assert.equal(await sample('trueup_image_automation_push_total', 'pushed'), 2, 'v1.2.4 and v1.2.5');
  assert.ok((await sample('trueup_image_automation_push_total', 'no_change')) > 0);
});

/** Sets spec fields of an image object (read, modify, replace). */
const setSpec = async (kind: string, name: string, fields: Record<string, unknown>) => {
  const live = await env.get('trueup.dev/v1alpha1', kind, ns, name);
  assert.ok(live, `${kind} ${name}`);
  await env.client.replace(
    { ...live, spec: { ...(live.spec as object), ...fields } as never },
    { fieldManager: 'test' },
  );
};

test('digest reflection Always: latestRef carries the manifest digest, and a tag pushed again is noticed', async () => {
  await create(
    obj('ImagePolicy', 'api-digest', {
      imageRepositoryRef: { name: 'api' },
      policy: { semver: { range: '>=1.0.0 <2.0.0' } },
      digestReflectionPolicy: 'Always',
    }),
  );
  const first = await waitFor('the digest of v1.2.5', async () => {
    const ref = (await status('ImagePolicy', 'api-digest')).latestRef;
    return ref?.digest ? ref : undefined;
  });
  const repushed = await registry.push(
    'org/api',
    'v1.2.5',
    { mediaType: 'application/vnd.oci.image.config.v1+json', data: Buffer.from('{"rebuilt":true}') },
    [],
  );
  assert.notEqual(repushed.manifestDigest, first.digest);
  assert.equal(first.tag, 'v1.2.5');
  await waitFor(
    'the new digest of v1.2.5',
    async () => (await status('ImagePolicy', 'api-digest')).latestRef?.digest === repushed.manifestDigest,
  );
  const plain = await status('ImagePolicy', 'api');
  assert.deepEqual(plain.latestRef, { name: image, tag: 'v1.2.5' }, 'Never (the default): no digest');
});

/** Waits for a scan that finished after this call (a pass of the controller after it). */
const anotherScan = async () => {
  const t = (await status('ImageRepository', 'api')).lastScanResult?.scanTime ?? '';
  await waitFor('another scan', async () => {
    const now = (await status('ImageRepository', 'api')).lastScanResult?.scanTime ?? '';
    return Date.parse(now) > Date.parse(t);
  });
};

test('a suspended automation commits nothing until resumed', async () => {
  await setSpec('ImageUpdateAutomation', 'api', { suspend: true });
  await anotherScan(); // the controller has seen the change
  await anotherScan();
  const before = await head();
  const lastRun = (await status('ImageUpdateAutomation', 'api')).lastAutomationRunTime;
  await pushTag('v1.2.6');
  await waitFor(
    'the policy at v1.2.6',
    async () => (await status('ImagePolicy', 'api')).latestRef?.tag === 'v1.2.6',
  );
  // Two more passes after the policy moved: an automation that is not suspended runs at once.
  await anotherScan();
  await anotherScan();
  assert.equal(await head(), before);
  assert.equal((await status('ImageUpdateAutomation', 'api')).lastAutomationRunTime, lastRun);

  await setSpec('ImageUpdateAutomation', 'api', { suspend: false });
  await waitFor('the Deployment on v1.2.6', async () => (await liveImage()) === `${image}:v1.2.6`, 90_000);
  assert.equal(await gitCli(repo.bare, 'rev-parse', 'main~1'), before);
});
