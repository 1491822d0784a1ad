import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig, parseDuration } from './config.js';

test('defaults: 3 minute requeue, all namespaces, leader election off', () => {
  const c = loadConfig({}, { HOME: '/home/x' });
  assert.equal(c.requeueInterval, 180_000);
  assert.deepEqual(c.namespaces, []);
  assert.equal(c.leaderElection.enabled, false);
  assert.equal(c.cacheDir, '/home/x/.cache/trueup/git');
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.limits) && Object.isFrozen(c.namespaces));
});

test('flags win over the environment, which wins over defaults', () => {
  const c = loadConfig(
    { concurrency: '4', leaderElect: true },
    { TRUEUP_CONCURRENCY: '8', TRUEUP_REQUEUE_INTERVAL: '30s', TRUEUP_NAMESPACES: 'a, b,' },
  );
  assert.equal(c.concurrency, 4);
  assert.equal(c.requeueInterval, 30_000);
  assert.deepEqual(c.namespaces, ['a', 'b']);
  assert.equal(c.leaderElection.enabled, true);
});

test('bad values are refused naming the setting', () => {
  assert.throws(() => loadConfig({ concurrency: '0' }), /concurrency/);
  assert.throws(() => loadConfig({}, { TRUEUP_REQUEUE_INTERVAL: 'soon' }), /requeueInterval/);
  assert.throws(() => loadConfig({ requeueInterval: '10ms' }), /below 1s/);
  assert.throws(() => loadConfig({ leaderElect: 'maybe' }), /leaderElect/);
});

test('durations', () => {
  assert.equal(parseDuration('250ms', 'x'), 250);
  assert.equal(parseDuration('1.5s', 'x'), 1500);
  assert.equal(parseDuration('3m', 'x'), 180_000);
  assert.equal(parseDuration('2h', 'x'), 7_200_000);
  assert.equal(parseDuration('42', 'x'), 42);
});

test('sharding: count, explicit shard, and range check', () => {
  assert.equal(loadConfig({}).shards, 1);
  assert.equal(loadConfig({}).shard, undefined);
  const c = loadConfig({}, { TRUEUP_SHARDS: '3', TRUEUP_SHARD: '2', POD_NAME: 'trueup-controller-5' });
  assert.deepEqual([c.shards, c.shard, c.podName], [3, 2, 'trueup-controller-5']);
  assert.throws(() => loadConfig({ shards: '2', shard: '2' }), /shard: 2 is outside 0\.\.1/);
});

test('webhook: refused without a secret by default; --webhook-insecure opts in; both set is refused', () => {
  const d = loadConfig({});
  assert.deepEqual([d.webhookSecret, d.webhookInsecure], ['', false]);
  assert.equal(loadConfig({ webhookInsecure: true }).webhookInsecure, true);
  assert.equal(loadConfig({}, { TRUEUP_WEBHOOK_INSECURE: 'true' }).webhookInsecure, true);
  assert.equal(loadConfig({}, { TRUEUP_WEBHOOK_SECRET: 's' }).webhookSecret, 's');
  assert.throws(
    () => loadConfig({ webhookInsecure: true }, { TRUEUP_WEBHOOK_SECRET: 'never-shown' }),
    (err: Error) =>
      /webhookInsecure: set together with a webhook secret/.test(err.message) &&
      !err.message.includes('never-shown'),
  );
  assert.throws(() => loadConfig({}, { TRUEUP_WEBHOOK_INSECURE: 'perhaps' }), /webhookInsecure/);
});

test('deny plain secrets: off by default; the flag or TRUEUP_DENY_PLAIN_SECRETS turns it on; a non-boolean is refused', () => {
  assert.equal(loadConfig({}).denyPlainSecrets, false);
  assert.equal(loadConfig({ denyPlainSecrets: true }).denyPlainSecrets, true);
  assert.equal(loadConfig({}, { TRUEUP_DENY_PLAIN_SECRETS: 'true' }).denyPlainSecrets, true);
  assert.throws(() => loadConfig({}, { TRUEUP_DENY_PLAIN_SECRETS: 'maybe' }), /denyPlainSecrets: "maybe"/);
});

test('liveness stall timeout: 15 minutes by default, at least a minute', () => {
  assert.equal(loadConfig({}).stallTimeout, 900_000);
  assert.equal(loadConfig({}, { TRUEUP_STALL_TIMEOUT: '5m' }).stallTimeout, 300_000);
  assert.throws(() => loadConfig({ stallTimeout: '30s' }), /stallTimeout: 30000ms is below 1m/);
});

test('render budgets: generous defaults, set by flag or environment; the old per-file limit is refused', () => {
  const d = loadConfig({}, {});
  assert.equal(d.limits.maxTreeBytes, 1 << 30);
  assert.equal(d.limits.renderMaxAliasNodes, 1_000_000);
  assert.equal(d.limits.renderTimeout, 300_000);
  const c = loadConfig(
    { renderTimeout: '30s' },
    { TRUEUP_MAX_TREE_BYTES: '1000', TRUEUP_RENDER_MAX_ALIAS_NODES: '5', TRUEUP_RENDER_TIMEOUT: '1h' },
  );
  assert.deepEqual(
    [c.limits.maxTreeBytes, c.limits.renderMaxAliasNodes, c.limits.renderTimeout],
    [1000, 5, 30_000],
  );
  assert.throws(() => loadConfig({}, { TRUEUP_MAX_FILE_BYTES: '100' }), /maxFileBytes.*is gone/);
});

test('notifications: on by default, off by flag or environment; the UI URL must be http(s)', () => {
  const d = loadConfig();
  assert.deepEqual([d.notifications, d.uiUrl], [true, '']);
  assert.equal(loadConfig({ notifications: false }).notifications, false);
  assert.equal(loadConfig({}, { TRUEUP_NOTIFICATIONS: 'false' }).notifications, false);
  assert.equal(loadConfig({}, { TRUEUP_UI_URL: 'https://trueup.example' }).uiUrl, 'https://trueup.example');
  assert.throws(
    () => loadConfig({ uiUrl: 'trueup.example' }),
    /uiUrl: "trueup.example" is not an http\(s\) URL/,
  );
});

test('ui: off by default; address from the flag or TRUEUP_UI_ADDRESS; TLS files both or neither, and only with an address', () => {
  assert.equal(loadConfig().uiAddress, '');
  assert.equal(loadConfig({}, { TRUEUP_UI_ADDRESS: '0.0.0.0:8081' }).uiAddress, '0.0.0.0:8081');
  const tls = loadConfig({ uiAddress: ':8443', uiTlsCertFile: 'c.pem', uiTlsKeyFile: 'k.pem' });
  assert.deepEqual([tls.uiTlsCertFile, tls.uiTlsKeyFile], ['c.pem', 'k.pem']);
  assert.throws(
    () => loadConfig({ uiAddress: ':8443', uiTlsCertFile: 'c.pem' }),
    /set both \(HTTPS\) or neither/,
  );
  assert.throws(
    () => loadConfig({ uiTlsCertFile: 'c.pem', uiTlsKeyFile: 'k.pem' }),
    /set without uiAddress \(the UI is off\)/,
  );
});
