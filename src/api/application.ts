/**
 * The `Application` resource (trueup.dev/v1alpha1): the single source of its shape. The CRD in
 * crds/ is generated from these schemas by scripts/gen-crd.ts; the controller parses specs with
 * them. Field names follow Argo CD's Application so existing manifests only change apiVersion.
 *
 * This file holds the resource (group, version, kind), its spec and the annotations and
 * finalizers trueup reads and writes; the spec's and status's parts each have a file:
 * application-source.ts (with source-rules.ts, kustomize-source.ts, directory-source.ts,
 * helm-source.ts), destination.ts, sync-policy.ts, ignore-differences.ts, decryption.ts,
 * application-status.ts, application-operation.ts and status-common.ts.
 */
import { z } from 'zod';
import { OperationSchema } from './application-operation.js';
import { SourceSchema } from './application-source.js';
import { ApplicationStatusSchema } from './application-status.js';
import { DecryptionSchema } from './decryption.js';
import { DestinationSchema } from './destination.js';
import { IgnoreDifferenceSchema } from './ignore-differences.js';
import { SOURCE_OR_SOURCES_MESSAGE, sourcesSchema } from './sources.js';
import { SyncPolicySchema } from './sync-policy.js';

export const APP_GROUP = 'trueup.dev';
export const APP_VERSION = 'v1alpha1';
export const APP_API_VERSION = `${APP_GROUP}/${APP_VERSION}`;
export const APP_KIND = 'Application';
export const APP_PLURAL = 'applications';
export const APP_SINGULAR = 'application';
export const APP_SHORT_NAMES = ['tapp'] as const;
export const APP_CATEGORIES = ['trueup'] as const;

const stringMap = z.record(z.string(), z.string());

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

export type { HelmParameter, HelmSource } from './helm-source.js';
/** An entry of spec.sources (spec.source's fields, path optional, plus ref and name). */
export type ApplicationSourcesEntry = NonNullable<ApplicationSpec['sources']>[number];
export type ApplicationSpec = z.infer<typeof ApplicationSpecSchema>;
export type Decryption = z.infer<typeof DecryptionSchema>;
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
