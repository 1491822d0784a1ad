/**
 * Scanning an ImageRepository: the image name as Docker reads it (`nginx` is
 * `docker.io/library/nginx`), credentials from a dockerconfigjson Secret, every tag through the
 * OCI client (Link pagination, bearer or basic challenges, typed errors with retry classes),
 * the exclusion list applied, all within the spec's timeout.
 */
import type { ImageRepository, ImageRepositorySpec } from '../api/image-repository.js';
import { DEFAULT_EXCLUSION_LIST } from '../api/image-repository.js';
import type { ClusterClient } from '../kube/index.js';
import type { OciClient } from '../oci/client.js';
import { credentialsFor, dockerConfigFromSecret, type RegistryCredentials } from '../oci/docker-config.js';
import { OciErrorCode, ociError } from '../oci/errors.js';
import type { OciRepository } from '../oci/reference.js';
import { ImageErrorCode, imageError } from './errors.js';
import { excludeTags } from './policy.js';

/** `nginx` → docker.io + nginx; `ghcr.io/org/app` → ghcr.io + org/app; `localhost:5000/app` kept. */
export function parseImageName(image: string): OciRepository {
  const text = image.trim().replace(/\/+$/, '');
  const slash = text.indexOf('/');
  const first = slash < 0 ? '' : text.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: first.toLowerCase(), repository: text.slice(slash + 1) };
  }
  return { registry: 'docker.io', repository: text };
}

/** The name Flux reports as canonicalImageName (`index.docker.io/library/nginx` for Docker Hub). */
export function canonicalImageName(repo: OciRepository): string {
  if (repo.registry === 'docker.io') {
    const path = repo.repository.includes('/') ? repo.repository : `library/${repo.repository}`;
    return `index.docker.io/${path}`;
  }
  return `${repo.registry}/${repo.repository}`;
}

export interface ScanOutput {
  /** Tags after the exclusion list, in the registry's order. */
  tags: string[];
  /** Tags the registry listed. */
  listed: number;
}

/** Lists the tags of the repository within `timeoutMs`. */
export async function scanTags(
  oci: OciClient,
  spec: ImageRepositorySpec,
  credentials: RegistryCredentials | undefined,
  timeoutMs: number,
): Promise<ScanOutput> {
  const repo = parseImageName(spec.image);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          ociError(OciErrorCode.Timeout, `tags of ${spec.image}: the scan took longer than ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  try {
    const listed = await Promise.race([
      oci.tags(repo, { credentials, ...(spec.insecure ? { plainHttp: true } : {}) }),
      timeout,
    ]);
    return { tags: excludeTags(listed, spec.exclusionList ?? DEFAULT_EXCLUSION_LIST), listed: listed.length };
  } finally {
    clearTimeout(timer);
  }
}

/** Flux's latestTags: up to `n` tags, reverse-sorted. */
export function latestTags(tags: readonly string[], n: number): string[] {
  return [...tags].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, n);
}

/** The credentials for the repository's registry from its `secretRef` (none without one). */
export async function registryCredentials(
  client: ClusterClient,
  repo: ImageRepository,
): Promise<RegistryCredentials | undefined> {
  const ref = repo.spec.secretRef;
  if (!ref) return undefined;
  const ns = repo.metadata.namespace;
  const secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name: ref.name });
  if (!secret)
    throw imageError(ImageErrorCode.SecretNotFound, `secretRef: Secret ${ns}/${ref.name} not found`);
  return credentialsFor(dockerConfigFromSecret(secret as never), parseImageName(repo.spec.image).registry);
}
