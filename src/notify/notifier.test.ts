/** Commit states through the notifier: what is posted, and what status.notifications remembers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../test/support/fake-clock.js';
import type { Application, ApplicationStatus } from '../api/application.js';
import type { NotificationProvider, NotificationRule } from '../api/notification.js';
import type { Delivered } from '../api/notification-status.js';
import { DeliveryQueue } from './delivery.js';
import type { HttpClient } from './http.js';
import { Notifier } from './notifier.js';

const REV = 'c'.repeat(40);

const provider: NotificationProvider = {
  apiVersion: 'trueup.dev/v1alpha1',
  kind: 'NotificationProvider',
  metadata: { name: 'forge', namespace: 'ns' },
  spec: { type: 'gitea', address: 'http://forge.invalid', secretRef: { name: 'tok' } },
};
const rule: NotificationRule = {
  apiVersion: 'trueup.dev/v1alpha1',
  kind: 'NotificationRule',
  metadata: { name: 'r', namespace: 'ns' },
  spec: { events: ['SyncSucceeded', 'SyncFailed', 'Healthy', 'Degraded'], providers: [{ name: 'forge' }] },
};
const app = (status?: ApplicationStatus): Application =>
  ({
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'web', namespace: 'ns' },
    spec: {
      source: { repoURL: 'http://forge.invalid/org/config.git', path: 'app', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc' },
    },
    ...(status ? { status } : {}),
  }) as Application;
const at = (health: string): ApplicationStatus =>
  ({
    sync: { status: 'Synced', revision: REV, syncedRevision: REV },
    health: { status: health },
  }) as ApplicationStatus;

function forge(records: Delivered[][]) {
  const posted: string[] = [];
  // The forge remembers what was posted: the duplicate check reads it back.
  const http: HttpClient = async (req) => {
    if (req.method === 'GET')
      return {
        status: 200,
        headers: {},
        body: JSON.stringify(
          posted.map((state, i) => ({ id: i + 1, context: 'trueup/ns/web', status: state })).reverse(),
        ),
      };
    assert.equal(req.url, `http://forge.invalid/api/v1/repos/org/config/statuses/${REV}`);
    assert.equal(req.headers.authorization, 'token T');
    posted.push(JSON.parse(req.body ?? '{}').state);
    return { status: 201, headers: {}, body: '{}' };
  };
  const clock = new FakeClock();
  const queue = new DeliveryQueue({ clock, ratePerMinute: () => 600 });
  const notifier = new Notifier({
    rules: () => [rule],
    provider: () => provider,
    secret: async () => ({ token: 'T' }),
    http,
    queue,
    record: async (_ns, _name, list) => {
      records.push(structuredClone(list));
    },
    event: async () => {},
    clock,
    log: { warn() {}, debug() {} },
  });
  return { posted, queue, notifier };
}

test('commit states: pending, success, failure on degradation, success again once healthy; a restart posts nothing', async () => {
  const records: Delivered[][] = [];
  const f = forge(records);
  f.notifier.syncStarting(app(at('Healthy')), REV);
  const synced = {
    ...at('Healthy'),
    operationState: { phase: 'Succeeded', message: 'synced' },
  } as ApplicationStatus;
  f.notifier.passed(app(), synced, { revision: REV, syncPhase: 'Succeeded' });
  await f.queue.idle();
  assert.deepEqual(
    f.posted,
    ['pending', 'success'],
    'SyncSucceeded and Healthy both mean success: posted once',
  );
  f.notifier.passed(app(at('Healthy')), at('Degraded'), { revision: REV });
  await f.queue.idle();
  f.notifier.passed(app(at('Degraded')), at('Healthy'), { revision: REV });
  await f.queue.idle();
  assert.deepEqual(f.posted, ['pending', 'success', 'failure', 'success']);
  const last = records.at(-1) ?? [];
  assert.deepEqual(
    last.map((d) => `${d.provider} ${d.event} ${d.key}`),
    [`ns/forge commit-status success@${REV}`],
  );

  // A restarted controller, seeded from status.notifications: the same state is not queued.
  const again = forge([]);
  again.notifier.passed(app({ ...at('Degraded'), notifications: last }), at('Healthy'), { revision: REV });
  await again.queue.idle();
  assert.deepEqual(again.posted, []);
  assert.equal(again.queue.pending, 0);
});
