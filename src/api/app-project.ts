/**
 * The `AppProject` resource (trueup.dev/v1alpha1), with Argo CD's field names: what the
 * Applications of a project may deploy — source repositories, destinations, kinds — from which
 * namespaces, and when (sync windows). Projects live in the controller's namespace; a `default`
 * project allowing everything is created when missing. The CRD in crds/ is generated from this
 * schema (src/api/crds.ts).
 */
import { z } from 'zod';
import { APP_GROUP, APP_VERSION } from './application.js';
import { customResourceDefinition, specStatusOpenApiSchema } from './crd.js';
import { DURATION_PATTERN } from './duration.js';

export const PROJECT_KIND = 'AppProject';
export const PROJECT_PLURAL = 'appprojects';
export const DEFAULT_PROJECT = 'default';

const globs = z.array(z.string().min(1));

/** A kind by group (`''` is the core group) and kind, each a glob (`*`). */
export const GroupKindSchema = z.object({
  group: z.string().describe("API group glob ('' is the core group, '*' any)."),
  kind: z.string().min(1).describe("Kind glob ('*' any)."),
});

export const ProjectDestinationSchema = z.object({
  server: z.string().optional().describe("API server URL glob ('*' any)."),
  name: z.string().optional().describe("Cluster name glob ('*' any)."),
  namespace: z
    .string()
    .optional()
    .describe("Namespace glob; a leading '!' makes the entry a deny entry ('!kube-system')."),
});

export const DestinationServiceAccountSchema = z.object({
  server: z.string().min(1).describe("API server URL glob ('*' any)."),
  namespace: z.string().min(1).describe("Destination namespace glob ('*' any)."),
  defaultServiceAccount: z
    .string()
    .regex(
      /^([a-z0-9]([-a-z0-9]*[a-z0-9])?:)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
      'must be NAME or NAMESPACE:NAME',
    )
    .describe(
      'The ServiceAccount (NAME in the destination namespace, or NAMESPACE:NAME) applies are made as.',
    ),
});

export const SyncWindowSchema = z.object({
  kind: z.enum(['allow', 'deny']),
  schedule: z.string().min(1).describe("Cron schedule of the window's start (`0 22 * * *`)."),
  duration: z
    .string()
    .regex(new RegExp(DURATION_PATTERN), 'must be a duration such as 1h or 30m')
    .describe('How long the window stays open after each start (`1h`, `90m`).'),
  applications: globs.optional().describe('Application name globs the window applies to.'),
  namespaces: globs.optional().describe('Destination namespace globs the window applies to.'),
  clusters: globs.optional().describe('Destination server or cluster name globs the window applies to.'),
  manualSync: z
    .boolean()
    .optional()
    .describe('Manual syncs are let through while the window blocks automated ones.'),
  timeZone: z.string().optional().describe('IANA time zone of the schedule (default UTC).'),
  andOperator: z
    .boolean()
    .optional()
    .describe('Match only apps that every given selector (applications, namespaces, clusters) matches.'),
});

export const AppProjectSpecSchema = z.object({
  description: z.string().optional(),
  sourceRepos: globs.optional().describe("Repository URL globs apps may use ('*' any; '!' denies)."),
  destinations: z.array(ProjectDestinationSchema).optional(),
  clusterResourceWhitelist: z
    .array(GroupKindSchema)
    .optional()
    .describe('Cluster-scoped kinds allowed (none if unset).'),
  clusterResourceBlacklist: z.array(GroupKindSchema).optional(),
  namespaceResourceWhitelist: z
    .array(GroupKindSchema)
    .optional()
    .describe('Namespaced kinds allowed (all if unset).'),
  namespaceResourceBlacklist: z.array(GroupKindSchema).optional(),
  sourceNamespaces: globs
    .optional()
    .describe("Namespaces (globs) whose Applications may use this project besides the controller's."),
  syncWindows: z.array(SyncWindowSchema).optional(),
  destinationServiceAccounts: z
    .array(DestinationServiceAccountSchema)
    .optional()
    .describe(
      'The ServiceAccount each destination is synced as (impersonation): the first entry whose server and namespace globs match.',
    ),
});

export const AppProjectSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.object({ name: z.string(), namespace: z.string().optional() }).loose(),
  spec: AppProjectSpecSchema,
});

export type AppProjectSpec = z.infer<typeof AppProjectSpecSchema>;
export type AppProject = z.infer<typeof AppProjectSchema>;
export type SyncWindow = z.infer<typeof SyncWindowSchema>;
export type GroupKind = z.infer<typeof GroupKindSchema>;
export type DestinationServiceAccount = z.infer<typeof DestinationServiceAccountSchema>;

/** The spec of the `default` project trueup creates when it is missing: everything allowed. */
export const DEFAULT_PROJECT_SPEC: AppProjectSpec = {
  description: 'Created by trueup: no restrictions.',
  sourceRepos: ['*'],
  destinations: [{ server: '*', name: '*', namespace: '*' }],
  clusterResourceWhitelist: [{ group: '*', kind: '*' }],
  sourceNamespaces: ['*'],
};

export function appProjectCrd(): Record<string, unknown> {
  return customResourceDefinition({
    group: APP_GROUP,
    version: APP_VERSION,
    kind: PROJECT_KIND,
    plural: PROJECT_PLURAL,
    singular: 'appproject',
    shortNames: ['tappproj'],
    categories: ['trueup'],
    printerColumns: [
      { name: 'Description', type: 'string', jsonPath: '.spec.description' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
    openAPIV3Schema: specStatusOpenApiSchema(
      AppProjectSchema,
      'What the Applications of a project may deploy, where, and when (Argo CD AppProject fields).',
    ),
  });
}
