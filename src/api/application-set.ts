/**
 * The `ApplicationSet` resource (trueup.dev/v1alpha1): Applications generated from parameter
 * sets (list, Git directories and files, the cluster, matrix, merge). Field names follow Argo
 * CD's ApplicationSet so an Argo manifest only changes apiVersion. What Argo has and trueup does
 * not implement is refused here (CEL at kubectl apply, the same message from zod in the
 * controller), never ignored.
 *
 * The template's `spec` is an Application spec whose strings may hold `{{params}}`: the CRD
 * carries its structure without the Application's CEL rules (a `{{server}}` could not pass them);
 * each generated Application is checked against the Application schema after rendering.
 */
import { z } from 'zod';
import { ConditionSchema, HealthStatusCode, SyncStatusCode } from './status-common.js';

export const APPSET_KIND = 'ApplicationSet';
export const APPSET_PLURAL = 'applicationsets';
export const APPSET_SINGULAR = 'applicationset';
export const APPSET_SHORT_NAMES = ['tappset'] as const;

/** The label every generated Application carries: the name of its ApplicationSet. */
export const APPSET_LABEL = 'trueup.dev/application-set';

export const PULL_REQUEST_PROVIDER_MESSAGE =
  'the pullRequest generator supports github and gitea (GitHub-compatible) only';
export const PULL_REQUEST_ONE_MESSAGE = 'a pullRequest generator sets exactly one of github or gitea';
export const PULL_REQUEST_FILTERS_MESSAGE =
  'pullRequest.filters is not supported: filter with labels or a selector on the params';
export const GITHUB_APP_MESSAGE = 'GitHub App credentials (appSecretName) are not supported: use tokenRef';
export const GITEA_INSECURE_MESSAGE =
  'gitea.insecure (skipping TLS verification) is not supported: trust the server instead';
export const SCM_PROVIDER_MESSAGE =
  'the scmProvider generator is not supported: list the repositories instead';
export const CLUSTER_DECISION_MESSAGE = 'the clusterDecisionResource generator is not supported';
export const PLUGIN_MESSAGE = 'the plugin generator is not supported';
export const NESTED_MESSAGE =
  'a matrix or merge inside a matrix or merge is not supported: nest at most one level of generators';
export const STRATEGY_MESSAGE = 'strategy (progressive syncs) is not supported: remove it';
export const PRESERVED_FIELDS_MESSAGE = 'preservedFields is not supported: remove it';
export const IGNORE_APP_DIFFERENCES_MESSAGE = 'ignoreApplicationDifferences is not supported: remove it';
export const APPLY_NESTED_SELECTORS_MESSAGE =
  'applyNestedSelectors is not supported: selectors of nested generators always apply in trueup';
export const TEMPLATE_PATCH_GO_MESSAGE = 'templatePatch needs goTemplate: true';
export const ONE_GENERATOR_MESSAGE =
  'a generator entry sets exactly one of list, git, clusters, pullRequest, matrix, merge (and optionally selector)';
export const GIT_KIND_MESSAGE = 'a git generator sets exactly one of directories or files';
export const MATRIX_TWO_MESSAGE = 'a matrix combines exactly two generators';
export const MERGE_KEYS_MESSAGE = 'merge needs at least one mergeKey and at least two generators';

/** With `refuse(name, message)`: the field is in the schema only to be refused with a message. */
const opaque = z.record(z.string(), z.unknown()).meta({ 'x-kubernetes-preserve-unknown-fields': true });

function refusals(fields: Record<string, string>) {
  return Object.entries(fields).map(([field, message]) => ({ rule: `!has(self.${field})`, message }));
}

/** The zod side of `refusals`: the controller refuses with the same messages as kubectl. */
function refuse(fields: Record<string, string>) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const [field, message] of Object.entries(fields)) {
      if (value[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message });
    }
  };
}

/** Exactly one of `fields` is set (the zod side of `oneOfRule`). */
function exactlyOne(fields: readonly string[], message: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (fields.filter((f) => value[f] !== undefined).length !== 1) ctx.addIssue({ code: 'custom', message });
  };
}

/** Bounds the API server's CEL cost estimate (and nobody writes more). */
const MAX_GENERATORS = 16;

const PER_GENERATOR_TEMPLATE = 'a per-generator template is not supported: use spec.template';

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
    repoURL: z
      .string()
      .min(1)
      .max(2048)
      .meta({
        'x-kubernetes-validations': [
          {
            rule: "self.startsWith('https://') || self.startsWith('http://')",
            message: 'only http(s) Git URLs are supported (no SSH)',
          },
        ],
      })
      .refine((v) => /^https?:\/\//.test(v), 'only http(s) Git URLs are supported (no SSH)'),
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

const SecretKeyRefSchema = z.object({
  secretName: z.string().min(1).describe("A Secret in the set's namespace."),
  key: z.string().min(1),
});

const PullRequestRepoSchema = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  tokenRef: SecretKeyRefSchema.optional().describe('The API token (without it, anonymous requests).'),
  labels: z
    .array(z.string())
    .max(32)
    .optional()
    .describe('Only pull requests carrying every one of these labels.'),
});

const ProviderUrl = z
  .string()
  .min(1)
  .max(2048)
  .meta({
    'x-kubernetes-validations': [
      {
        rule: "self.startsWith('https://') || self.startsWith('http://')",
        message: 'api must be an http(s) URL',
      },
    ],
  })
  .refine((v) => /^https?:\/\//.test(v), 'api must be an http(s) URL');

const GithubPullRequestSchema = PullRequestRepoSchema.extend({
  api: ProviderUrl.optional().describe(
    'API base URL (default https://api.github.com; GitHub Enterprise: https://host/api/v3).',
  ),
  appSecretName: z.string().optional().describe(`Refused: ${GITHUB_APP_MESSAGE}.`),
})
  .meta({ 'x-kubernetes-validations': [{ rule: '!has(self.appSecretName)', message: GITHUB_APP_MESSAGE }] })
  .superRefine((v, ctx) => {
    if (v.appSecretName !== undefined)
      ctx.addIssue({ code: 'custom', path: ['appSecretName'], message: GITHUB_APP_MESSAGE });
  });

const GiteaPullRequestSchema = PullRequestRepoSchema.extend({
  api: ProviderUrl.describe('The Gitea server, e.g. https://gitea.example.com.'),
  insecure: z.boolean().optional().describe(`Refused: ${GITEA_INSECURE_MESSAGE}.`),
})
  .meta({
    'x-kubernetes-validations': [
      { rule: '!has(self.insecure) || !self.insecure', message: GITEA_INSECURE_MESSAGE },
    ],
  })
  .superRefine((v, ctx) => {
    if (v.insecure) ctx.addIssue({ code: 'custom', path: ['insecure'], message: GITEA_INSECURE_MESSAGE });
  });

const refusedProviders = {
  gitlab: PULL_REQUEST_PROVIDER_MESSAGE,
  bitbucketServer: PULL_REQUEST_PROVIDER_MESSAGE,
  bitbucket: PULL_REQUEST_PROVIDER_MESSAGE,
  azuredevops: PULL_REQUEST_PROVIDER_MESSAGE,
  filters: PULL_REQUEST_FILTERS_MESSAGE,
  template: PER_GENERATOR_TEMPLATE,
};

export const PullRequestGeneratorSchema = z
  .object({
    github: GithubPullRequestSchema.optional(),
    gitea: GiteaPullRequestSchema.optional(),
    requeueAfterSeconds: z
      .int()
      .min(1)
      .optional()
      .describe('How often the open pull requests are listed (default 1800, as Argo CD).'),
    gitlab: opaque.optional().describe(`Refused: ${PULL_REQUEST_PROVIDER_MESSAGE}.`),
    bitbucketServer: opaque.optional().describe(`Refused: ${PULL_REQUEST_PROVIDER_MESSAGE}.`),
    bitbucket: opaque.optional().describe(`Refused: ${PULL_REQUEST_PROVIDER_MESSAGE}.`),
    azuredevops: opaque.optional().describe(`Refused: ${PULL_REQUEST_PROVIDER_MESSAGE}.`),
    filters: z.array(opaque).max(16).optional().describe(`Refused: ${PULL_REQUEST_FILTERS_MESSAGE}.`),
    template: opaque.optional(),
  })
  .meta({
    'x-kubernetes-validations': [
      ...refusals(refusedProviders),
      {
        rule: '(has(self.github) ? 1 : 0) + (has(self.gitea) ? 1 : 0) == 1',
        message: PULL_REQUEST_ONE_MESSAGE,
      },
    ],
  })
  .superRefine(refuse(refusedProviders))
  .superRefine(exactlyOne(['github', 'gitea'], PULL_REQUEST_ONE_MESSAGE));

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

const oneOfRule = (fields: readonly string[]) =>
  `${fields.map((f) => `(has(self.${f}) ? 1 : 0)`).join(' + ')} == 1`;

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

/**
 * The Application template: metadata trueup sets on each generated Application and its spec
 * (checked against the Application schema after rendering).
 */
export const ApplicationTemplateSchema = z.object({
  metadata: z.object({
    name: z.string().min(1).describe('Usually templated, e.g. `{{path.basename}}-prod`.'),
    namespace: z.string().optional().describe("Default: the ApplicationSet's namespace."),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    finalizers: z.array(z.string()).optional().describe('e.g. trueup.dev/resources-finalizer.'),
  }),
  spec: z
    .record(z.string(), z.unknown())
    .describe('An Application spec (see Application); its strings may hold params.'),
});

export const ApplicationsSync = {
  CreateOnly: 'create-only',
  CreateUpdate: 'create-update',
  CreateDelete: 'create-delete',
  Sync: 'sync',
} as const;
export type ApplicationsSync = (typeof ApplicationsSync)[keyof typeof ApplicationsSync];

export const ApplicationSetSpecSchema = z
  .object({
    generators: z.array(GeneratorSchema).min(1).max(MAX_GENERATORS),
    template: ApplicationTemplateSchema,
    goTemplate: z.boolean().optional().describe("Templates are Go templates with sprig (Argo's goTemplate)."),
    goTemplateOptions: z
      .array(z.string())
      .optional()
      .describe('Options of Go text/template, e.g. missingkey=error.'),
    templatePatch: z
      .string()
      .optional()
      .describe('A Go template producing YAML merged over each generated Application (goTemplate only).'),
    syncPolicy: z
      .object({
        preserveResourcesOnDeletion: z
          .boolean()
          .optional()
          .describe("Deleting the set (or an app it no longer generates) leaves the apps' objects in place."),
        applicationsSync: z
          .enum(['create-only', 'create-update', 'create-delete', 'sync'])
          .optional()
          .describe('What the set may do to its apps (default sync: create, update and delete).'),
      })
      .optional(),
    strategy: opaque.optional().describe(`Refused: ${STRATEGY_MESSAGE}.`),
    preservedFields: opaque.optional().describe(`Refused: ${PRESERVED_FIELDS_MESSAGE}.`),
    ignoreApplicationDifferences: z
      .array(opaque)
      .optional()
      .describe(`Refused: ${IGNORE_APP_DIFFERENCES_MESSAGE}.`),
    applyNestedSelectors: z.boolean().optional().describe(`Refused: ${APPLY_NESTED_SELECTORS_MESSAGE}.`),
  })
  .meta({
    'x-kubernetes-validations': [
      ...refusals({
        strategy: STRATEGY_MESSAGE,
        preservedFields: PRESERVED_FIELDS_MESSAGE,
        ignoreApplicationDifferences: IGNORE_APP_DIFFERENCES_MESSAGE,
        applyNestedSelectors: APPLY_NESTED_SELECTORS_MESSAGE,
      }),
      {
        rule: '!has(self.templatePatch) || (has(self.goTemplate) && self.goTemplate)',
        message: TEMPLATE_PATCH_GO_MESSAGE,
      },
    ],
  })
  .superRefine(
    refuse({
      strategy: STRATEGY_MESSAGE,
      preservedFields: PRESERVED_FIELDS_MESSAGE,
      ignoreApplicationDifferences: IGNORE_APP_DIFFERENCES_MESSAGE,
      applyNestedSelectors: APPLY_NESTED_SELECTORS_MESSAGE,
    }),
  )
  .superRefine((s, ctx) => {
    if (s.templatePatch !== undefined && !s.goTemplate)
      ctx.addIssue({ code: 'custom', path: ['templatePatch'], message: TEMPLATE_PATCH_GO_MESSAGE });
  });

export const ApplicationSetResourceSchema = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  status: z.enum(Object.values(SyncStatusCode) as [SyncStatusCode, ...SyncStatusCode[]]).optional(),
  health: z
    .object({
      status: z.enum(Object.values(HealthStatusCode) as [HealthStatusCode, ...HealthStatusCode[]]),
      message: z.string().optional(),
    })
    .optional(),
});

export const ApplicationSetStatusSchema = z.object({
  observedGeneration: z.int().optional(),
  applicationCount: z.int().optional().describe('How many Applications the set generates.'),
  conditions: z.array(ConditionSchema).optional(),
  resources: z.array(ApplicationSetResourceSchema).optional().describe('The generated Applications.'),
});

export const ApplicationSetSchema = z.object({
  apiVersion: z.literal('trueup.dev/v1alpha1'),
  kind: z.literal(APPSET_KIND),
  metadata: z
    .object({
      name: z.string(),
      namespace: z.string(),
      uid: z.string().optional(),
      generation: z.int().optional(),
      resourceVersion: z.string().optional(),
      deletionTimestamp: z.string().optional(),
      finalizers: z.array(z.string()).optional(),
    })
    .loose(),
  spec: ApplicationSetSpecSchema,
  status: ApplicationSetStatusSchema.optional(),
});

export const AppSetConditionType = {
  ErrorOccurred: 'ErrorOccurred',
  ParametersGenerated: 'ParametersGenerated',
  ResourcesUpToDate: 'ResourcesUpToDate',
} as const;

export type LabelSelector = z.infer<typeof LabelSelectorSchema>;
export type ListGenerator = z.infer<typeof ListGeneratorSchema>;
export type GitGenerator = z.infer<typeof GitGeneratorSchema>;
export type ClustersGenerator = z.infer<typeof ClustersGeneratorSchema>;
export type PullRequestGenerator = z.infer<typeof PullRequestGeneratorSchema>;
export type LeafGenerator = z.infer<typeof LeafGeneratorSchema>;
export type Generator = z.infer<typeof GeneratorSchema>;
export type ApplicationTemplate = z.infer<typeof ApplicationTemplateSchema>;
export type ApplicationSetSpec = z.infer<typeof ApplicationSetSpecSchema>;
export type ApplicationSetStatus = z.infer<typeof ApplicationSetStatusSchema>;
export type ApplicationSetResource = z.infer<typeof ApplicationSetResourceSchema>;
export type ApplicationSet = z.infer<typeof ApplicationSetSchema>;
