/**
 * Registry credentials from a `kubernetes.io/dockerconfigjson` Secret (`.dockerconfigjson`, the
 * `~/.docker/config.json` format) or a legacy `kubernetes.io/dockercfg` one (`.dockercfg`). Pure:
 * the Secret's decoded bytes in, a host → credentials table out. Never puts a secret in a message.
 */
import { OciErrorCode, ociError } from './errors.js';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** The registry host a config key names: `https://index.docker.io/v1/` → `docker.io`, `host:5000/x` → `host:5000`. */
export function registryKey(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]
    ?.toLowerCase();
  if (!host) return '';
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

function entryCredentials(entry: unknown, where: string): RegistryCredentials | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as Record<string, unknown>;
  if (typeof e.auth === 'string' && e.auth !== '') {
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0)
      throw ociError(OciErrorCode.InvalidDockerConfig, `${where}: auth is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof e.username === 'string' && typeof e.password === 'string')
    return { username: e.username, password: e.password };
  if (typeof e.identitytoken === 'string') return { username: '<token>', password: e.identitytoken };
  return undefined;
}

/**
 * The credentials per registry host in a docker config JSON text. `where` names the Secret in
 * messages (`Secret ns/name`). Both `{"auths": {...}}` and the legacy top-level map are read.
 */
export function parseDockerConfig(text: string, where: string): Map<string, RegistryCredentials> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw ociError(OciErrorCode.InvalidDockerConfig, `${where}: not valid JSON`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw ociError(OciErrorCode.InvalidDockerConfig, `${where}: not a JSON object`);
  const root = doc as Record<string, unknown>;
  const auths = (typeof root.auths === 'object' && root.auths !== null ? root.auths : root) as Record<
    string,
    unknown
  >;
  const out = new Map<string, RegistryCredentials>();
  for (const [key, entry] of Object.entries(auths)) {
    const host = registryKey(key);
    const creds = entryCredentials(entry, `${where}: ${host}`);
    if (host && creds && !out.has(host)) out.set(host, creds);
  }
  return out;
}

/** A Secret's `.dockerconfigjson` (or `.dockercfg`), base64 in `data` as the API returns it. */
export function dockerConfigFromSecret(secret: {
  metadata: { namespace?: string; name?: string };
  type?: string;
  data?: Record<string, string>;
}): Map<string, RegistryCredentials> {
  const where = `Secret ${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''}`;
  const raw = secret.data?.['.dockerconfigjson'] ?? secret.data?.['.dockercfg'];
  if (raw === undefined)
    throw ociError(
      OciErrorCode.InvalidDockerConfig,
      `${where}: has no .dockerconfigjson (type kubernetes.io/dockerconfigjson)`,
    );
  return parseDockerConfig(Buffer.from(raw, 'base64').toString('utf8'), where);
}

/** The credentials a docker config holds for a registry host (`registry-1.docker.io` is `docker.io`). */
export function credentialsFor(
  config: ReadonlyMap<string, RegistryCredentials>,
  registry: string,
): RegistryCredentials | undefined {
  return config.get(registryKey(registry));
}
