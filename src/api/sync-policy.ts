/** `spec.syncPolicy`: automated sync, app-wide sync options and retry with backoff. */
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';
import {
  appSyncOptionProblem,
  SYNC_OPTION_MAX_LENGTH,
  SYNC_OPTIONS_MAX_ITEMS,
  syncOptionCelRules,
} from './sync-options.js';

const duration = z.string().regex(new RegExp(DURATION_PATTERN), 'must be a duration such as 5s or 1m30s');

/** One app-wide sync option (`Name=value`), checked against the table in sync-options.ts. */
export const syncOptionsList = z
  .array(
    z
      .string()
      .max(SYNC_OPTION_MAX_LENGTH)
      .meta({ 'x-kubernetes-validations': syncOptionCelRules() })
      .superRefine((entry, ctx) => {
        const problem = appSyncOptionProblem(entry);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  )
  .max(SYNC_OPTIONS_MAX_ITEMS);

export const RetrySchema = z.object({
  limit: z.int().min(-1).optional().describe('Maximum retries; -1 or unset for unlimited.'),
  backoff: z
    .object({
      duration: duration.optional().describe('First delay, default 5s.'),
      factor: z.int().min(1).optional().describe('Multiplier per retry, default 2.'),
      maxDuration: duration.optional().describe('Upper bound of the delay, default 3m.'),
    })
    .optional(),
});

export const SyncPolicySchema = z.object({
  automated: z
    .object({
      prune: z.boolean().optional(),
      selfHeal: z.boolean().optional(),
      allowEmpty: z.boolean().optional(),
    })
    .optional(),
  syncOptions: syncOptionsList
    .optional()
    .describe('e.g. CreateNamespace=true, PruneLast=true (the accepted options are listed in the README).'),
  retry: RetrySchema.optional(),
});

export type SyncPolicy = z.infer<typeof SyncPolicySchema>;
export type RetryPolicy = z.infer<typeof RetrySchema>;
