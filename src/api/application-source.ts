/** `spec.source`: where an Application's manifests come from (a Git path or a chart) and how they render. */
import { z } from 'zod';
import { ruled } from './cel-rule.js';
import { DirectorySchema } from './directory-source.js';
import { HelmSourceSchema } from './helm-source.js';
import { KustomizeOverridesSchema } from './kustomize-source.js';
import { PATH_INSIDE_MESSAGE, SOURCE_CEL_RULES, sourceRuleIssues } from './source-rules.js';

export const SourceSchema = z
  .object({
    // The scheme is checked with chart in view (source-rules.ts); the controller checks it again naming the URL.
    repoURL: z
      .string()
      .min(1)
      .describe(
        'Git repository URL (http or https); with chart: a Helm repository (http or https), an OCI registry (oci://host/path), or host/path with an enableOCI repository Secret (Argo CD).',
      ),
    targetRevision: z
      .string()
      .min(1)
      .default('HEAD')
      .describe(
        'Git: branch, tag, semver range over tags, or commit SHA. With chart: a chart version or a semver constraint (1.2.*, >=1.0.0 <2.0.0).',
      ),
    path: ruled(
      z.string(),
      "!self.matches('(^|/)\\\\.\\\\.(/|$)')",
      PATH_INSIDE_MESSAGE,
      (v) => !v.split('/').includes('..'),
    )
      .default('.')
      .describe('Directory inside the repository (kustomization or plain YAML).'),
    kustomize: KustomizeOverridesSchema.optional(),
    directory: DirectorySchema.optional(),
    helm: HelmSourceSchema.optional(),
    chart: z
      .string()
      .min(1)
      .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i, 'must be a chart name (letters, digits, . _ -)')
      .optional()
      .describe('A chart from the Helm repository or OCI registry at repoURL (instead of path in Git).'),
  })
  .meta({ 'x-kubernetes-validations': SOURCE_CEL_RULES })
  .superRefine(sourceRuleIssues);

export type ApplicationSource = z.infer<typeof SourceSchema>;
