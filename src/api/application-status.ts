/** `status` of an Application: sync and health, the objects it manages, history and deliveries. */
import { z } from 'zod';
import { OperationStateSchema } from './application-operation.js';
import { DeliveredSchema, MAX_DELIVERED } from './notification-status.js';
import { ConditionSchema, healthCode, syncCode, rfc3339Time as time } from './status-common.js';

export const ResourceStatusSchema = z.object({
  group: z.string().optional(),
  version: z.string().optional(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  status: syncCode.optional(),
  health: z.object({ status: healthCode, message: z.string().optional() }).optional(),
  message: z.string().optional(),
  requiresPruning: z
    .boolean()
    .optional()
    .describe('True when Git no longer has the object but it is still in the cluster (as Argo CD).'),
});

export const HistoryEntrySchema = z.object({
  id: z.int(),
  revision: z.string(),
  deployedAt: time,
  deployStartedAt: time.optional().describe('When the sync that deployed this entry started.'),
  initiatedBy: z
    .object({ username: z.string().optional(), automated: z.boolean().optional() })
    .optional()
    .describe('Who asked for the sync: a user (requested operation) or the controller (automated sync).'),
  phase: z
    .enum(['Succeeded'])
    .optional()
    .describe(
      'The result of the sync that deployed this entry. Only a sync that succeeded deploys a revision, so entries are never Failed: a failed sync is reported by operationState, and failures cannot push rollback targets out of the history.',
    ),
  message: z
    .string()
    .optional()
    .describe("That sync's result message (objects created, configured and pruned)."),
  source: z.object({ repoURL: z.string(), targetRevision: z.string(), path: z.string() }).optional(),
  revisions: z
    .array(z.string())
    .optional()
    .describe('With spec.sources: the revision of each source, in order.'),
  sources: z
    .array(z.object({ repoURL: z.string(), targetRevision: z.string(), path: z.string().optional() }))
    .optional()
    .describe('With spec.sources: the sources deployed.'),
});

export const ApplicationStatusSchema = z.object({
  observedGeneration: z.int().optional(),
  reconciledAt: time.optional(),
  sync: z
    .object({
      status: syncCode,
      revision: z
        .string()
        .optional()
        .describe("The revision compared (with spec.sources: each source's revision, joined by commas)."),
      revisions: z.array(z.string()).optional().describe('With spec.sources: the revision of each source.'),
      syncedRevision: z
        .string()
        .optional()
        .describe('The last revision the app was synced to (applied, or found already in sync).'),
    })
    .optional(),
  health: z.object({ status: healthCode, message: z.string().optional() }).optional(),
  conditions: z.array(ConditionSchema).optional(),
  resources: z.array(ResourceStatusSchema).optional(),
  history: z.array(HistoryEntrySchema).optional(),
  operationState: OperationStateSchema.optional(),
  summary: z.object({ images: z.array(z.string()).optional() }).optional(),
  notifications: z
    .array(DeliveredSchema)
    .max(MAX_DELIVERED)
    .optional()
    .describe('Notifications and commit statuses delivered (the latest per provider and event).'),
});

export type ResourceStatus = z.infer<typeof ResourceStatusSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
