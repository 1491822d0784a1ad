/**
 * What the three image automation resources (ImageRepository, ImagePolicy,
 * ImageUpdateAutomation) share: group, metadata, conditions, and the helper that declares a
 * Flux field trueup does not implement so it is refused with a message (CEL at `kubectl
 * apply`, zod in the controller) instead of being pruned or ignored.
 */
import { z } from 'zod';
import { APP_API_VERSION } from './application.js';
import { DURATION_PATTERN } from './duration.js';
import { ConditionSchema } from './status-common.js';

export const IMAGE_API_VERSION = APP_API_VERSION;
/** Not 'trueup': `kubectl get trueup` keeps listing Applications alone (one table, bare names). */
export const IMAGE_CATEGORIES = ['trueup-image'] as const;

export const duration = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), 'must be a duration such as 5s or 1m30s')
  .describe('A duration as Go reads it (`30s`, `5m`, `1h`).');

export const stringMap = z.record(z.string(), z.string());

export const ImageMetadataSchema = z
  .object({
    name: z.string(),
    namespace: z.string(),
    uid: z.string().optional(),
    generation: z.int().optional(),
    resourceVersion: z.string().optional(),
    annotations: stringMap.optional(),
    labels: stringMap.optional(),
  })
  .loose();

export const LocalRefSchema = z.object({ name: z.string().min(1) });

export const imageConditions = z.array(ConditionSchema).optional();

/**
 * A field declared only to be refused: its value is accepted by the schema's shape, and both
 * the CEL rule (on the parent, see `refusedRules`) and the zod check reject it with `message`.
 */
export function refused<T extends z.ZodType>(schema: T, message: string) {
  return schema.optional().describe(`Refused: ${message}`);
}

/** CEL rules refusing each named field of an object when it is set. */
export function refusedRules(fields: Record<string, string>): { rule: string; message: string }[] {
  return Object.entries(fields).map(([field, message]) => ({ rule: `!has(self.${field})`, message }));
}

/** The zod side of `refusedRules`: one issue per refused field present. */
export function refuseFields(fields: Record<string, string>) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    for (const [field, message] of Object.entries(fields)) {
      if (value[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message });
    }
  };
}
