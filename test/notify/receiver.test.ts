/**
 * Notifications end to end over real HTTP, without a cluster: the notifier and its delivery
 * queue post to a local receiver, which checks each body against the service's documented shape
 * and the webhook's HMAC signature; a receiver answering 500 then 200 gets one delivery, and a
 * 429's Retry-After is waited (on a manual clock: no timing assertions). Webhook URLs (secrets)
 * never reach logs or events.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Application, ApplicationStatus } from '../../src/api/application.js';
import type { NotificationProvider, NotificationRule, ProviderType } from '../../src/api/notification.js';
import type { Delivered } from '../../src/api/notification-status.js';
import { DeliveryQueue, type DeliveryResult } from '../../src/notify/delivery.js';
import { nodeHttpClient } from '../../src/notify/http.js';
import { Notifier, type TemplateRenderer } from '../../src/notify/notifier.js';
import { SIGNATURE_HEADER, verifySignature } from '../../src/notify/payloads.js';
import { goTemplateRenderer } from '../../src/notify/templates.js';
import { FakeClock } from '../support/fake-clock.js';
import { sharedEngine } from '../support/helm.js';
import { eventually } from '../support/wait.js';
import { assertSlackShape, assertTeamsShape, assertWebhookShape } from './payload-shapes.js';

const SECRET_PATH = 'T0KEN-s3cr3t-path';
const HMAC_KEY = 'hmac-key-for-tests';
const REV = '0123456789abcdef0123456789abcdef01234567';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** path → the answers it gives in turn (the last one repeats). */
const answers = new Map<string, { status: number; headers?: Record<string, string> }[]>();
const received: Received[] = [];
let server: Server;
let base = '';

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const list = answers.get(req.url ?? '') ?? [];
      const a = list.length > 1 ? list.shift() : list[0];
      res.writeHead(a?.status ?? 200, a?.headers ?? {});
      res.end(a && a.status >= 400 ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const provider = (name: string, type: ProviderType, extra: Partial<NotificationProvider['spec']> = {}) =>
  ({
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'NotificationProvider',
    metadata: { name, namespace: 'apps' },
    spec: { type, secretRef: { name: `${name}-secret` }, ...extra },
  }) as NotificationProvider;

const rule = (providers: string[], events: NotificationRule['spec']['events']): NotificationRule => ({
  apiVersion: 'trueup.dev/v1alpha1',
  kind: 'NotificationRule',
  metadata: { name: 'team', namespace: 'apps' },
  spec: { events, providers: providers.map((name) => ({ name })) },
});

const app = (status?: ApplicationStatus): Application =>
  ({
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'web', namespace: 'apps', labels: { team: 'a' } },
    spec: {
      source: { repoURL: 'https://git.example/org/config.git', path: 'apps/web', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'web' },
    },
    ...(status ? { status } : {}),
  }) as Application;

const failedStatus = (message: string): ApplicationStatus =>
  ({
    sync: { status: 'OutOfSync', revision: REV },
    health: { status: 'Healthy' },
    conditions: [{ type: 'Ready', status: 'False', reason: 'SyncFailed', message, lastTransitionTime: 't' }],
  }) as ApplicationStatus;

function setup(
  providers: NotificationProvider[],
  rules: NotificationRule[],
  secrets: Record<string, Record<string, string>>,
  templates?: TemplateRenderer,
) {
  const clock = new FakeClock();
  const logs: string[] = [];
  const events: string[] = [];
  const counted: [string, string, DeliveryResult][] = [];
  const records: Delivered[][] = [];
  const log = {
    warn: (o: object, m: string) => logs.push(`${m} ${JSON.stringify(o)}`),
    debug: (o: object, m: string) => logs.push(`${m} ${JSON.stringify(o)}`),
  };
  const queue = new DeliveryQueue({
    clock,
    ratePerMinute: () => 600,
    count: (p, t, r) => counted.push([p, t, r]),
    log,
  });
  const notifier = new Notifier({
    rules: () => rules,
    provider: (ns, name) => providers.find((p) => p.metadata.namespace === ns && p.metadata.name === name),
    secret: async (_ns, name) => secrets[name],
    http: nodeHttpClient,
    queue,
    record: async (_ns, _name, delivered) => {
      records.push(structuredClone(delivered));
    },
    event: async (_app, type, reason, message) => {
      events.push(`${type} ${reason} ${message}`);
    },
    uiUrl: 'https://trueup.example',
    clock,
    log,
    ...(templates ? { templates } : {}),
  });
  return { clock, queue, notifier, logs, events, counted, records };
}

test('Slack, Teams and the generic webhook receive documented payloads; the HMAC verifies; restarts do not resend', async () => {
  received.length = 0;
  const providers = [provider('slack', 'slack'), provider('teams', 'msteams'), provider('hook', 'webhook')];
  const secrets = {
    'slack-secret': { address: `${base}/slack/${SECRET_PATH}` },
    'teams-secret': { address: `${base}/teams/${SECRET_PATH}` },
    'hook-secret': { address: `${base}/hook/${SECRET_PATH}`, hmacKey: HMAC_KEY },
  };
  const h = setup(providers, [rule(['slack', 'teams', 'hook'], ['SyncFailed'])], secrets);
  const before = app({ sync: { status: 'Synced', revision: 'b'.repeat(40) }, health: { status: 'Healthy' } });
  const failed = failedStatus(
    'sync of main (0123456) failed after 1 attempt(s): Deployment web/api: invalid',
  );
  h.notifier.passed(before, failed, { syncPhase: 'Failed' });
  await h.queue.idle();

  const by = (prefix: string) => received.filter((r) => r.path.startsWith(prefix));
  assert.equal(received.length, 3);
  const slack = by('/slack/')[0] as Received;
  assertSlackShape(JSON.parse(slack.body));
  assert.match(JSON.parse(slack.body).text, /apps\/web: sync failed at 0123456/);
  const teams = by('/teams/')[0] as Received;
  assertTeamsShape(JSON.parse(teams.body));
  const hook = by('/hook/')[0] as Received;
  assert.equal(hook.headers['content-type'], 'application/json');
  assertWebhookShape(JSON.parse(hook.body));
  assert.equal(JSON.parse(hook.body).event, 'SyncFailed');
  assert.equal(JSON.parse(hook.body).url, 'https://trueup.example/applications/apps/web');
  assert.equal(hook.headers['x-trueup-event'], 'SyncFailed');
  assert.equal(verifySignature(HMAC_KEY, hook.body, hook.headers[SIGNATURE_HEADER] as string), true);
  assert.equal(verifySignature('wrong', hook.body, hook.headers[SIGNATURE_HEADER] as string), false);
  assert.equal(slack.headers[SIGNATURE_HEADER], undefined, 'only the generic webhook is signed');

  // Recorded on status: the latest per provider and event.
  const last = h.records.at(-1) ?? [];
  assert.deepEqual(
    last.map((d) => `${d.provider} ${d.event} ${d.key}`).sort(),
    ['apps/hook SyncFailed', 'apps/slack SyncFailed', 'apps/teams SyncFailed'].map((s) => `${s} ${REV}`),
  );
  assert.deepEqual(
    h.counted.map((c) => c[2]),
    ['sent', 'sent', 'sent'],
  );

  // The same pass again (this process): nothing new.
  h.notifier.passed(before, failed, { syncPhase: 'Failed' });
  await h.queue.idle();
  assert.equal(received.length, 3);

  // A restarted controller reads status.notifications back: nothing new either.
  const restarted = setup(providers, [rule(['slack', 'teams', 'hook'], ['SyncFailed'])], secrets);
  restarted.notifier.passed({ ...before, status: { ...before.status, notifications: last } }, failed, {
    syncPhase: 'Failed',
  });
  await restarted.queue.idle();
  assert.equal(received.length, 3);

  const everything = [...h.logs, ...h.events, ...restarted.logs, ...JSON.stringify(h.records)].join('\n');
  assert.ok(!everything.includes(SECRET_PATH), 'webhook URLs never in logs, events or status');
});

test('a receiver answering 500 then 200 gets one delivery; 429 waits its Retry-After', async () => {
  received.length = 0;
  answers.set(`/flaky/${SECRET_PATH}`, [{ status: 500 }, { status: 200 }]);
  answers.set(`/busy/${SECRET_PATH}`, [{ status: 429, headers: { 'retry-after': '7' } }, { status: 200 }]);
  const providers = [provider('flaky', 'webhook'), provider('busy', 'slack')];
  const h = setup(providers, [rule(['flaky', 'busy'], ['SyncFailed'])], {
    'flaky-secret': { address: `${base}/flaky/${SECRET_PATH}` },
    'busy-secret': { address: `${base}/busy/${SECRET_PATH}` },
  });
  h.notifier.passed(app(), failedStatus('sync failed'), { syncPhase: 'Failed' });

  // Both first answers arrive; each lane then waits on the manual clock.
  await eventually(
    'both providers tried once',
    async () => received.length === 2 && h.clock.pending().length === 2,
  );
  assert.deepEqual(h.clock.pending(), [1000, 7000], 'back-off 1 s for the 500; Retry-After 7 s for the 429');
  await h.clock.advance(1000);
  await eventually('the flaky receiver retried', async () => received.length === 3);
  assert.equal(received.filter((r) => r.path.startsWith('/busy/')).length, 1, 'no resend before Retry-After');
  await h.clock.advance(6000);
  await h.queue.idle();
  const paths = received.map((r) => r.path.split('/')[1]);
  assert.deepEqual(paths.sort(), ['busy', 'busy', 'flaky', 'flaky']);
  // One delivery each: the retried bodies are the same event, recorded once.
  const results = h.counted.map((c) => `${c[0]} ${c[2]}`).sort();
  assert.deepEqual(results, ['apps/busy retried', 'apps/busy sent', 'apps/flaky retried', 'apps/flaky sent']);
  assert.equal(h.records.length, 2);
  assert.ok(!h.logs.join('\n').includes(SECRET_PATH), 'retry logs name the provider, not its URL');
});

test('a 4xx is not retried and becomes a Warning event on the app', async () => {
  received.length = 0;
  answers.set(`/gone/${SECRET_PATH}`, [{ status: 404 }]);
  const h = setup([provider('gone', 'msteams')], [rule(['gone'], ['SyncFailed'])], {
    'gone-secret': { address: `${base}/gone/${SECRET_PATH}` },
  });
  h.notifier.passed(app(), failedStatus('sync failed'), { syncPhase: 'Failed' });
  await h.queue.idle();
  await eventually('the event', async () => h.events.length === 1);
  assert.equal(received.length, 1);
  assert.match(
    h.events[0] ?? '',
    /^Warning NotificationFailed SyncFailed at 0123.* NotificationProvider apps\/gone failed: .*HTTP 404/,
  );
  assert.ok(!h.events[0]?.includes(SECRET_PATH));
  assert.deepEqual(h.records, [], 'a failed delivery is not recorded as delivered');
});

test("a rule's template is evaluated by the Helm engine; a broken one fails with the rule's name", async () => {
  received.length = 0;
  const templated = {
    ...rule(['hook'], ['SyncFailed']),
    spec: {
      ...rule(['hook'], ['SyncFailed']).spec,
      template:
        '{{ .app.name }} {{ .event }} at {{ .shortRevision }} in {{ upper .app.namespace }}{{ if .url }} ({{ .url }}){{ end }}',
    },
  };
  const broken = {
    ...rule(['other'], ['SyncFailed']),
    metadata: { name: 'broken', namespace: 'apps' },
    spec: { ...rule(['other'], ['SyncFailed']).spec, template: '{{ .app.nmae }}' },
  };
  const h = setup(
    [provider('hook', 'webhook'), provider('other', 'webhook')],
    [templated, broken],
    {
      'hook-secret': { address: `${base}/tmpl/${SECRET_PATH}` },
      'other-secret': { address: `${base}/broken/${SECRET_PATH}` },
    },
    goTemplateRenderer(sharedEngine),
  );
  h.notifier.passed(app(), failedStatus('sync failed'), { syncPhase: 'Failed' });
  await h.queue.idle();
  await eventually('the failure event', async () => h.events.length === 1);
  assert.equal(received.length, 1, 'the broken template sends nothing');
  assert.equal(
    JSON.parse(received[0]?.body ?? '{}').message,
    'web SyncFailed at 0123456 in APPS (https://trueup.example/applications/apps/web)',
  );
  assert.match(h.events[0] ?? '', /NotificationFailed .*NotificationRule apps\/broken: spec.template .*nmae/);
});

test('a rule naming a provider that does not exist says so once, on the app', async () => {
  received.length = 0;
  const h = setup([], [rule(['nowhere'], ['SyncFailed'])], {});
  h.notifier.passed(app(), failedStatus('sync failed'), { syncPhase: 'Failed' });
  h.notifier.passed(app(), failedStatus('sync failed again'), { syncPhase: 'Failed' });
  await eventually('the event', async () => h.events.length === 1);
  assert.match(
    h.events[0] ?? '',
    /^Warning NotificationProviderMissing NotificationRule apps\/team names NotificationProvider apps\/nowhere/,
  );
  assert.equal(h.queue.pending, 0);
  assert.equal(received.length, 0);
});
