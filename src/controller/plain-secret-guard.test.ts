import assert from 'node:assert/strict';
import { test } from 'node:test';
import { application, cm, harness } from '../../test/support/reconciler-harness.js';
import type { Application } from '../api/application.js';
import type { KubeObject } from '../api/object.js';
import type { PlainSecret } from '../secrets/plain-secrets.js';
import { plainSecretVerdict } from './plain-secret-guard.js';

const found: PlainSecret[] = [{ namespace: 'web', name: 'db', from: 'apps/web/db.yaml', keys: ['password'] }];
const annotated = (value?: string): Application =>
  application(
    {},
    value === undefined
      ? {}
      : {
          metadata: {
            name: 'web',
            namespace: 'trueup-system',
            generation: 1,
            annotations: { 'trueup.dev/deny-plain-secrets': value },
          },
        },
  );

test('plainSecretVerdict: warn unless the controller flag or the annotation "true" denies; "false" cannot relax the flag', () => {
  const cases: [string, PlainSecret[], string | undefined, boolean, string][] = [
    ['nothing found', [], 'true', true, 'none'],
    ['found, no flag, no annotation', found, undefined, false, 'warn'],
    ['found, annotation false', found, 'false', false, 'warn'],
    ['found, annotation true', found, 'true', false, 'deny'],
    ['found, controller flag', found, undefined, true, 'deny'],
    ['found, controller flag, annotation false', found, 'false', true, 'deny'],
  ];
  for (const [name, list, annotation, flag, kind] of cases) {
    const v = plainSecretVerdict(list, annotated(annotation), flag);
    assert.equal(v.kind, kind, name);
    if (v.kind !== 'none') {
      assert.match(
        v.message,
        /1 Secret\(s\) from Git hold data in cleartext .*Secret web\/db \(from apps\/web\/db\.yaml; key password\)/,
        name,
      );
      if (v.kind === 'deny')
        assert.match(v.message, flag ? /--deny-plain-secrets/ : /deny-plain-secrets: "true"/, name);
    }
  }
});

const auto = { syncPolicy: { automated: { prune: true, selfHeal: true } } };
const secret = (name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'web' },
  data,
});
const CANARY = Buffer.from('canary-plain-7d1e').toString('base64');

test('warn: a plain Secret is synced with one Warning event and the PlainSecret condition, cleared once Git has none', async () => {
  const h = harness(application(auto));
  h.git.commit('main', 'c1', [cm('one'), secret('db', { password: CANARY }), secret('empty', { a: '' })]);
  await h.run();
  assert.deepEqual(h.cluster.applies.sort(), ['/ConfigMap/web/one', '/Secret/web/db', '/Secret/web/empty']);
  const c = h.condition('PlainSecret');
  assert.equal(c?.status, 'True');
  assert.equal(c?.reason, 'PlainSecretInGit');
  assert.match(
    c?.message ?? '',
    /^1 Secret\(s\) from Git hold data in cleartext \(not SOPS-encrypted\): Secret web\/db \(key password\)$/,
  );
  assert.equal(h.condition('Ready')?.status, 'True');
  await h.clock.advance(200_000);
  await h.run();
  const warnings = h.writer.events.filter((e) => e.startsWith('Warning PlainSecret'));
  assert.equal(warnings.length, 1, h.writer.events.join('\n'));
  assert.doesNotMatch(JSON.stringify([h.writer.events, h.writer.app.status]), /canary|Y2FuYXJ5/);

  h.git.commit('main', 'c2', [cm('one'), secret('empty', { a: '' })]);
  await h.clock.advance(200_000);
  await h.run();
  assert.equal(h.condition('PlainSecret'), undefined);
  assert.equal(h.condition('Ready')?.status, 'True');
});

for (const [name, app, deps] of [
  ['the annotation "true"', annotated('true'), {}],
  ['--deny-plain-secrets, with the annotation "false"', annotated('false'), { denyPlainSecrets: true }],
] as const)
  test(`deny (${name}): nothing applied or pruned, the app Stalled naming the Secret`, async () => {
    const h = harness({ ...app, spec: { ...app.spec, ...auto } }, deps);
    h.git.commit('main', 'c1', [cm('one'), cm('two')]);
    await h.run();
    assert.equal(h.writer.app.status?.sync?.status, 'Synced');
    const applies = h.cluster.applies.length;
    // c2 adds a plain Secret and drops `two`: neither the apply nor the prune may happen
    h.git.commit('main', 'c2', [cm('one', { a: '2' }), secret('db', { password: CANARY })]);
    await h.clock.advance(200_000);
    await h.run();
    assert.equal(h.cluster.applies.length, applies);
    assert.deepEqual(h.cluster.deletes, []);
    assert.equal(h.cluster.plans, 1);
    const s = h.writer.app.status;
    assert.equal(s?.sync?.status, 'Unknown');
    assert.equal(s?.sync?.syncedRevision, 'c1');
    assert.deepEqual(
      s?.resources?.map((r) => r.name),
      ['one', 'two'],
    );
    assert.equal(h.condition('Stalled')?.status, 'True');
    assert.equal(h.condition('Ready')?.reason, 'PlainSecretDenied');
    assert.match(
      h.condition('Ready')?.message ?? '',
      /sync refused .*Secret web\/db \(key password\); nothing applied or pruned/,
    );
    assert.equal(h.condition('PlainSecret')?.reason, 'PlainSecretDenied');
    await h.clock.advance(200_000);
    await h.run();
    assert.equal(h.writer.events.filter((e) => e.startsWith('Warning PlainSecret')).length, 1);
    assert.doesNotMatch(JSON.stringify([h.writer.events, s]), /canary|Y2FuYXJ5/);
  });

test('an annotation value other than "true" or "false" is an invalid spec, not ignored', async () => {
  const h = harness(annotated('yes'));
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  assert.equal(h.condition('Stalled')?.reason, 'InvalidSpec');
  assert.match(
    h.condition('Stalled')?.message ?? '',
    /trueup\.dev\/deny-plain-secrets: "yes" is neither "true" nor "false"/,
  );
  assert.deepEqual(h.cluster.applies, []);
});
