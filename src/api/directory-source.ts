/** `spec.source.directory`: a plain directory of manifests (Argo CD's fields). */
import { z } from 'zod';

export const DirectorySchema = z
  .object({
    recurse: z
      .boolean()
      .optional()
      .describe('Read the subdirectories of path too (default false, as Argo CD).'),
    include: z
      .string()
      .optional()
      .describe(
        'Glob over paths relative to path: only matching files are read (Argo CD syntax: `*.yaml`, `{a.yaml,b/*}`; `*` also matches `/`).',
      ),
    exclude: z
      .string()
      .optional()
      .describe('Glob over paths relative to path: matching files are skipped (wins over include).'),
  })
  .describe('Options of a plain directory of manifests (no kustomization at path).');
