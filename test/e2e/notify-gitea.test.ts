/**
 * Commit statuses on a real Gitea (built from its Go module by test/gitea/build.sh) from a
 * controller on the real control plane: trueup syncs an Application from Gitea's HTTP Git URL,
 * and a NotificationProvider of type gitea posts `pending` then `success` for context
 * trueup/<namespace>/<app> on the synced commit; a broken commit gets `failure`; a restarted
 * controller posts nothing new for a revision and state it already delivered (it reads
 * status.notifications back before queueing anything).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Application } from '../../src/api/application.js';
import type { Controller } from '../../src/controller/controller.js';
import type { DeliveryResult } from '../../src/notify/delivery.js';
import { createNotifications, type Notifications } from '../../src/notify/start.js';
import { systemClock } from '../../src/runtime/clock.js';
import { startGitea } from '../gitea/gitea.js';
import { testNamespace } from '../support/cluster.js';
import { gitCli, TestRepo } from '../support/git-server.js';
import { appManifest, configMap, e2eEnv, waitFor, yaml } from './support.js';

const env = await e2eEnv('notify');
const gitea = await startGitea();
after(() => gitea.stop());
const work = await mkdtemp(join(tmpdir(), 'trueup-notify-work-'));
after(() => rm(work, { recursive: true, force: true }));

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** A controller with notifications, as `trueup controller` wires them; stop() stops both. */
async function controllerWithNotifications(counted: [string, DeliveryResult][]) {
  const notifications: Notifications = createNotifications({
    client: env.client,
    clock: systemClock,
    random: Math.random,
    log: quiet,
    namespaces: [env.appNs],
    event: async () => {},
    count: (provider, _type, result) => counted.push([provider, result]),
    uiUrl: 'https://trueup.example',
  });
  await notifications.start();
  const n = notifications.notifier;
  let passes = 0;
  // Counts the passes that reached the notifier, so a test knows the controller has looked.
  const controller: Controller = await env.controller({
    notify: {
      syncStarting: (app, revision) => n.syncStarting(app, revision),
      passed: (app, status, info) => {
        passes++;
        n.passed(app, status, info);
      },
      forget: (key) => n.forget(key),
    },
  });
  return {
    notifications,
    passes: () => passes,
    async stop() {
      await controller.stop();
      await notifications.queue.idle();
      await notifications.stop();
    },
  };
}

test('gitea commit status: pending then success on a synced commit, failure on a broken one, nothing new after a restart', async () => {
  const dest = await testNamespace('notify-dest');
  const giteaRepo = await gitea.createRepo('config');
  await gitCli(work, 'init', '-q', '-b', 'main');
  const repo = new TestRepo(work, giteaRepo.pushUrl);
  const good = await repo.commit({ 'app/cm.yaml': configMap('settings', { level: 'one' }) }, 'first');

  await env.kubectl(
    ['apply', '-n', env.appNs, '-f', '-'],
    yaml({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'gitea-token' },
          stringData: { token: gitea.token },
        },
        {
          apiVersion: 'trueup.dev/v1alpha1',
          kind: 'NotificationProvider',
          metadata: { name: 'gitea' },
          spec: { type: 'gitea', address: gitea.url, secretRef: { name: 'gitea-token' } },
        },
        {
          apiVersion: 'trueup.dev/v1alpha1',
          kind: 'NotificationRule',
          metadata: { name: 'commit-status' },
          spec: {
            events: ['SyncSucceeded', 'SyncFailed', 'Healthy', 'Degraded'],
            providers: [{ name: 'gitea' }],
          },
        },
      ],
    }),
  );
  const counted: [string, DeliveryResult][] = [];
  const first = await controllerWithNotifications(counted);
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(appManifest('web', env.appNs, giteaRepo.cloneUrl, 'app', dest)),
  );
  const context = `trueup/${env.appNs}/web`;
  const states = async (sha: string) =>
    (await gitea.commitStatuses(giteaRepo, sha)).filter((s) => s.context === context).map((s) => s.status);

  await waitFor('success on the first commit', async () => (await states(good)).includes('success'), 120_000);
  assert.deepEqual(await states(good), ['pending', 'success'], 'pending while the sync ran, then success');
  const posted = (await gitea.commitStatuses(giteaRepo, good)).at(-1);
  assert.equal(posted?.target_url, `https://trueup.example/applications/${env.appNs}/web`);
  assert.match(posted?.description ?? '', /synced at/);

  // A broken commit: the API server refuses the object (an invalid name), so the sync fails.
  const broken = await repo.commit({ 'app/bad.yaml': configMap('Not_A_Valid_Name', { a: 'b' }) }, 'broken');
  // A push without a webhook: ask for the refresh the webhook would have brought.
  await env.kubectl(['annotate', '-n', env.appNs, 'tapp/web', 'trueup.dev/refresh=normal', '--overwrite']);
  await waitFor(
    'failure on the broken commit',
    async () => {
      if ((await states(broken)).includes('failure')) return true;
      const app = await env.app('web');
      throw new Error(
        `app: ${JSON.stringify({ sync: app?.status?.sync, conditions: app?.status?.conditions })}`,
      );
    },
    120_000,
  );
  assert.equal((await states(broken)).at(-1), 'failure');
  assert.ok(!(await states(broken)).includes('success'));

  // Delivered state is on the app's status: a restarted controller reads it and queues nothing.
  await waitFor('status.notifications recorded', async () => {
    const app = (await env.app('web')) as Application | undefined;
    const n = app?.status?.notifications ?? [];
    return n.some((d) => d.event === 'commit-status' && d.key === `failure@${broken}`);
  });
  await first.stop();
  const before = { good: await states(good), broken: await states(broken) };
  const afterRestart: [string, DeliveryResult][] = [];
  const second = await controllerWithNotifications(afterRestart);
  // The restarted controller reconciles every app once at start (no refresh: a refresh would
  // rightly run a new sync attempt, which posts pending again).
  await waitFor('a pass of the restarted controller', async () => second.passes() > 0);
  await second.notifications.queue.idle();
  const now = { good: await states(good), broken: await states(broken) };
  assert.deepEqual(now, before, 'no new commit status after the restart');
  assert.deepEqual(afterRestart, [], 'nothing queued: not even a duplicate check against the API');
  await second.stop();
  assert.ok(counted.some(([p, r]) => p === `${env.appNs}/gitea` && r === 'sent'));
});
