/**
 * `ImagePolicy` (trueup.dev/v1alpha1): picks the latest tag of an ImageRepository's scan by a
 * policy (semver range, alphabetical or numerical order) after an optional tag filter, with
 * Flux's field names. Its `latestRef` is what setter markers (`{"$imagepolicy": "ns:name"}`)
 * write into Git.
 */
import { z } from 'zod';
import { IMAGE_API_VERSION, ImageMetadataSchema, imageConditions } from './image-common.js';

export const IMAGE_POLICY_KIND = 'ImagePolicy';
export const IMAGE_POLICY_PLURAL = 'imagepolicies';

export const ONE_POLICY_MESSAGE = 'policy must set exactly one of semver, alphabetical or numerical';
export const REPOSITORY_NAMESPACE_MESSAGE =
  "imageRepositoryRef.namespace is not supported: the ImageRepository must be in the policy's namespace (leave namespace out)";

const order = z.enum(['asc', 'desc']).default('asc');

export const PolicyChoiceSchema = z
  .object({
    semver: z
      .object({
        range: z
          .string()
          .min(1)
          .describe('A semver range (`>=1.0.0 <2.0.0`, `^1.2`, `1.x`): the highest tag in it wins.'),
      })
      .optional(),
    alphabetical: z
      .object({ order: order.describe('`asc`: the last tag in alphabetical order wins; `desc`: the first.') })
      .optional(),
    numerical: z
      .object({ order: order.describe('`asc`: the largest number wins; `desc`: the smallest.') })
      .optional(),
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: '(has(self.semver) ? 1 : 0) + (has(self.alphabetical) ? 1 : 0) + (has(self.numerical) ? 1 : 0) == 1',
        message: ONE_POLICY_MESSAGE,
      },
    ],
  })
  .refine((p) => [p.semver, p.alphabetical, p.numerical].filter((x) => x !== undefined).length === 1, {
    message: ONE_POLICY_MESSAGE,
  });

export const FilterTagsSchema = z.object({
  pattern: z
    .string()
    .min(1)
    .describe('A regular expression: only matching tags are considered (`^main-[a-f0-9]+-(?<ts>[0-9]+)`).'),
  extract: z
    .string()
    .optional()
    .describe('What of a matching tag the policy compares (`$ts`, `$1`); default the whole tag.'),
});

export const DigestReflectionPolicy = {
  Never: 'Never',
  IfNotPresent: 'IfNotPresent',
  Always: 'Always',
} as const;
export type DigestReflectionPolicy = (typeof DigestReflectionPolicy)[keyof typeof DigestReflectionPolicy];

export const ImagePolicySpecSchema = z
  .object({
    imageRepositoryRef: z
      .object({
        name: z.string().min(1),
        namespace: z.string().optional().describe(`Refused: ${REPOSITORY_NAMESPACE_MESSAGE}`),
      })
      .meta({
        'x-kubernetes-validations': [
          { rule: '!has(self.__namespace__)', message: REPOSITORY_NAMESPACE_MESSAGE },
        ],
      }),
    policy: PolicyChoiceSchema,
    filterTags: FilterTagsSchema.optional(),
    digestReflectionPolicy: z
      .enum(['Never', 'IfNotPresent', 'Always'])
      .optional()
      .describe(
        '`Never` (default): latestRef has no digest. `IfNotPresent`: the digest of the chosen tag is looked up once per tag. `Always`: it is looked up on every scan (a tag pushed again is noticed).',
      ),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.imageRepositoryRef.namespace !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['imageRepositoryRef', 'namespace'],
        message: REPOSITORY_NAMESPACE_MESSAGE,
      });
  })
  .describe('Which repository to read and how to pick its latest tag.');

export const ImageRefSchema = z.object({
  name: z.string().describe('The image repository (`ghcr.io/org/app`).'),
  tag: z.string(),
  digest: z.string().optional().describe('`sha256:…`, with digestReflectionPolicy IfNotPresent or Always.'),
});

export const ImagePolicyStatusSchema = z.object({
  observedGeneration: z.int().optional(),
  conditions: imageConditions,
  latestRef: ImageRefSchema.optional(),
  observedPreviousRef: ImageRefSchema.optional().describe('The latestRef before the last change.'),
});

export const ImagePolicySchema = z.object({
  apiVersion: z.literal(IMAGE_API_VERSION),
  kind: z.literal(IMAGE_POLICY_KIND),
  metadata: ImageMetadataSchema,
  spec: ImagePolicySpecSchema,
  status: ImagePolicyStatusSchema.optional(),
});

export type PolicyChoice = z.infer<typeof PolicyChoiceSchema>;
export type FilterTags = z.infer<typeof FilterTagsSchema>;
export type ImagePolicySpec = z.infer<typeof ImagePolicySpecSchema>;
export type ImageRef = z.infer<typeof ImageRefSchema>;
export type ImagePolicyStatus = z.infer<typeof ImagePolicyStatusSchema>;
export type ImagePolicy = z.infer<typeof ImagePolicySchema>;
