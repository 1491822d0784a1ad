/**
 * `ImageUpdateAutomation` (trueup.dev/v1alpha1): checks out a branch, rewrites the image
 * references marked with setter comments (`# {"$imagepolicy": "ns:name"}`) to the ImagePolicies'
 * latest refs, commits with a templated message and pushes. Flux's field names, except
 * `sourceRef`, which names the Git repository as an Application does (`repoURL`; credentials
 * from the same repository Secrets): trueup has no GitRepository resource.
 */
import { z } from 'zod';
import {
  duration,
  IMAGE_API_VERSION,
  ImageMetadataSchema,
  imageConditions,
  refused,
  refusedRules,
  refuseFields,
  stringMap,
} from './image-common.js';
import { ImageRefSchema } from './image-policy.js';
import { HTTP_ONLY_MESSAGE, PATH_INSIDE_MESSAGE } from './source-rules.js';

export const IMAGE_UPDATE_AUTOMATION_KIND = 'ImageUpdateAutomation';
export const IMAGE_UPDATE_AUTOMATION_PLURAL = 'imageupdateautomations';

export const SOURCE_REF_MESSAGE =
  'sourceRef.kind/name (a Flux GitRepository) is not supported: trueup has no GitRepository resource; set sourceRef.repoURL to the repository URL (credentials come from repository Secrets, as for Applications)';

const REFUSED_SOURCE_FIELDS = { kind: SOURCE_REF_MESSAGE, name: SOURCE_REF_MESSAGE } as const;
const REFUSED_REF_FIELDS = {
  tag: 'git.checkout.ref: only branch is supported (an automation commits on a branch)',
  semver: 'git.checkout.ref: only branch is supported (an automation commits on a branch)',
  name: 'git.checkout.ref: only branch is supported (an automation commits on a branch)',
  commit: 'git.checkout.ref: only branch is supported (an automation commits on a branch)',
} as const;
const REFUSED_COMMIT_FIELDS = {
  signingKey: 'git.commit.signingKey is not supported yet: commits are not signed',
} as const;
const REFUSED_PUSH_FIELDS = {
  refspec: 'git.push.refspec is not supported: use git.push.branch',
  options: 'git.push.options is not supported (push options are not sent)',
} as const;
export const STRATEGY_MESSAGE = 'update.strategy: only Setters is supported';
export const MATCH_EXPRESSIONS_MESSAGE = 'policySelector.matchExpressions is not supported: use matchLabels';

export const GitSourceRefSchema = z
  .object({
    repoURL: z
      .string()
      .min(1)
      .meta({
        'x-kubernetes-validations': [{ rule: "self.matches('^https?://')", message: HTTP_ONLY_MESSAGE }],
      })
      .refine((v) => /^https?:\/\//.test(v), { message: HTTP_ONLY_MESSAGE })
      .optional()
      .describe('The Git repository (HTTP or HTTPS), as in an Application’s spec.source.repoURL.'),
    kind: refused(z.string(), SOURCE_REF_MESSAGE),
    name: refused(z.string(), SOURCE_REF_MESSAGE),
    namespace: refused(z.string(), SOURCE_REF_MESSAGE),
  })
  .meta({
    'x-kubernetes-validations': [
      ...refusedRules(REFUSED_SOURCE_FIELDS),
      { rule: '!has(self.__namespace__)', message: SOURCE_REF_MESSAGE },
      { rule: 'has(self.repoURL)', message: 'sourceRef.repoURL is required' },
    ],
  })
  .superRefine((ref, ctx) => {
    refuseFields({ ...REFUSED_SOURCE_FIELDS, namespace: SOURCE_REF_MESSAGE })(ref, ctx);
    if (ref.repoURL === undefined)
      ctx.addIssue({ code: 'custom', path: ['repoURL'], message: 'sourceRef.repoURL is required' });
  })
  .describe('The Git repository to update.');

export const GitCheckoutSchema = z.object({
  ref: z
    .object({
      branch: z.string().min(1).optional().describe('The branch to check out and commit on.'),
      tag: refused(z.string(), REFUSED_REF_FIELDS.tag),
      semver: refused(z.string(), REFUSED_REF_FIELDS.semver),
      name: refused(z.string(), REFUSED_REF_FIELDS.name),
      commit: refused(z.string(), REFUSED_REF_FIELDS.commit),
    })
    .meta({
      'x-kubernetes-validations': [
        ...refusedRules(REFUSED_REF_FIELDS),
        { rule: 'has(self.branch)', message: 'git.checkout.ref.branch is required' },
      ],
    })
    .superRefine((ref, ctx) => {
      refuseFields(REFUSED_REF_FIELDS)(ref, ctx);
      if (ref.branch === undefined)
        ctx.addIssue({ code: 'custom', path: ['branch'], message: 'git.checkout.ref.branch is required' });
    }),
});

export const GitCommitSchema = z
  .object({
    author: z.object({
      name: z.string().min(1).describe('Author and committer name.'),
      email: z.string().min(1).describe('Author and committer email.'),
    }),
    messageTemplate: z
      .string()
      .optional()
      .describe(
        'Go text/template (with sprig) for the commit message; data: .AutomationObject, .Changed, .Values (see the README).',
      ),
    messageTemplateValues: stringMap.optional().describe('Values given to the template as `.Values`.'),
    signingKey: refused(
      z.object({ secretRef: z.object({ name: z.string() }) }),
      REFUSED_COMMIT_FIELDS.signingKey,
    ),
  })
  .meta({ 'x-kubernetes-validations': refusedRules(REFUSED_COMMIT_FIELDS) })
  .superRefine(refuseFields(REFUSED_COMMIT_FIELDS));

export const GitPushSchema = z
  .object({
    branch: z.string().min(1).optional().describe('Push to this branch (default: the checked out branch).'),
    refspec: refused(z.string(), REFUSED_PUSH_FIELDS.refspec),
    options: refused(stringMap, REFUSED_PUSH_FIELDS.options),
  })
  .meta({ 'x-kubernetes-validations': refusedRules(REFUSED_PUSH_FIELDS) })
  .superRefine(refuseFields(REFUSED_PUSH_FIELDS));

export const ImageUpdateAutomationSpecSchema = z
  .object({
    sourceRef: GitSourceRefSchema,
    git: z.object({
      checkout: GitCheckoutSchema,
      commit: GitCommitSchema,
      push: GitPushSchema.optional(),
    }),
    interval: duration.describe('How often the files are checked against the policies.'),
    update: z
      .object({
        path: z
          .string()
          .default('./')
          .meta({
            'x-kubernetes-validations': [
              { rule: "!self.matches('(^|/)\\\\.\\\\.(/|$)')", message: PATH_INSIDE_MESSAGE },
            ],
          })
          .refine((p) => !p.split('/').includes('..'), { message: PATH_INSIDE_MESSAGE })
          .describe('The directory whose YAML files (recursively) are updated; default the root.'),
        strategy: z
          .enum(['Setters'])
          .default('Setters')
          .describe('Only `Setters`: the values marked with `{"$imagepolicy": ...}` comments.'),
      })
      .default({ path: './', strategy: 'Setters' }),
    policySelector: z
      .object({
        matchLabels: stringMap.optional(),
        matchExpressions: refused(
          z.array(z.record(z.string(), z.unknown()).meta({ 'x-kubernetes-preserve-unknown-fields': true })),
          MATCH_EXPRESSIONS_MESSAGE,
        ),
      })
      .meta({
        'x-kubernetes-validations': [
          { rule: '!has(self.matchExpressions)', message: MATCH_EXPRESSIONS_MESSAGE },
        ],
      })
      .superRefine(refuseFields({ matchExpressions: MATCH_EXPRESSIONS_MESSAGE }))
      .optional()
      .describe("Only the ImagePolicies (of the automation's namespace) with these labels; default all."),
    suspend: z.boolean().optional().describe('Stop updating.'),
  })
  .strict()
  .describe('Where to write the ImagePolicies’ latest images, and how to commit and push them.');

export const ImageUpdateAutomationStatusSchema = z.object({
  observedGeneration: z.int().optional(),
  conditions: imageConditions,
  lastAutomationRunTime: z.string().optional(),
  lastPushCommit: z.string().optional().describe('The commit id of the last push.'),
  lastPushTime: z.string().optional(),
  observedSourceRevision: z.string().optional().describe('`branch@sha1:<id>` the last run worked on.'),
  observedPolicies: z.record(z.string(), ImageRefSchema).optional(),
});

export const ImageUpdateAutomationSchema = z.object({
  apiVersion: z.literal(IMAGE_API_VERSION),
  kind: z.literal(IMAGE_UPDATE_AUTOMATION_KIND),
  metadata: ImageMetadataSchema,
  spec: ImageUpdateAutomationSpecSchema,
  status: ImageUpdateAutomationStatusSchema.optional(),
});

export type ImageUpdateAutomationSpec = z.infer<typeof ImageUpdateAutomationSpecSchema>;
export type ImageUpdateAutomationStatus = z.infer<typeof ImageUpdateAutomationStatusSchema>;
export type ImageUpdateAutomation = z.infer<typeof ImageUpdateAutomationSchema>;
