/**
 * The status vocabulary Application and ApplicationSet share: sync and health codes, operation
 * phases, condition types and the condition itself.
 */
import { z } from 'zod';

export const SyncStatusCode = { Synced: 'Synced', OutOfSync: 'OutOfSync', Unknown: 'Unknown' } as const;
export type SyncStatusCode = (typeof SyncStatusCode)[keyof typeof SyncStatusCode];

export const HealthStatusCode = {
  Healthy: 'Healthy',
  Progressing: 'Progressing',
  Degraded: 'Degraded',
  Suspended: 'Suspended',
  Missing: 'Missing',
  Unknown: 'Unknown',
} as const;
export type HealthStatusCode = (typeof HealthStatusCode)[keyof typeof HealthStatusCode];

export const OperationPhase = {
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Error: 'Error',
  Terminating: 'Terminating',
} as const;
export type OperationPhase = (typeof OperationPhase)[keyof typeof OperationPhase];

export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  /** True while Secrets rendered from Git hold cleartext data (absent otherwise). */
  PlainSecret: 'PlainSecret',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** The codes above as zod enums, and the time format, for the status schemas. */
export const syncCode = z.enum(['Synced', 'OutOfSync', 'Unknown']);
export const healthCode = z.enum(['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown']);
export const rfc3339Time = z.string().describe('RFC 3339 time');

export const ConditionSchema = z.object({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: rfc3339Time.optional(),
  observedGeneration: z.int().optional(),
});

export type Condition = z.infer<typeof ConditionSchema>;
