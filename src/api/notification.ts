/**
 * `NotificationProvider` and `NotificationRule` (trueup.dev/v1alpha1): where the controller
 * reports Application events (chat, a generic webhook, a forge's commit status) and which apps'
 * events go there. The CRDs in crds/ are generated from these schemas (src/api/crds.ts).
 * Field names follow Flux's notification API where one exists (`address`, `secretRef`,
 * `certSecretRef`).
 */
import { z } from 'zod';
import { APP_GROUP, APP_VERSION } from './application.js';

export const PROVIDER_KIND = 'NotificationProvider';
export const RULE_KIND = 'NotificationRule';
export const NOTIFICATION_API_VERSION = `${APP_GROUP}/${APP_VERSION}`;

/** Provider types: chat and webhook ones get messages, forge ones get commit statuses. */
export const ProviderType = {
  Slack: 'slack',
  MSTeams: 'msteams',
  Webhook: 'webhook',
  GitHub: 'github',
  GitLab: 'gitlab',
  Gitea: 'gitea',
} as const;
export type ProviderType = (typeof ProviderType)[keyof typeof ProviderType];
export const PROVIDER_TYPES = Object.values(ProviderType) as [ProviderType, ...ProviderType[]];
export const COMMIT_STATUS_TYPES: readonly ProviderType[] = ['github', 'gitlab', 'gitea'];

/** The Application events a rule can select. */
export const NotificationEvent = {
  SyncSucceeded: 'SyncSucceeded',
  SyncFailed: 'SyncFailed',
  OutOfSync: 'OutOfSync',
  Degraded: 'Degraded',
  Healthy: 'Healthy',
  DriftCorrected: 'DriftCorrected',
  PruneBlocked: 'PruneBlocked',
} as const;
export type NotificationEvent = (typeof NotificationEvent)[keyof typeof NotificationEvent];
export const NOTIFICATION_EVENTS = Object.values(NotificationEvent) as [
  NotificationEvent,
  ...NotificationEvent[],
];

const secretRef = (what: string) =>
  z.object({ name: z.string().min(1).describe("Secret in the provider's namespace.") }).describe(what);

export const ProviderSpecSchema = z
  .object({
    type: z
      .enum(PROVIDER_TYPES)
      .describe(
        'slack (incoming-webhook JSON), msteams (Adaptive Card message), webhook (generic JSON, HMAC-SHA256 signed), github, gitlab, gitea (commit status).',
      ),
    address: z
      .string()
      .regex(/^https?:\/\//, 'must be an http(s) URL')
      .max(2048)
      .optional()
      .describe(
        "slack/msteams/webhook: the URL to POST to (or the Secret's `address`); github/gitlab/gitea: the API base URL (default https://api.github.com and https://gitlab.com; required for gitea).",
      ),
    secretRef: secretRef(
      'The Secret holding `address` (a webhook URL, which wins over spec.address), `token` (forge API token) and/or `hmacKey` (webhook signature key).',
    ).optional(),
    certSecretRef: secretRef(
      "A Secret whose `ca.crt` is trusted (besides the system's CAs) for the provider's TLS connections.",
    ).optional(),
    rateLimit: z
      .int()
      .min(1)
      .max(600)
      .optional()
      .describe('Deliveries per minute to this provider, at most (default 60).'),
    suspend: z.boolean().optional().describe('Deliver nothing while true.'),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: "self.type != 'gitea' || has(self.address)", message: 'gitea needs address (its base URL)' },
    ],
  })
  .refine((s) => s.type !== 'gitea' || s.address !== undefined, {
    message: 'gitea needs address (its base URL)',
  });

export const NotificationProviderSchema = z.object({
  apiVersion: z.literal(NOTIFICATION_API_VERSION),
  kind: z.literal(PROVIDER_KIND),
  metadata: z.object({ name: z.string(), namespace: z.string() }).loose(),
  spec: ProviderSpecSchema,
});

const labelSelector = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(
        z.object({
          key: z.string(),
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
          values: z.array(z.string()).optional(),
        }),
      )
      .optional(),
  })
  .describe('Applications whose labels match (Kubernetes label selector); empty or absent: every app.');

export const RuleSpecSchema = z.object({
  applicationSelector: labelSelector.optional(),
  namespaces: z
    .array(z.string().min(1))
    .optional()
    .describe(
      "Application namespaces watched; absent: the rule's own namespace only; ['*']: every namespace.",
    ),
  events: z
    .array(z.enum(NOTIFICATION_EVENTS))
    .min(1)
    .describe(
      'Events sent: SyncSucceeded, SyncFailed, OutOfSync, Degraded, Healthy, DriftCorrected, PruneBlocked. Commit-status providers post pending when a selected sync starts, success on SyncSucceeded/Healthy once Synced and Healthy, failure on SyncFailed/Degraded.',
    ),
  providers: z
    .array(z.object({ name: z.string().min(1) }))
    .min(1)
    .describe("NotificationProviders in the rule's namespace."),
  template: z
    .string()
    .max(16384)
    .optional()
    .describe(
      'A Go template (Helm functions) for the message text, evaluated with .app, .event, .revision, .shortRevision, .message, .url; default: a summary.',
    ),
  suspend: z.boolean().optional().describe('Send nothing while true.'),
});

export const NotificationRuleSchema = z.object({
  apiVersion: z.literal(NOTIFICATION_API_VERSION),
  kind: z.literal(RULE_KIND),
  metadata: z.object({ name: z.string(), namespace: z.string() }).loose(),
  spec: RuleSpecSchema,
});

export type ProviderSpec = z.infer<typeof ProviderSpecSchema>;
export type NotificationProvider = z.infer<typeof NotificationProviderSchema>;
export type RuleSpec = z.infer<typeof RuleSpecSchema>;
export type NotificationRule = z.infer<typeof NotificationRuleSchema>;
