import { SourceErrorCode, sourceError } from './errors.js';
import { normalizeRepoUrl, redactUrl } from './url.js';

/** The part of a Kubernetes Secret the Git source reads (`data` is base64, as the API returns it). */
export interface SecretLike {
  metadata: { namespace?: string; name?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/**
 * Where credentials come from. The controller supplies one backed by its ClusterClient; tests and
 * the CLI pass a static list. Implementations should return only Secrets labelled with
 * SECRET_TYPE_LABEL (or Argo CD's ARGOCD_SECRET_TYPE_LABEL) from `listRepoSecrets`.
 */
export interface SecretSource {
  listRepoSecrets(): Promise<readonly SecretLike[]>;
  getSecret(namespace: string, name: string): Promise<SecretLike | undefined>;
}

export const SECRET_TYPE_LABEL = 'trueup.dev/secret-type';
export const ARGOCD_SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';
export const SecretType = {
  /** Credentials for exactly one repository (`url` must match). */
  Repository: 'repository',
  /** Credentials for every repository whose URL starts with `url` (a credential template). */
  RepoCreds: 'repo-creds',
} as const;

/** HTTP credentials; never logged, never in messages. */
export type GitCredentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string };

export interface SecretRef {
  namespace: string;
  name: string;
}

/** The Authorization header value for the credentials. */
export function authorizationHeader(creds: GitCredentials): string {
  if (creds.kind === 'bearer') return `Bearer ${creds.token}`;
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
}

/** A Secret's string value (stringData first, else base64-decoded data). */
export function secretField(secret: SecretLike, key: string): string | undefined {
  const plain = secret.stringData?.[key];
  if (plain !== undefined) return plain;
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

const describeSecret = (s: SecretLike) => `Secret ${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`;

/**
 * Credentials from a Secret: `username` + `password`; or `token` (sent as the password, user
 * `username` or `x-access-token`, as GitHub and GitLab accept); or `bearerToken`.
 */
export function credentialsFromSecret(secret: SecretLike): GitCredentials {
  const bearer = secretField(secret, 'bearerToken');
  if (bearer) return { kind: 'bearer', token: bearer.trim() };
  const token = secretField(secret, 'token');
  const username = secretField(secret, 'username');
  const password = secretField(secret, 'password') ?? token;
  if (password === undefined) {
    throw sourceError(
      SourceErrorCode.InvalidCredentials,
      `${describeSecret(secret)}: has none of password, token or bearerToken`,
    );
  }
  return { kind: 'basic', username: username ?? 'x-access-token', password };
}

export function secretTypeOf(secret: SecretLike): string | undefined {
  const labels = secret.metadata.labels ?? {};
  return labels[SECRET_TYPE_LABEL] ?? labels[ARGOCD_SECRET_TYPE_LABEL];
}

/** True when `prefix` covers `repo` (both normalised) on a path boundary. */
function covers(prefix: string, repo: string): boolean {
  if (repo === prefix) return true;
  return repo.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/**
 * Picks the Secret for a repository: a `repository` Secret whose url equals the repo's, else the
 * `repo-creds` Secret with the longest url prefix covering it (Argo CD's rule, on path boundaries,
 * so `https://h/org` does not match `https://h/org-other/x`). Pure; ties break by namespace/name.
 */
export function matchSecret(repoUrl: string, secrets: readonly SecretLike[]): SecretLike | undefined {
  const repo = normalizeRepoUrl(repoUrl);
  const sorted = [...secrets].sort((a, b) => describeSecret(a).localeCompare(describeSecret(b)));
  let best: { secret: SecretLike; length: number } | undefined;
  for (const secret of sorted) {
    const url = secretField(secret, 'url');
    if (!url) continue;
    const target = normalizeRepoUrl(url);
    const type = secretTypeOf(secret);
    if (type === SecretType.Repository && target === repo) return secret;
    if (type === SecretType.RepoCreds && covers(target, repo)) {
      if (!best || target.length > best.length) best = { secret, length: target.length };
    }
  }
  return best?.secret;
}

/**
 * The credentials to use for a repository: the Secret named explicitly, else userinfo in the URL,
 * else a matching repository credential Secret, else none (anonymous).
 */
export async function lookupCredentials(
  repoUrl: string,
  options: {
    secrets?: SecretSource;
    secretRef?: SecretRef;
    userinfo?: { username: string; password: string };
  },
): Promise<GitCredentials | undefined> {
  const { secrets, secretRef, userinfo } = options;
  if (secretRef) {
    const secret = secrets ? await secrets.getSecret(secretRef.namespace, secretRef.name) : undefined;
    if (!secret) {
      throw sourceError(
        SourceErrorCode.CredentialsNotFound,
        `repository ${redactUrl(repoUrl)}: Secret ${secretRef.namespace}/${secretRef.name} not found`,
      );
    }
    return credentialsFromSecret(secret);
  }
  if (userinfo) return { kind: 'basic', ...userinfo };
  if (!secrets) return undefined;
  const secret = matchSecret(repoUrl, await secrets.listRepoSecrets());
  return secret ? credentialsFromSecret(secret) : undefined;
}

/** A SecretSource over a fixed list (CLI, tests). */
export function staticSecretSource(list: readonly SecretLike[]): SecretSource {
  return {
    listRepoSecrets: async () => list.filter((s) => secretTypeOf(s) !== undefined),
    getSecret: async (namespace, name) =>
      list.find((s) => s.metadata.namespace === namespace && s.metadata.name === name),
  };
}

/**
 * Shares `listRepoSecrets` answers for `ttlMs` (and between concurrent callers), so a poll of
 * many Applications costs one Secret list, not one per Application. Named lookups pass through.
 */
export function cachedSecretSource(source: SecretSource, ttlMs: number, now: () => number): SecretSource {
  let cached: { at: number; list: Promise<readonly SecretLike[]> } | undefined;
  return {
    listRepoSecrets() {
      const t = now();
      if (cached && t - cached.at < ttlMs) return cached.list;
      const list = source.listRepoSecrets();
      const entry = { at: t, list };
      cached = entry;
      list.catch(() => {
        if (cached === entry) cached = undefined;
      });
      return list;
    },
    getSecret: (namespace, name) => source.getSecret(namespace, name),
  };
}
