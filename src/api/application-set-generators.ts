/**
 * The ApplicationSet's generators: list, Git directories and files, the clusters, pull requests
 * (application-set-pull-request.ts), and one level of matrix or merge over them, each with an
 * optional selector. Argo CD's other generators are refused.
 */
import { z } from 'zod';
import { PullRequestGeneratorSchema } from './application-set-pull-request.js';
import {
  exactlyOne,
  httpUrl,
  oneOfRule,
  opaque,
  PER_GENERATOR_TEMPLATE,
  refusals,
  refuse,
} from './application-set-refusals.js';

export const SCM_PROVIDER_MESSAGE =
  'the scmProvider generator is not supported: list the repositories instead';
export const CLUSTER_DECISION_MESSAGE = 'the clusterDecisionResource generator is not supported';
export const PLUGIN_MESSAGE = 'the plugin generator is not supported';
export const NESTED_MESSAGE =
  'a matrix or merge inside a matrix or merge is not supported: nest at most one level of generators';
export const ONE_GENERATOR_MESSAGE =
  'a generator entry sets exactly one of list, git, clusters, pullRequest, matrix, merge (and optionally selector)';
export const GIT_KIND_MESSAGE = 'a git generator sets exactly one of directories or files';
export const MATRIX_TWO_MESSAGE = 'a matrix combines exactly two generators';
export const MERGE_KEYS_MESSAGE = 'merge needs at least one mergeKey and at least two generators';

/** Bounds the API server's CEL cost estimate (and nobody writes more). */
export const MAX_GENERATORS = 16;

export const LabelSelectorSchema = z.object({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.object({
        key: z.string().min(1),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

export const ListGeneratorSchema = z
  .object({
    elements: z
      .array(opaque)
      .optional()
      .describe('Parameter sets as written (in fasttemplate mode their values must be strings).'),
    elementsYaml: z
      .string()
      .optional()
      .describe('A YAML list of parameter sets (may use the params of a matrix sibling).'),
    template: opaque.optional().describe('Refused: a per-generator template is not supported.'),
  })
  .meta({
    'x-kubernetes-validations': refusals({ template: PER_GENERATOR_TEMPLATE }),
  })
  .superRefine(refuse({ template: PER_GENERATOR_TEMPLATE }));

const GitPathSchema = z.object({
  path: z.string().min(1).describe('A glob over the repository paths (`*` stops at /).'),
  exclude: z.boolean().optional().describe('Matching paths are removed (wins over every include).'),
});

export const GitGeneratorSchema = z
  .object({
    repoURL: httpUrl('only http(s) Git URLs are supported (no SSH)'),
    revision: z.string().optional().describe('Branch, tag or commit (default HEAD).'),
    directories: z.array(GitPathSchema).optional(),
    files: z.array(GitPathSchema).optional(),
    pathParamPrefix: z.string().optional().describe('Prefix of the path params: `<prefix>.path`.'),
    values: z.record(z.string(), z.string()).optional().describe('Extra params `values.<key>`, templated.'),
    requeueAfterSeconds: z
      .int()
      .min(1)
      .optional()
      .describe('How often Git is re-read (default: the poll interval).'),
    template: opaque.optional(),
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: '(has(self.directories) ? 1 : 0) + (has(self.files) ? 1 : 0) == 1',
        message: GIT_KIND_MESSAGE,
      },
      ...refusals({ template: PER_GENERATOR_TEMPLATE }),
    ],
  })
  .superRefine(refuse({ template: PER_GENERATOR_TEMPLATE }))
  .superRefine(exactlyOne(['directories', 'files'], GIT_KIND_MESSAGE));

export const ClustersGeneratorSchema = z
  .object({
    selector: LabelSelectorSchema.optional().describe(
      "Label selector over the cluster Secrets' labels (the in-cluster destination has none, so a non-empty selector excludes it).",
    ),
    values: z.record(z.string(), z.string()).optional().describe('Extra params `values.<key>`, templated.'),
    template: opaque.optional(),
  })
  .meta({
    'x-kubernetes-validations': refusals({ template: PER_GENERATOR_TEMPLATE }),
  })
  .superRefine(refuse({ template: PER_GENERATOR_TEMPLATE }));

/** What every generator entry may refuse (Argo CD generators trueup does not have). */
const refusedGenerators = {
  scmProvider: SCM_PROVIDER_MESSAGE,
  clusterDecisionResource: CLUSTER_DECISION_MESSAGE,
  plugin: PLUGIN_MESSAGE,
};

const refusedGeneratorFields = {
  scmProvider: opaque.optional().describe(`Refused: ${SCM_PROVIDER_MESSAGE}.`),
  clusterDecisionResource: opaque.optional().describe(`Refused: ${CLUSTER_DECISION_MESSAGE}.`),
  plugin: opaque.optional().describe(`Refused: ${PLUGIN_MESSAGE}.`),
};

/** A generator inside a matrix or merge: no further nesting. */
export const LeafGeneratorSchema = z
  .object({
    list: ListGeneratorSchema.optional(),
    git: GitGeneratorSchema.optional(),
    clusters: ClustersGeneratorSchema.optional(),
    pullRequest: PullRequestGeneratorSchema.optional(),
    selector: LabelSelectorSchema.optional().describe(
      'Keeps the parameter sets whose flattened params match.',
    ),
    matrix: opaque.optional().describe(`Refused: ${NESTED_MESSAGE}.`),
    merge: opaque.optional().describe(`Refused: ${NESTED_MESSAGE}.`),
    ...refusedGeneratorFields,
  })
  .meta({
    'x-kubernetes-validations': [
      ...refusals({ ...refusedGenerators, matrix: NESTED_MESSAGE, merge: NESTED_MESSAGE }),
      { rule: oneOfRule(['list', 'git', 'clusters', 'pullRequest']), message: ONE_GENERATOR_MESSAGE },
    ],
  })
  .superRefine(refuse({ ...refusedGenerators, matrix: NESTED_MESSAGE, merge: NESTED_MESSAGE }))
  .superRefine(exactlyOne(['list', 'git', 'clusters', 'pullRequest'], ONE_GENERATOR_MESSAGE));

export const MatrixGeneratorSchema = z
  .object({
    generators: z.array(LeafGeneratorSchema).min(2, MATRIX_TWO_MESSAGE).max(2, MATRIX_TWO_MESSAGE),
    template: opaque.optional().describe('Refused: a per-generator template is not supported.'),
  })
  .superRefine(refuse({ template: PER_GENERATOR_TEMPLATE }));

export const MergeGeneratorSchema = z
  .object({
    generators: z
      .array(LeafGeneratorSchema)
      .min(2, MERGE_KEYS_MESSAGE)
      .max(MAX_GENERATORS)
      .describe('The first is the base; later ones override it.'),
    mergeKeys: z
      .array(z.string().min(1))
      .min(1, MERGE_KEYS_MESSAGE)
      .describe('Params whose values identify a parameter set.'),
    template: opaque.optional().describe('Refused: a per-generator template is not supported.'),
  })
  .superRefine(refuse({ template: PER_GENERATOR_TEMPLATE }));

export const GeneratorSchema = z
  .object({
    list: ListGeneratorSchema.optional(),
    git: GitGeneratorSchema.optional(),
    clusters: ClustersGeneratorSchema.optional(),
    pullRequest: PullRequestGeneratorSchema.optional(),
    matrix: MatrixGeneratorSchema.optional(),
    merge: MergeGeneratorSchema.optional(),
    selector: LabelSelectorSchema.optional().describe(
      'Keeps the parameter sets whose flattened params match.',
    ),
    ...refusedGeneratorFields,
  })
  .meta({
    'x-kubernetes-validations': [
      ...refusals(refusedGenerators),
      {
        rule: oneOfRule(['list', 'git', 'clusters', 'pullRequest', 'matrix', 'merge']),
        message: ONE_GENERATOR_MESSAGE,
      },
      { rule: '!has(self.matrix) || !has(self.matrix.template)', message: PER_GENERATOR_TEMPLATE },
      { rule: '!has(self.merge) || !has(self.merge.template)', message: PER_GENERATOR_TEMPLATE },
    ],
  })
  .superRefine(refuse(refusedGenerators))
  .superRefine(
    exactlyOne(['list', 'git', 'clusters', 'pullRequest', 'matrix', 'merge'], ONE_GENERATOR_MESSAGE),
  );

export type LabelSelector = z.infer<typeof LabelSelectorSchema>;
export type ListGenerator = z.infer<typeof ListGeneratorSchema>;
export type GitGenerator = z.infer<typeof GitGeneratorSchema>;
export type ClustersGenerator = z.infer<typeof ClustersGeneratorSchema>;
export type LeafGenerator = z.infer<typeof LeafGeneratorSchema>;
export type Generator = z.infer<typeof GeneratorSchema>;
