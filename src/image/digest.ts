/**
 * Digest reflection (ImagePolicy `digestReflectionPolicy`): the manifest digest of the chosen
 * tag, looked up in the registry with the ImageRepository's credentials, `insecure` and
 * `timeout`, cached per image and tag (`IfNotPresent` keeps it; `Always` looks again after
 * every new scan).
 */
import type { ImageRepository } from '../api/image-repository.js';
import type { OciClient } from '../oci/client.js';
import type { RegistryCredentials } from '../oci/docker-config.js';
import { OciErrorCode, ociError } from '../oci/errors.js';
import { parseImageName } from './scan.js';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

export type DigestMode = 'Never' | 'IfNotPresent' | 'Always';

export class DigestCache {
  private readonly digests = new Map<string, { digest: string; scans: number }>();

  constructor(private readonly oci: OciClient) {}

  /** `scans` is the repository's successful-scan count (for `Always`). */
  async lookup(
    mode: DigestMode,
    repo: ImageRepository,
    tag: string,
    scans: number,
    credentials: () => Promise<RegistryCredentials | undefined>,
    timeoutMs: number,
  ): Promise<string | undefined> {
    if (mode === 'Never') return undefined;
    const k = `${repo.spec.image}:${tag}`;
    const cached = this.digests.get(k);
    if (cached && (mode === 'IfNotPresent' || cached.scans === scans)) return cached.digest;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            ociError(
              OciErrorCode.Timeout,
              `manifest of ${repo.spec.image}:${tag}: the lookup took longer than ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      const manifest = await Promise.race([
        credentials().then((c) =>
          this.oci.manifest(parseImageName(repo.spec.image), tag, MANIFEST_TYPES, {
            credentials: c,
            ...(repo.spec.insecure ? { plainHttp: true } : {}),
          }),
        ),
        timeout,
      ]);
      this.digests.set(k, { digest: manifest.digest, scans });
      return manifest.digest;
    } finally {
      clearTimeout(timer);
    }
  }
}
