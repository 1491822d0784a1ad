/**
 * The `Application` resource (trueup.dev/v1alpha1): the single source of its shape. The CRD in
 * crds/ is generated from these schemas by scripts/gen-crd.ts; the controller parses specs with
 * them. Field names follow Argo CD's Application so existing manifests only change apiVersion.
 */
import { z } from 'zod';
import { DecryptionSchema } from './decryption.js';
import { HelmSourceSchema, PASS_CREDENTIALS_MESSAGE } from './helm-source.js';
import { DeliveredSchema, MAX_DELIVERED } from './notification-status.js';
import { SOURCE_OR_SOURCES_MESSAGE, sourcesSchema } from './sources.js';
import {
  appSyncOptionProblem,
  SYNC_OPTION_MAX_LENGTH,
  SYNC_OPTIONS_MAX_ITEMS,
  syncOptionCelRules,
} from './sync-options.js';

export const APP_GROUP = 'trueup.dev';
export const APP_VERSION = 'v1alpha1';
export const APP_API_VERSION = `${APP_GROUP}/${APP_VERSION}`;
export const APP_KIND = 'Application';
export const APP_PLURAL = 'applications';
export const APP_SINGULAR = 'application';
export const APP_SHORT_NAMES = ['tapp'] as const;
export const APP_CATEGORIES = ['trueup'] as const;

/** The in-cluster API server, Argo CD's default destination. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** Duration text as Go's time.ParseDuration reads it (`5s`, `1m30s`, `200ms`). */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$';
const duration = z.string().regex(new RegExp(DURATION_PATTERN), 'must be a duration such as 5s or 1m30s');

const stringMap = z.record(z.string(), z.string());

/** The CEL rule kubectl apply meets and the zod check the controller runs, with one message. */
function ruled(schema: z.ZodString, rule: string, message: string, test: (v: string) => boolean) {
  return schema.meta({ 'x-kubernetes-validations': [{ rule, message }] }).refine(test, { message });
}

/** One app-wide sync option (`Name=value`), checked against the table in sync-options.ts. */
const syncOptionsList = z
  .array(
    z
      .string()
      .max(SYNC_OPTION_MAX_LENGTH)
      .meta({ 'x-kubernetes-validations': syncOptionCelRules() })
      .superRefine((entry, ctx) => {
        const problem = appSyncOptionProblem(entry);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  )
  .max(SYNC_OPTIONS_MAX_ITEMS);

export const HTTP_ONLY_MESSAGE = 'only http(s) Git URLs are supported (no SSH)';
export const CHART_REPO_URL_MESSAGE =
  'a chart repository is an http(s):// Helm repository, an oci:// registry, or host/path (an OCI registry with an enableOCI repository Secret)';
export const CHART_ALONE_MESSAGE =
  'chart (a chart from a Helm repository) cannot be combined with path, kustomize or directory: the chart is rendered from its own directory';
const CHART_REPO_URL = /^((https?|oci):\/\/|[^:/]+(:[0-9]+)?(\/|$))/i;
export const PATH_INSIDE_MESSAGE = 'must stay inside the repository (no .. segments)';
export const KUSTOMIZE_OR_DIRECTORY_MESSAGE =
  'set either kustomize (a kustomization at path) or directory (a plain directory of manifests), not both';
export const HELM_ALONE_MESSAGE =
  'helm (a chart at path) cannot be combined with kustomize or directory: set one of them';

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

export const SourceSchema = z
  .object({
    // The scheme is checked with chart in view (below); the controller checks it again naming the URL.
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
  .meta({
    'x-kubernetes-validations': [
      { rule: '!(has(self.kustomize) && has(self.directory))', message: KUSTOMIZE_OR_DIRECTORY_MESSAGE },
      {
        rule: '!has(self.helm) || !(has(self.kustomize) || has(self.directory))',
        message: HELM_ALONE_MESSAGE,
      },
      // fieldPath: the API server names the field (spec.source.repoURL), as a rule on it would.
      {
        rule: "has(self.chart) || self.repoURL.matches('^https?://')",
        message: HTTP_ONLY_MESSAGE,
        fieldPath: '.repoURL',
      },
      {
        rule: "!has(self.chart) || self.repoURL.matches('^((https?|oci)://|[^:/]+(:[0-9]+)?(/|$))')",
        message: CHART_REPO_URL_MESSAGE,
        fieldPath: '.repoURL',
      },
      {
        rule: "!has(self.chart) || ((!has(self.path) || self.path == '.' || self.path == '') && !has(self.kustomize) && !has(self.directory))",
        message: CHART_ALONE_MESSAGE,
        fieldPath: '.chart',
      },
      {
        rule: '!has(self.helm) || !has(self.helm.passCredentials) || has(self.chart)',
        message: PASS_CREDENTIALS_MESSAGE,
        fieldPath: '.helm.passCredentials',
      },
    ],
  })
  .superRefine((s, ctx) => {
    if (s.kustomize && s.directory) ctx.addIssue({ code: 'custom', message: KUSTOMIZE_OR_DIRECTORY_MESSAGE });
    if (s.helm && (s.kustomize || s.directory)) ctx.addIssue({ code: 'custom', message: HELM_ALONE_MESSAGE });
    // A Git repoURL's scheme: checked by the controller (validateSpec), naming the URL.
    if (s.chart !== undefined && !CHART_REPO_URL.test(s.repoURL))
      ctx.addIssue({ code: 'custom', path: ['repoURL'], message: CHART_REPO_URL_MESSAGE });
    if (s.chart !== undefined && ((s.path !== '.' && s.path !== '') || s.kustomize || s.directory))
      ctx.addIssue({ code: 'custom', path: ['chart'], message: CHART_ALONE_MESSAGE });
    if (s.helm?.passCredentials !== undefined && s.chart === undefined)
      ctx.addIssue({ code: 'custom', path: ['helm', 'passCredentials'], message: PASS_CREDENTIALS_MESSAGE });
  });

export const DestinationSchema = z.object({
  server: z
    .string()
    .min(1)
    .optional()
    .describe(
      `API server of the destination cluster: ${IN_CLUSTER_SERVER} (the controller's own, the default) or the server of a cluster Secret.`,
    ),
  name: z
    .string()
    .optional()
    .describe('Cluster name instead of server: in-cluster or the name of a cluster Secret.'),
  namespace: z.string().optional().describe('Namespace for objects that do not name one.'),
});

export const RetrySchema = z.object({
  limit: z.int().min(-1).optional().describe('Maximum retries; -1 or unset for unlimited.'),
  backoff: z
    .object({
      duration: duration.optional().describe('First delay, default 5s.'),
      factor: z.int().min(1).optional().describe('Multiplier per retry, default 2.'),
      maxDuration: duration.optional().describe('Upper bound of the delay, default 3m.'),
    })
    .optional(),
});

export const SyncPolicySchema = z.object({
  automated: z
    .object({
      prune: z.boolean().optional(),
      selfHeal: z.boolean().optional(),
      allowEmpty: z.boolean().optional(),
    })
    .optional(),
  syncOptions: syncOptionsList
    .optional()
    .describe('e.g. CreateNamespace=true, PruneLast=true (the accepted options are listed in the README).'),
  retry: RetrySchema.optional(),
});

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

export const ApplicationSpecSchema = z
  .object({
    source: SourceSchema.optional(),
    sources: sourcesSchema(SourceSchema).optional(),
    destination: DestinationSchema,
    project: z
      .string()
      .max(253)
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be the name of an AppProject')
      .optional()
      .describe(
        "The AppProject (in the controller's namespace) whose rules bound this app; default: 'default'.",
      ),
    syncPolicy: SyncPolicySchema.optional(),
    serviceAccountName: z
      .string()
      .max(253)
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be the name of a ServiceAccount')
      .optional()
      .describe(
        "Sync as this ServiceAccount of the Application's namespace (impersonation, Flux's field); a project's destinationServiceAccounts take precedence.",
      ),
    ignoreDifferences: z.array(IgnoreDifferenceSchema).optional(),
    decryption: DecryptionSchema.optional(),
    revisionHistoryLimit: z
      .int()
      .min(0)
      .max(100)
      .optional()
      .describe('Entries kept in status.history, default 10.'),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.source) != has(self.sources)', message: SOURCE_OR_SOURCES_MESSAGE },
    ],
  })
  .superRefine((s, ctx) => {
    if ((s.source === undefined) === (s.sources === undefined))
      ctx.addIssue({ code: 'custom', message: SOURCE_OR_SOURCES_MESSAGE });
  });

export const SyncStatusCode = { Synced: 'Synced', OutOfSync: 'OutOfSync', Unknown: 'Unknown' } as const;
export type SyncStatusCode = (typeof SyncStatusCode)[keyof typeof SyncStatusCode];

export const HealthStatusCode = {
  Healthy: 'Healthy',
  Progressing: 'Progressing',
  Degraded: 'Degraded',
  Suspended: 'Suspended',
  Missing: 'Missing',
  Unknown: 'Unknown',
} as const;
export type HealthStatusCode = (typeof HealthStatusCode)[keyof typeof HealthStatusCode];

export const OperationPhase = {
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Error: 'Error',
  Terminating: 'Terminating',
} as const;
export type OperationPhase = (typeof OperationPhase)[keyof typeof OperationPhase];

export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  /** True while Secrets rendered from Git hold cleartext data (absent otherwise). */
  PlainSecret: 'PlainSecret',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

const syncCode = z.enum(['Synced', 'OutOfSync', 'Unknown']);
const healthCode = z.enum(['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown']);
const time = z.string().describe('RFC 3339 time');

export const ConditionSchema = z.object({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: time.optional(),
  observedGeneration: z.int().optional(),
});

export const ResourceStatusSchema = z.object({
  group: z.string().optional(),
  version: z.string().optional(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  status: syncCode.optional(),
  health: z.object({ status: healthCode, message: z.string().optional() }).optional(),
  message: z.string().optional(),
  requiresPruning: z
    .boolean()
    .optional()
    .describe('True when Git no longer has the object but it is still in the cluster (as Argo CD).'),
});

export const HistoryEntrySchema = z.object({
  id: z.int(),
  revision: z.string(),
  deployedAt: time,
  deployStartedAt: time.optional().describe('When the sync that deployed this entry started.'),
  initiatedBy: z
    .object({ username: z.string().optional(), automated: z.boolean().optional() })
    .optional()
    .describe('Who asked for the sync: a user (requested operation) or the controller (automated sync).'),
  phase: z
    .enum(['Succeeded'])
    .optional()
    .describe(
      'The result of the sync that deployed this entry. Only a sync that succeeded deploys a revision, so entries are never Failed: a failed sync is reported by operationState, and failures cannot push rollback targets out of the history.',
    ),
  message: z
    .string()
    .optional()
    .describe("That sync's result message (objects created, configured and pruned)."),
  source: z.object({ repoURL: z.string(), targetRevision: z.string(), path: z.string() }).optional(),
  revisions: z
    .array(z.string())
    .optional()
    .describe('With spec.sources: the revision of each source, in order.'),
  sources: z
    .array(z.object({ repoURL: z.string(), targetRevision: z.string(), path: z.string().optional() }))
    .optional()
    .describe('With spec.sources: the sources deployed.'),
});

/** An object named by group, kind, namespace and name (Argo CD's resource reference). */
const ResourceRefSchema = z.object({
  group: z.string().optional(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
});

export const SyncOperationSchema = z.object({
  revision: z.string().optional(),
  revisions: z
    .array(z.string())
    .optional()
    .describe("With spec.sources: the revision to sync for each source, in order (Argo CD's field)."),
  prune: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  syncOptions: syncOptionsList.optional(),
  resources: z
    .array(ResourceRefSchema)
    .optional()
    .describe(
      'Sync only these objects (as Argo CD selective sync): the others are neither applied nor pruned, and hooks do not run.',
    ),
});

export const OperationSchema = z
  .object({
    sync: SyncOperationSchema.optional(),
    initiatedBy: z.object({ username: z.string().optional(), automated: z.boolean().optional() }).optional(),
    info: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  })
  .describe('A requested operation (manual sync); the controller runs it and removes it.');

export const OperationStateSchema = z.object({
  operation: OperationSchema.optional(),
  phase: z.enum(['Running', 'Succeeded', 'Failed', 'Error', 'Terminating']),
  message: z.string().optional(),
  startedAt: time.optional(),
  finishedAt: time.optional(),
  retryCount: z.int().optional(),
  generation: z
    .int()
    .optional()
    .describe(
      'metadata.generation of the Application when the requested operation recorded here ran: an operation still present at that generation is not run again.',
    ),
  syncResult: z
    .object({
      revision: z.string().optional(),
      revisions: z.array(z.string()).optional().describe('With spec.sources: the revision of each source.'),
      resources: z
        .array(ResourceRefSchema.extend({ status: z.string().optional(), message: z.string().optional() }))
        .optional(),
    })
    .optional(),
});

export const ApplicationStatusSchema = z.object({
  observedGeneration: z.int().optional(),
  reconciledAt: time.optional(),
  sync: z
    .object({
      status: syncCode,
      revision: z
        .string()
        .optional()
        .describe("The revision compared (with spec.sources: each source's revision, joined by commas)."),
      revisions: z.array(z.string()).optional().describe('With spec.sources: the revision of each source.'),
      syncedRevision: z
        .string()
        .optional()
        .describe('The last revision the app was synced to (applied, or found already in sync).'),
    })
    .optional(),
  health: z.object({ status: healthCode, message: z.string().optional() }).optional(),
  conditions: z.array(ConditionSchema).optional(),
  resources: z.array(ResourceStatusSchema).optional(),
  history: z.array(HistoryEntrySchema).optional(),
  operationState: OperationStateSchema.optional(),
  summary: z.object({ images: z.array(z.string()).optional() }).optional(),
  notifications: z
    .array(DeliveredSchema)
    .max(MAX_DELIVERED)
    .optional()
    .describe('Notifications and commit statuses delivered (the latest per provider and event).'),
});

export const ApplicationSchema = z.object({
  apiVersion: z.literal(APP_API_VERSION),
  kind: z.literal(APP_KIND),
  metadata: z
    .object({
      name: z.string(),
      namespace: z.string(),
      uid: z.string().optional(),
      generation: z.int().optional(),
      resourceVersion: z.string().optional(),
      deletionTimestamp: z.string().optional(),
      finalizers: z.array(z.string()).optional(),
      annotations: stringMap.optional(),
      labels: stringMap.optional(),
    })
    .loose(),
  spec: ApplicationSpecSchema,
  operation: OperationSchema.optional(),
  status: ApplicationStatusSchema.optional(),
});

export type KustomizeOverrides = z.infer<typeof KustomizeOverridesSchema>;
export type { HelmParameter, HelmSource } from './helm-source.js';
export type ApplicationSource = z.infer<typeof SourceSchema>;
/** An entry of spec.sources (spec.source's fields, path optional, plus ref and name). */
export type ApplicationSourcesEntry = NonNullable<ApplicationSpec['sources']>[number];
export type ApplicationDestination = z.infer<typeof DestinationSchema>;
export type SyncPolicy = z.infer<typeof SyncPolicySchema>;
export type RetryPolicy = z.infer<typeof RetrySchema>;
export type IgnoreDifference = z.infer<typeof IgnoreDifferenceSchema>;
export type ApplicationSpec = z.infer<typeof ApplicationSpecSchema>;
export type Decryption = z.infer<typeof DecryptionSchema>;
export type Condition = z.infer<typeof ConditionSchema>;
export type ResourceStatus = z.infer<typeof ResourceStatusSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
export type Operation = z.infer<typeof OperationSchema>;
export type OperationState = z.infer<typeof OperationStateSchema>;
export type ApplicationStatus = z.infer<typeof ApplicationStatusSchema>;
export type Application = z.infer<typeof ApplicationSchema>;

/** Annotations and the finalizer trueup reads and writes (all under `trueup.dev/`). */
export const Annotation = {
  /** `<app-ns>/<app-name>:<group>/<Kind>:<namespace>/<name>` on every managed object. */
  TrackingId: 'trueup.dev/tracking-id',
  /** `normal` or `hard` on an Application: re-check now (hard also drops caches). */
  Refresh: 'trueup.dev/refresh',
  SyncOptions: 'trueup.dev/sync-options',
  SyncWave: 'trueup.dev/sync-wave',
  Hook: 'trueup.dev/hook',
  HookDeletePolicy: 'trueup.dev/hook-delete-policy',
  CompareOptions: 'trueup.dev/compare-options',
  /** On an Application: confirms the pruning of its Prune=confirm objects (removed after the next sync). */
  DeletionApproved: 'trueup.dev/deletion-approved',
  /**
   * On an Application, `"true"` or `"false"`: a Secret from Git holding cleartext data fails the
   * sync instead of warning. `"false"` cannot relax the controller's --deny-plain-secrets.
   */
  DenyPlainSecrets: 'trueup.dev/deny-plain-secrets',
  /**
   * On a Namespace trueup created (CreateNamespace=true): `<app-ns>/<app-name>` of the app it was
   * created for; DeleteNamespace=true deletes only a namespace carrying its own app's mark.
   */
  NamespaceCreatedFor: 'trueup.dev/namespace-created-for',
} as const;

/** Argo CD's annotation of the same meaning, honoured too. */
export const ARGO_DELETION_APPROVED = 'argocd.argoproj.io/deletion-approved';

export const RESOURCES_FINALIZER = 'trueup.dev/resources-finalizer';
/** Argo CD's finalizer: an Application carrying it is finalized as with ours. */
export const ARGO_RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

export const RefreshType = { Normal: 'normal', Hard: 'hard' } as const;
export type RefreshType = (typeof RefreshType)[keyof typeof RefreshType];
