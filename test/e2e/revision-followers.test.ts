/**
 * Revision followers end to end: the apps that follow one repository and ref learn of a new
 * commit as soon as any one of them finds it, not each at its own poll; ApplicationSets whose git
 * generators read that ref are evaluated again at once too. The poll interval here is an hour, so
 * nothing below is the poll; one app is refreshed (as a user or a webhook would) to find the commit.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Annotation } from '../../src/api/application.js';
import { APPSET_LABEL } from '../../src/api/application-set.js';
import { AppSetController } from '../../src/appset/controller.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import type { GoTemplateEngine } from '../../src/helm/go-template.js';
import { systemClock } from '../../src/runtime/clock.js';
import { GitSource } from '../../src/source/index.js';
import { testNamespace } from '../support/cluster.js';
import { appManifest, configMap, e2eEnv, waitFor, yaml } from './support.js';

const HOUR = 3_600_000;
const env = await e2eEnv('followers');
const dest = await testNamespace('followers-dest');
const repo = await env.git.createRepo('followers');
const repoURL = env.git.url('followers');
const { appNs } = env;

const files = (round: number) => ({
  'one/c.yaml': configMap('one', { round: String(round) }),
  'two/c.yaml': configMap('two', { round: String(round) }),
  'three/c.yaml': configMap('three', { round: String(round) }),
  'other/c.yaml': configMap('other', { round: String(round) }),
});
const first = await repo.commit(files(1), 'round 1');
// The app on `dev` must not move when main does.
const devHead = await repo.commit({}, 'on dev', 'dev');
await repo.checkout('main');

const cache = await mkdtemp(join(tmpdir(), 'trueup-followers-cache-'));
after(() => rm(cache, { recursive: true, force: true }));
// One Git source for both controllers, as the process shares it.
const source = new GitSourcePort(new GitSource({ cacheDir: cache }), 0);
let sets: AppSetController | undefined;
const controller = await env.controller({
  source,
  config: { concurrency: 4, requeueInterval: HOUR, namespaces: [appNs] },
  // As run-controller wires it: the sets on the ref are evaluated with the answer just fetched.
  onNewRevision: (ref) =>
    sets?.refreshRepos((url, revision) => url === ref.repoURL && revision === ref.ref, { invalidate: false }),
});
sets = new AppSetController({
  client: env.client,
  source,
  // No set here uses goTemplate: the engine is never asked for.
  goEngine: () => Promise.reject<GoTemplateEngine>(new Error('no Go template engine in this test')),
  namespaces: [appNs],
  concurrency: 2,
  requeueInterval: HOUR,
  clock: systemClock,
});
await sets.start();
after(() => sets?.stop());

const revisionOf = async (name: string) => (await env.app(name))?.status?.sync?.revision;
const allAt = (names: string[], sha: string) =>
  waitFor(`${names.join(', ')} synced to ${sha.slice(0, 12)}`, async () => {
    for (const n of names) {
      const app = await env.app(n);
      if (app?.status?.sync?.revision !== sha || app.status.sync.status !== 'Synced') return false;
    }
    return true;
  });

test('a commit one app finds reaches every app on the same repository and ref, not the apps on another ref', async () => {
  const onMain = ['one', 'two', 'three'];
  for (const name of onMain)
    await env.kubectl(['apply', '-f', '-'], yaml(appManifest(name, appNs, repoURL, name, dest)));
  const other = appManifest('other', appNs, repoURL, 'other', dest);
  (other.spec as { source: { targetRevision: string } }).source.targetRevision = 'dev';
  await env.kubectl(['apply', '-f', '-'], yaml(other));
  await allAt(onMain, first);
  await allAt(['other'], devHead);

  const second = await repo.commit(files(2), 'round 2');
  // One app is refreshed (a user, a webhook for that app alone): it finds the commit.
  await env.kubectl(['-n', appNs, 'annotate', 'application', 'one', `${Annotation.Refresh}=normal`]);
  await allAt(onMain, second);
  const cm = await env.get('v1', 'ConfigMap', dest, 'three');
  assert.equal((cm?.data as Record<string, string> | undefined)?.round, '2');
  await controller.queue.whenIdle();
  assert.equal(await revisionOf('other'), devHead, 'the app on dev stays where dev is');
});

test('an ApplicationSet whose git generator reads that ref is evaluated again at once', async () => {
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml({
      apiVersion: 'trueup.dev/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'dirs', namespace: appNs },
      spec: {
        generators: [
          { git: { repoURL, revision: 'main', directories: [{ path: 'set/*' }], requeueAfterSeconds: 3600 } },
        ],
        template: {
          metadata: { name: 'set-{{path.basename}}' },
          spec: {
            source: { repoURL, targetRevision: 'main', path: '{{path}}' },
            destination: { namespace: dest },
            syncPolicy: { automated: { prune: true, selfHeal: true } },
          },
        },
      },
    }),
  );
  const generated = async () =>
    (
      await env.client.list('trueup.dev/v1alpha1', 'Application', {
        namespace: appNs,
        labelSelector: `${APPSET_LABEL}=dirs`,
      })
    ).items.map((a) => a.metadata.name);
  // The set's first pass: no directory under set/ yet.
  await waitFor('the set evaluated', async () => {
    const set = await env.get('trueup.dev/v1alpha1', 'ApplicationSet', appNs, 'dirs');
    return (set?.status as { conditions?: unknown[] } | undefined)?.conditions?.length;
  });
  assert.deepEqual(await generated(), []);

  const third = await repo.commit(
    { ...files(3), 'set/alpha/c.yaml': configMap('alpha', { a: '1' }) },
    'round 3',
  );
  await env.kubectl([
    '-n',
    appNs,
    'annotate',
    '--overwrite',
    'application',
    'two',
    `${Annotation.Refresh}=normal`,
  ]);
  await waitFor('set-alpha generated', async () => (await generated()).includes('set-alpha'));
  await allAt(['one', 'two', 'three'], third);
});
