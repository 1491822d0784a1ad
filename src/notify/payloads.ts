/**
 * The request bodies of the message providers, each as its service documents it:
 * - Slack incoming webhook: `text` (the fallback, required) plus Block Kit `blocks`.
 * - Microsoft Teams (incoming webhook / Workflows): a `message` with one Adaptive Card attachment.
 * - Generic webhook: trueup's own JSON (README: "Generic webhook body"), signed with
 *   HMAC-SHA256 over the exact body bytes in `X-Trueup-Signature-256: sha256=<hex>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationFacts } from './message.js';
import { titleOf } from './message.js';

export const SIGNATURE_HEADER = 'x-trueup-signature-256';
export const EVENT_HEADER = 'x-trueup-event';

const FAILING = new Set(['SyncFailed', 'Degraded', 'PruneBlocked', 'OutOfSync']);

// Slack: a section's text is at most 3000 characters; the fallback text has no hard limit but
// long ones are truncated by clients.
const SLACK_SECTION_MAX = 3000;

export function slackPayload(f: NotificationFacts, message: string): Record<string, unknown> {
  const context = [`*${f.event}*`, `revision \`${f.shortRevision}\``, `${f.app.namespace}/${f.app.name}`];
  if (f.url) context.push(`<${f.url}|open in trueup>`);
  return {
    text: titleOf(f),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: message.slice(0, SLACK_SECTION_MAX) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] },
    ],
  };
}

export function teamsPayload(f: NotificationFacts, message: string): Record<string, unknown> {
  const card: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      {
        type: 'TextBlock',
        text: titleOf(f),
        weight: 'Bolder',
        size: 'Medium',
        wrap: true,
        color: FAILING.has(f.event) ? 'Attention' : 'Good',
      },
      { type: 'TextBlock', text: message, wrap: true },
      {
        type: 'FactSet',
        facts: [
          { title: 'Application', value: `${f.app.namespace}/${f.app.name}` },
          { title: 'Event', value: f.event },
          { title: 'Revision', value: f.revision },
          { title: 'Source', value: `${f.repoURL} ${f.path}` },
        ],
      },
    ],
  };
  if (f.url) card.actions = [{ type: 'Action.OpenUrl', title: 'Open in trueup', url: f.url }];
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}

/** The generic webhook body (stable: documented in the README). */
export function webhookPayload(f: NotificationFacts, message: string): Record<string, unknown> {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'NotificationEvent',
    event: f.event,
    application: { namespace: f.app.namespace, name: f.app.name, labels: f.app.labels },
    revision: f.revision,
    shortRevision: f.shortRevision,
    source: { repoURL: f.repoURL, path: f.path },
    detail: f.detail,
    message,
    ...(f.url ? { url: f.url } : {}),
    timestamp: f.timestamp,
  };
}

/** `sha256=<hex>` of HMAC-SHA256(key, body). */
export function signBody(key: string, body: string): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

/** Constant-time check of a signature header against the body (for receivers and tests). */
export function verifySignature(key: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(signBody(key, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}
