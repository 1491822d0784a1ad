import type { z } from 'zod';

/** The CEL rule kubectl apply meets and the zod check the controller runs, with one message. */
export function ruled(schema: z.ZodString, rule: string, message: string, test: (v: string) => boolean) {
  return schema.meta({ 'x-kubernetes-validations': [{ rule, message }] }).refine(test, { message });
}
