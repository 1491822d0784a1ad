import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSlackShape, assertTeamsShape, assertWebhookShape } from '../../test/notify/payload-shapes.js';
import { defaultMessage, factsOf, type NotificationFacts } from './message.js';
import { signBody, slackPayload, teamsPayload, verifySignature, webhookPayload } from './payloads.js';

const REV = '0123456789abcdef0123456789abcdef01234567';

const facts = (ui?: string): NotificationFacts =>
  factsOf({
    namespace: 'trueup-system',
    name: 'web',
    labels: { team: 'a' },
    event: 'SyncFailed',
    revision: REV,
    detail: 'sync of main (0123456) failed after 1 attempt(s): Deployment web/api: invalid',
    repoURL: 'https://git.example/org/config.git',
    path: 'apps/web',
    uiUrl: ui,
    nowIso: '2026-01-01T00:00:00.000Z',
  });

test('defaultMessage: app, event, short commit, what happened, source, and the link when known', () => {
  assert.equal(
    defaultMessage(facts('https://trueup.example/')),
    [
      'trueup-system/web: sync failed at 0123456',
      'sync of main (0123456) failed after 1 attempt(s): Deployment web/api: invalid',
      `source: https://git.example/org/config.git apps/web @ ${REV}`,
      'https://trueup.example/applications/trueup-system/web',
    ].join('\n'),
  );
  assert.equal(defaultMessage(facts()).split('\n').length, 3, 'no UI URL: no link line');
});

test('payloads: each follows its documented shape, with and without a link', () => {
  for (const ui of [undefined, 'https://trueup.example']) {
    const f = facts(ui);
    const message = defaultMessage(f);
    assertSlackShape(slackPayload(f, message));
    assertTeamsShape(teamsPayload(f, message));
    assertWebhookShape(webhookPayload(f, message));
  }
  const teams = teamsPayload(facts('https://trueup.example'), 'm') as {
    attachments: { content: { actions?: unknown[] } }[];
  };
  assert.equal(teams.attachments[0]?.content.actions?.length, 1);
  assert.equal(
    (teamsPayload(facts(), 'm') as { attachments: { content: { actions?: unknown[] } }[] }).attachments[0]
      ?.content.actions,
    undefined,
  );
});

test('slackPayload: a long message is cut to the section limit', () => {
  const body = slackPayload(facts(), 'x'.repeat(5000));
  assertSlackShape(body);
});

test('signBody/verifySignature: HMAC-SHA256 over the exact body', () => {
  const body = JSON.stringify({ a: 1 });
  // echo -n '{"a":1}' | openssl dgst -sha256 -hmac key
  assert.equal(
    signBody('key', body),
    'sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342',
  );
  assert.equal(verifySignature('key', body, signBody('key', body)), true);
  assert.equal(verifySignature('other', body, signBody('key', body)), false);
  assert.equal(verifySignature('key', `${body} `, signBody('key', body)), false);
  assert.equal(verifySignature('key', body, undefined), false);
});
