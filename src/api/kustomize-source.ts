/** `spec.source.kustomize`: overrides applied on top of the kustomization at path (Argo CD's fields). */
import { z } from 'zod';

const stringMap = z.record(z.string(), z.string());

export const KustomizeOverridesSchema = z
  .object({
    images: z
      .array(z.string().min(1))
      .optional()
      .describe('Image overrides as `name=newName:tag`, `name:tag` or `name@digest` (Argo CD form).'),
    namePrefix: z.string().optional(),
    nameSuffix: z.string().optional(),
    namespace: z.string().optional(),
    commonLabels: stringMap.optional(),
    commonAnnotations: stringMap.optional(),
    replicas: z
      .array(
        z.object({
          name: z.string().min(1),
          count: z.union([z.int().min(0), z.string().regex(/^[0-9]+$/)]),
        }),
      )
      .optional(),
  })
  .describe('Kustomize overrides applied on top of the kustomization at path.');

export type KustomizeOverrides = z.infer<typeof KustomizeOverridesSchema>;
