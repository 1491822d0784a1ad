/**
 * `ImageRepository` (trueup.dev/v1alpha1): a container image repository scanned for tags on an
 * interval, with Flux's field names (image.toolkit.fluxcd.io ImageRepository) so existing
 * manifests work by changing `apiVersion`.
 */
import { z } from 'zod';
import {
  duration,
  IMAGE_API_VERSION,
  ImageMetadataSchema,
  imageConditions,
  LocalRefSchema,
  refused,
  refusedRules,
  refuseFields,
} from './image-common.js';

export const IMAGE_REPOSITORY_KIND = 'ImageRepository';
export const IMAGE_REPOSITORY_PLURAL = 'imagerepositories';

/** Flux's default: cosign signatures are tags, never images to deploy. */
export const DEFAULT_EXCLUSION_LIST = ['^.*\\.sig$'] as const;
/** Tags kept in status.lastScanResult.latestTags (Flux keeps 10). */
export const LATEST_TAGS_KEPT = 10;

const REFUSED_REPOSITORY_FIELDS = {
  certSecretRef:
    'certSecretRef is not supported yet: the controller trusts the system CAs (NODE_EXTRA_CA_CERTS)',
  proxySecretRef: 'proxySecretRef is not supported: the controller connects directly',
  serviceAccountName:
    'serviceAccountName is not supported: put the registry credentials in a dockerconfigjson Secret and name it in secretRef',
  accessFrom: 'accessFrom is not supported: an ImagePolicy reads ImageRepositories of its own namespace only',
} as const;

export const IMAGE_NAME_MESSAGE =
  'image must be a repository without scheme, tag or digest (e.g. ghcr.io/org/app or localhost:5000/app)';

export const PROVIDER_MESSAGE =
  'provider: only generic is supported (cloud provider logins are not: use secretRef with a dockerconfigjson Secret)';

export const ImageRepositorySpecSchema = z
  .object({
    image: z
      .string()
      .min(1)
      .meta({
        'x-kubernetes-validations': [
          { rule: "!self.contains('://') && !self.contains('@')", message: IMAGE_NAME_MESSAGE },
        ],
      })
      .refine((v) => !v.includes('://') && !v.includes('@') && !/:[^/]*$/.test(v.replace(/^[^/]*\//, '')), {
        message: IMAGE_NAME_MESSAGE,
      })
      .describe('The image repository, without tag or digest (`ghcr.io/org/app`, `nginx`).'),
    interval: duration.describe('How often the registry is scanned.'),
    timeout: duration.optional().describe('How long one scan may take (every request of it); default 60s.'),
    secretRef: LocalRefSchema.optional().describe(
      'A `kubernetes.io/dockerconfigjson` Secret in the same namespace with the registry credentials.',
    ),
    exclusionList: z
      .array(z.string().min(1))
      .max(25)
      .optional()
      .describe('Regular expressions: matching tags are dropped from the scan (default `^.*\\.sig$`).'),
    insecure: z.boolean().optional().describe('Talk plain HTTP to the registry.'),
    suspend: z.boolean().optional().describe('Stop scanning (the last result stays).'),
    provider: z
      .enum(['generic', 'aws', 'azure', 'gcp'])
      .optional()
      .meta({ 'x-kubernetes-validations': [{ rule: "self == 'generic'", message: PROVIDER_MESSAGE }] })
      .refine((v) => v === 'generic', { message: PROVIDER_MESSAGE })
      .describe('Only `generic` (credentials from secretRef).'),
    certSecretRef: refused(LocalRefSchema, REFUSED_REPOSITORY_FIELDS.certSecretRef),
    proxySecretRef: refused(LocalRefSchema, REFUSED_REPOSITORY_FIELDS.proxySecretRef),
    serviceAccountName: refused(z.string(), REFUSED_REPOSITORY_FIELDS.serviceAccountName),
    accessFrom: refused(
      z.record(z.string(), z.unknown()).meta({ 'x-kubernetes-preserve-unknown-fields': true }),
      REFUSED_REPOSITORY_FIELDS.accessFrom,
    ),
  })
  .strict()
  .meta({ 'x-kubernetes-validations': refusedRules(REFUSED_REPOSITORY_FIELDS) })
  .superRefine(refuseFields(REFUSED_REPOSITORY_FIELDS))
  .describe('Which registry repository to scan, how often and with which credentials.');

export const ScanResultSchema = z.object({
  tagCount: z.int().describe('Tags left after the exclusion list.'),
  scanTime: z.string().describe('When the scan finished (RFC 3339).'),
  latestTags: z
    .array(z.string())
    .optional()
    .describe('Up to 10 tags, highest first in reverse alphabetical order (as Flux lists them).'),
});

export const ImageRepositoryStatusSchema = z.object({
  observedGeneration: z.int().optional(),
  conditions: imageConditions,
  canonicalImageName: z
    .string()
    .optional()
    .describe('The image as scanned (`index.docker.io/library/nginx`).'),
  lastScanResult: ScanResultSchema.optional(),
  observedExclusionList: z.array(z.string()).optional(),
});

export const ImageRepositorySchema = z.object({
  apiVersion: z.literal(IMAGE_API_VERSION),
  kind: z.literal(IMAGE_REPOSITORY_KIND),
  metadata: ImageMetadataSchema,
  spec: ImageRepositorySpecSchema,
  status: ImageRepositoryStatusSchema.optional(),
});

export type ImageRepositorySpec = z.infer<typeof ImageRepositorySpecSchema>;
export type ImageRepositoryStatus = z.infer<typeof ImageRepositoryStatusSchema>;
export type ImageRepository = z.infer<typeof ImageRepositorySchema>;
export type ScanResult = z.infer<typeof ScanResultSchema>;
