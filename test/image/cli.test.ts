/**
 * `trueup controller` (the CLI process) runs image automation: a tag pushed to the registry
 * reaches the Deployment through the process's own wiring (image controller on shard 0, Git
 * credentials, refresh of the Application on push, events on the image objects).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { KubeObject } from '../../src/api/object.js';
import { appManifest, e2eEnv, spawnController, waitFor } from '../e2e/support.js';
import { startRegistry } from '../registry/registry.js';
import { gitCli } from '../support/git-server.js';

const env = await e2eEnv('image-cli');
const registry = await startRegistry({ anonymousPull: true });
after(() => registry.stop());
const cache = await mkdtemp(join(tmpdir(), 'trueup-image-cli-'));
after(() => rm(cache, { recursive: true, force: true }));
const ns = env.appNs;
const image = `${registry.host}/org/web`;
const pushTag = (tag: string) =>
  registry.push(
    'org/web',
    tag,
    { mediaType: 'application/vnd.oci.image.config.v1+json', data: Buffer.from('{}') },
    [],
  );

test('the controller process scans, commits, and the Application syncs the new tag', async () => {
  await pushTag('1.0.0');
  const repo = await env.git.createRepo('image-cli');
  await gitCli(repo.bare, 'config', 'http.receivepack', 'true');
  await repo.commit({
    'web/kustomization.yaml': `resources: [deployment.yaml]
images:
  - name: web
    newName: ${image}
    newTag: 1.0.0 # {"$imagepolicy": "${ns}:web:tag"}
`,
    'web/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web}]
`,
  });
  const repoURL = env.git.url('image-cli');
  const obj = (kind: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'trueup.dev/v1alpha1',
    kind,
    metadata: { name: 'web', namespace: ns },
    spec: spec as never,
  });
  const create = (o: KubeObject) => env.client.create(o, { fieldManager: 'test' });
  await create(obj('ImageRepository', { image, interval: '1s' }));
  await create(
    obj('ImagePolicy', {
      imageRepositoryRef: { name: 'web' },
      policy: { numerical: { order: 'asc' } },
      filterTags: { pattern: '^1\\.0\\.(?<n>[0-9]+)$', extract: '$n' },
    }),
  );
  await create(
    obj('ImageUpdateAutomation', {
      sourceRef: { repoURL },
      interval: '1m',
      git: {
        checkout: { ref: { branch: 'main' } },
        commit: { author: { name: 'bot', email: 'bot@example.com' } },
      },
      update: { path: 'web' },
    }),
  );
  await create(appManifest('web', ns, repoURL, 'web', ns));
  const proc = spawnController(env, join(cache, 'controller'), [
    '--metrics-address',
    '',
    '--log-level',
    'warn',
  ]);
  let output = '';
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  after(() => proc.kill());
  const live = async () => {
    const d = await env.get('apps/v1', 'Deployment', ns, 'web');
    const spec = d?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
    return spec?.template?.spec?.containers?.[0]?.image;
  };
  await waitFor('the Deployment on 1.0.0', async () => (await live()) === `${image}:1.0.0`, 90_000);
  await pushTag('1.0.10');
  await pushTag('1.0.9');
  await waitFor(
    `the Deployment on 1.0.10 (controller output: ${output})`,
    async () => (await live()) === `${image}:1.0.10`,
    90_000,
  );
  const head = await gitCli(repo.bare, 'rev-parse', 'main');
  await waitFor('the CommitPushed event from the process', async () =>
    (await env.client.list('v1', 'Event', { namespace: ns })).items.some((e) => {
      const ev = e as unknown as {
        involvedObject: { kind: string; name: string };
        reason: string;
        message: string;
      };
      return (
        ev.involvedObject.kind === 'ImageUpdateAutomation' &&
        ev.involvedObject.name === 'web' &&
        ev.reason === 'CommitPushed' &&
        ev.message.startsWith(`pushed commit '${head.slice(0, 7)}' to branch 'main'`)
      );
    }),
  );
  const message = await gitCli(repo.bare, 'log', '-1', '--format=%B', 'main');
  assert.match(
    message,
    new RegExp(
      `^Update images \\(image update automation ${ns}/web\\)\\n\\n- web/kustomization.yaml:5: 1.0.0 -> 1.0.10`,
    ),
  );
});
