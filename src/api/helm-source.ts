/**
 * `spec.source.helm`: how a chart (a directory in Git, or `spec.source.chart` from a Helm
 * repository or OCI registry) is rendered (Argo CD's field names). `helm.version` other than v3
 * is declared only so it can be refused with a message, at admission (CEL) and by the controller
 * (zod), instead of being pruned or ignored.
 */
import { z } from 'zod';

export const PASS_CREDENTIALS_MESSAGE =
  'helm.passCredentials is for charts from Helm repositories (spec.source.chart): a chart in Git has no repository credentials to pass';
export const HELM_VERSION_MESSAGE =
  'helm.version is not supported: trueup renders with its own Helm 3 engine (leave it out, or v3)';
export const HELM_PATH_INSIDE_MESSAGE =
  'must be a relative path that stays inside the repository (no leading / and no .. segments that leave it)';

/**
 * A path relative to the chart directory: checked here for what can be told from the text
 * alone (absolute, or `..` reaching above the repository root is only known with the chart's
 * path, so the controller checks the joined path again before reading).
 */
const relativePath = z
  .string()
  .min(1)
  .meta({
    'x-kubernetes-validations': [{ rule: "!self.startsWith('/')", message: HELM_PATH_INSIDE_MESSAGE }],
  })
  .refine((v) => !v.startsWith('/'), { message: HELM_PATH_INSIDE_MESSAGE });

export const HelmParameterSchema = z.object({
  name: z.string().min(1).describe('The value key, as with `--set NAME=VALUE` (e.g. `image.tag`).'),
  value: z.string().default('').describe('The value (Helm parses it as --set does, unless forceString).'),
  forceString: z.boolean().optional().describe('Pass as `--set-string` (the value stays a string).'),
});

export const HelmFileParameterSchema = z.object({
  name: z.string().min(1).describe('The value key, as with `--set-file NAME=PATH`.'),
  path: relativePath.describe('A file relative to the chart path, inside the repository.'),
});

export const HelmSourceSchema = z
  .object({
    valueFiles: z
      .array(relativePath)
      .optional()
      .describe(
        'Values files relative to the chart path (inside the repository), later ones winning, as `-f`.',
      ),
    ignoreMissingValueFiles: z
      .boolean()
      .optional()
      .describe('Skip valueFiles that do not exist instead of failing the render.'),
    values: z.string().optional().describe('Values as a YAML string, applied after valueFiles.'),
    valuesObject: z
      .record(z.string(), z.unknown())
      .meta({ 'x-kubernetes-preserve-unknown-fields': true })
      .optional()
      .describe('Values as an object; wins over values (both are applied after valueFiles).'),
    parameters: z
      .array(HelmParameterSchema)
      .optional()
      .describe('`--set` / `--set-string` values, applied after every values source.'),
    fileParameters: z
      .array(HelmFileParameterSchema)
      .optional()
      .describe('`--set-file` values: a key set to the content of a file in the repository.'),
    releaseName: z.string().min(1).optional().describe('The release name (default: the Application name).'),
    namespace: z
      .string()
      .min(1)
      .optional()
      .describe('`.Release.Namespace` (default: spec.destination.namespace).'),
    skipCrds: z.boolean().optional().describe("Leave out the objects of the chart's crds/ directories."),
    kubeVersion: z
      .string()
      .min(1)
      .optional()
      .describe("`.Capabilities.KubeVersion` (default: the destination cluster's version)."),
    apiVersions: z
      .array(z.string().min(1))
      .optional()
      .describe("`.Capabilities.APIVersions` (default: the destination cluster's API group versions)."),
    passCredentials: z
      .boolean()
      .optional()
      .describe(
        "Send the repository's credentials to a chart archive on another host too (charts from Helm repositories only).",
      ),
    version: z.string().optional().describe('Refused: trueup renders with its own Helm 3 engine.'),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: "!has(self.version) || self.version == 'v3'", message: HELM_VERSION_MESSAGE },
    ],
  })
  .superRefine((h, ctx) => {
    if (h.version !== undefined && h.version !== 'v3')
      ctx.addIssue({ code: 'custom', path: ['version'], message: HELM_VERSION_MESSAGE });
  })
  .describe('Helm options: the chart (at path, or spec.source.chart) rendered by Helm 3.');

export type HelmSource = z.infer<typeof HelmSourceSchema>;
export type HelmParameter = z.infer<typeof HelmParameterSchema>;
