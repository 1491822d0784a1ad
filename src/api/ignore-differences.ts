/** `spec.ignoreDifferences`: fields of live objects that do not count as drift (Argo CD's fields). */
import { z } from 'zod';
import { ruled } from './cel-rule.js';

export const IgnoreDifferenceSchema = z.object({
  group: z.string().optional(),
  kind: z.string().min(1),
  name: z.string().optional(),
  namespace: z.string().optional(),
  jsonPointers: z
    .array(
      ruled(z.string(), "self.startsWith('/')", 'a JSON pointer starts with /, e.g. /spec/replicas', (v) =>
        v.startsWith('/'),
      ),
    )
    .optional(),
  jqPathExpressions: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'jq path expressions (e.g. `.spec.template.spec.containers[] | select(.name == "istio-proxy")`).',
    ),
  managedFieldsManagers: z.array(z.string()).optional(),
});

export type IgnoreDifference = z.infer<typeof IgnoreDifferenceSchema>;
