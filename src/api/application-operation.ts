/** `operation` (a requested sync) and `status.operationState` (how the last one ran). */
import { z } from 'zod';
import { rfc3339Time as time } from './status-common.js';
import { syncOptionsList } from './sync-policy.js';

/** An object named by group, kind, namespace and name (Argo CD's resource reference). */
const ResourceRefSchema = z.object({
  group: z.string().optional(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
});

export const SyncOperationSchema = z.object({
  revision: z.string().optional(),
  revisions: z
    .array(z.string())
    .optional()
    .describe("With spec.sources: the revision to sync for each source, in order (Argo CD's field)."),
  prune: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  syncOptions: syncOptionsList.optional(),
  resources: z
    .array(ResourceRefSchema)
    .optional()
    .describe(
      'Sync only these objects (as Argo CD selective sync): the others are neither applied nor pruned, and hooks do not run.',
    ),
});

export const OperationSchema = z
  .object({
    sync: SyncOperationSchema.optional(),
    initiatedBy: z.object({ username: z.string().optional(), automated: z.boolean().optional() }).optional(),
    info: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  })
  .describe('A requested operation (manual sync); the controller runs it and removes it.');

export const OperationStateSchema = z.object({
  operation: OperationSchema.optional(),
  phase: z.enum(['Running', 'Succeeded', 'Failed', 'Error', 'Terminating']),
  message: z.string().optional(),
  startedAt: time.optional(),
  finishedAt: time.optional(),
  retryCount: z.int().optional(),
  generation: z
    .int()
    .optional()
    .describe(
      'metadata.generation of the Application when the requested operation recorded here ran: an operation still present at that generation is not run again.',
    ),
  syncResult: z
    .object({
      revision: z.string().optional(),
      revisions: z.array(z.string()).optional().describe('With spec.sources: the revision of each source.'),
      resources: z
        .array(ResourceRefSchema.extend({ status: z.string().optional(), message: z.string().optional() }))
        .optional(),
    })
    .optional(),
});

export type Operation = z.infer<typeof OperationSchema>;
export type OperationState = z.infer<typeof OperationStateSchema>;
