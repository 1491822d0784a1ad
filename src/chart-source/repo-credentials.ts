/**
 * A chart repository's kind and credentials from Argo CD-style repository Secrets (labelled
 * `argocd.argoproj.io/secret-type` or `trueup.dev/secret-type`: `repository` for one URL,
 * `repo-creds` for every URL under a prefix), with `url`, `username`, `password`, and, for an OCI
 * registry written without `oci://` (Argo CD's spelling), `enableOCI: "true"`.
 *
 * Argo CD's TLS and proxy fields are refused, not ignored: chart downloads use Node's fetch with
 * its trusted CAs and no proxy, so a Secret that asks for client certificates, skipped TLS
 * verification or a proxy would otherwise be silently downgraded (see UNSUPPORTED_SETTINGS).
 */
import type { RegistryCredentials } from '../oci/docker-config.js';
import { type SecretLike, SecretType, secretField, secretTypeOf } from '../source/credentials.js';
import { normalizeRepoUrl, redactUrl } from '../source/url.js';
import { ChartErrorCode, chartError } from './errors.js';

export type ChartRepoKind = 'http' | 'oci';

/** The identity of a chart repository URL: `oci://h/p` and `h/p` are one; http(s) as Git URLs. */
export function chartRepoKey(url: string): string {
  const text = url.trim();
  if (/^https?:\/\//i.test(text)) return normalizeRepoUrl(text);
  return text
    .replace(/^oci:\/\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

function covers(prefix: string, key: string): boolean {
  return key === prefix || key.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** The `repository` Secret whose url is the repo's, else the longest `repo-creds` prefix (Argo CD's rule). */
export function matchChartRepoSecret(
  repoURL: string,
  secrets: readonly SecretLike[],
): SecretLike | undefined {
  const key = chartRepoKey(repoURL);
  const named = (s: SecretLike) => `${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`;
  let best: { secret: SecretLike; length: number } | undefined;
  for (const secret of [...secrets].sort((a, b) => named(a).localeCompare(named(b)))) {
    const url = secretField(secret, 'url');
    if (!url) continue;
    const target = chartRepoKey(url);
    const type = secretTypeOf(secret);
    if (type === SecretType.Repository && target === key) return secret;
    if (type === SecretType.RepoCreds && covers(target, key) && (!best || target.length > best.length))
      best = { secret, length: target.length };
  }
  return best?.secret;
}

export interface ChartRepoAccess {
  kind: ChartRepoKind;
  credentials?: RegistryCredentials;
  /** The Secret the credentials came from, for messages. */
  secretName?: string;
  /** OCI over plain HTTP: the Secret's `insecureOCIForceHttp: "true"` (Argo CD's field). */
  plainHttp?: boolean;
}

/**
 * Argo CD repository Secret fields chart downloads do not implement, with what each asks for.
 * `insecure` counts only when true, the rest when not empty. A private CA has no field in a
 * repository Secret (Argo CD keeps CAs in a ConfigMap), so there is nothing to refuse for it;
 * trusting one is process-wide today (Node's NODE_EXTRA_CA_CERTS; not covered by a test here).
 */
const UNSUPPORTED_SETTINGS: readonly { key: string; what: string; set: (value: string) => boolean }[] = [
  { key: 'tlsClientCertData', what: 'a TLS client certificate', set: (v) => v.trim() !== '' },
  { key: 'tlsClientCertKey', what: 'a TLS client certificate', set: (v) => v.trim() !== '' },
  { key: 'insecure', what: 'skipping TLS verification', set: (v) => v.trim().toLowerCase() === 'true' },
  { key: 'proxy', what: 'an HTTP proxy', set: (v) => v.trim() !== '' },
  { key: 'noProxy', what: 'an HTTP proxy', set: (v) => v.trim() !== '' },
];

/** Refuses a Secret that sets a field chart downloads would otherwise ignore (names keys, never values). */
function refuseUnsupportedSettings(repoURL: string, secret: SecretLike): void {
  const found = UNSUPPORTED_SETTINGS.filter(({ key, set }) => {
    const value = secretField(secret, key);
    return value !== undefined && set(value);
  });
  if (found.length === 0) return;
  const keys = found.map((f) => f.key).join(', ');
  const wants = [...new Set(found.map((f) => f.what))].join(', ');
  throw chartError(
    ChartErrorCode.SettingUnsupported,
    `chart repository ${redactUrl(repoURL.trim())}: repository Secret ${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''} sets ${keys} (${wants}), which trueup does not support for Helm repositories and OCI registries yet; remove ${found.length === 1 ? 'it' : 'them'} (chart downloads use the controller process's trusted CAs and no proxy)`,
  );
}

/** How to reach a chart repository: its kind from the URL (or enableOCI) and its credentials. */
export function chartRepoAccess(repoURL: string, secret: SecretLike | undefined): ChartRepoAccess {
  if (secret) refuseUnsupportedSettings(repoURL, secret);
  const username = secret ? secretField(secret, 'username') : undefined;
  const password = secret ? secretField(secret, 'password') : undefined;
  const credentials = username !== undefined && password !== undefined ? { username, password } : undefined;
  const forceHttp = secret
    ? secretField(secret, 'insecureOCIForceHttp')?.trim().toLowerCase() === 'true'
    : false;
  const extra = {
    ...(credentials ? { credentials } : {}),
    ...(secret ? { secretName: `${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''}` } : {}),
  };
  const text = repoURL.trim();
  if (/^https?:\/\//i.test(text)) return { kind: 'http', ...extra };
  const oci = { kind: 'oci' as const, ...extra, ...(forceHttp ? { plainHttp: true } : {}) };
  if (/^oci:\/\//i.test(text)) return oci;
  if (!text.includes('://') && secret && secretField(secret, 'enableOCI')?.trim().toLowerCase() === 'true')
    return oci;
  throw chartError(
    ChartErrorCode.InvalidRepoUrl,
    `chart repository ${redactUrl(text)}: not an http(s):// Helm repository or an oci:// registry (an OCI registry written as host/path needs a repository Secret with that url and enableOCI: "true")`,
  );
}
