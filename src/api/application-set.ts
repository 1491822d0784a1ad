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
 *
 * The generators are in application-set-generators.ts (the pullRequest generator in
 * application-set-pull-request.ts); the refusal helpers in application-set-refusals.ts.
 */
import { z } from 'zod';
import { GeneratorSchema, MAX_GENERATORS } from './application-set-generators.js';
import { opaque, refusals, refuse } from './application-set-refusals.js';
import { ConditionSchema, HealthStatusCode, SyncStatusCode } from './status-common.js';

export const APPSET_KIND = 'ApplicationSet';
export const APPSET_PLURAL = 'applicationsets';
export const APPSET_SINGULAR = 'applicationset';
export const APPSET_SHORT_NAMES = ['tappset'] as const;

/** The label every generated Application carries: the name of its ApplicationSet. */
export const APPSET_LABEL = 'trueup.dev/application-set';

export const STRATEGY_MESSAGE = 'strategy (progressive syncs) is not supported: remove it';
export const PRESERVED_FIELDS_MESSAGE = 'preservedFields is not supported: remove it';
export const IGNORE_APP_DIFFERENCES_MESSAGE = 'ignoreApplicationDifferences is not supported: remove it';
export const APPLY_NESTED_SELECTORS_MESSAGE =
  'applyNestedSelectors is not supported: selectors of nested generators always apply in trueup';
export const TEMPLATE_PATCH_GO_MESSAGE = 'templatePatch needs goTemplate: true';

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

export type ApplicationTemplate = z.infer<typeof ApplicationTemplateSchema>;
export type ApplicationSetSpec = z.infer<typeof ApplicationSetSpecSchema>;
export type ApplicationSetStatus = z.infer<typeof ApplicationSetStatusSchema>;
export type ApplicationSetResource = z.infer<typeof ApplicationSetResourceSchema>;
export type ApplicationSet = z.infer<typeof ApplicationSetSchema>;
