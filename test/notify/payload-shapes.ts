/**
 * The documented shapes of the payloads trueup sends, as assertions: required fields and types
 * of a Slack incoming-webhook message (text + Block Kit), a Teams message with an Adaptive Card
 * attachment, and trueup's generic webhook body. Used by the unit tests and the receiver test.
 */
import assert from 'node:assert/strict';

/** Slack incoming webhooks: `text` (string, required as the fallback) and Block Kit blocks. */
export function assertSlackShape(body: unknown): void {
  const b = body as Record<string, unknown>;
  assert.equal(typeof b.text, 'string');
  assert.ok((b.text as string).length > 0);
  assert.ok(Array.isArray(b.blocks) && b.blocks.length <= 50, 'blocks: an array of at most 50');
  for (const block of b.blocks as Record<string, unknown>[]) {
    assert.ok(['section', 'context'].includes(block.type as string), `block type ${block.type}`);
    if (block.type === 'section') {
      const t = block.text as Record<string, unknown>;
      assert.ok(['mrkdwn', 'plain_text'].includes(t.type as string));
      assert.ok(typeof t.text === 'string' && t.text.length <= 3000, 'section text at most 3000 characters');
    } else {
      const elements = block.elements as Record<string, unknown>[];
      assert.ok(elements.length >= 1 && elements.length <= 10, 'context: 1..10 elements');
      for (const e of elements) assert.ok(['mrkdwn', 'plain_text'].includes(e.type as string));
    }
  }
}

/** Teams incoming webhook / Workflows: a message with Adaptive Card attachments. */
export function assertTeamsShape(body: unknown): void {
  const b = body as Record<string, unknown>;
  assert.equal(b.type, 'message');
  const attachments = b.attachments as Record<string, unknown>[];
  assert.equal(attachments.length, 1);
  const a = attachments[0] as Record<string, unknown>;
  assert.equal(a.contentType, 'application/vnd.microsoft.card.adaptive');
  const card = a.content as Record<string, unknown>;
  assert.equal(card.type, 'AdaptiveCard');
  assert.match(card.version as string, /^1\.[0-5]$/);
  assert.ok(Array.isArray(card.body) && card.body.length > 0);
  for (const el of card.body as Record<string, unknown>[]) {
    if (el.type === 'TextBlock') assert.equal(typeof el.text, 'string');
    else if (el.type === 'FactSet')
      for (const f of el.facts as Record<string, unknown>[]) {
        assert.equal(typeof f.title, 'string');
        assert.equal(typeof f.value, 'string');
      }
    else assert.fail(`unexpected card element ${el.type}`);
  }
  for (const action of (card.actions ?? []) as Record<string, unknown>[]) {
    assert.equal(action.type, 'Action.OpenUrl');
    assert.match(action.url as string, /^https?:\/\//);
  }
}

/** trueup's generic webhook body (README: "Generic webhook body"). */
export function assertWebhookShape(body: unknown): void {
  const b = body as Record<string, unknown>;
  assert.equal(b.apiVersion, 'trueup.dev/v1alpha1');
  assert.equal(b.kind, 'NotificationEvent');
  for (const k of ['event', 'revision', 'shortRevision', 'detail', 'message', 'timestamp'])
    assert.equal(typeof b[k], 'string', k);
  const app = b.application as Record<string, unknown>;
  assert.equal(typeof app.namespace, 'string');
  assert.equal(typeof app.name, 'string');
  const source = b.source as Record<string, unknown>;
  assert.equal(typeof source.repoURL, 'string');
}
