/**
 * The two places @kubernetes/client-node is still used, neither loaded unless needed: loading
 * it costs ~45 MiB of RSS and ~0.5 s of CPU at every start, which a plain kubeconfig does not need.
 *   - exec and auth-provider users (cloud logins, OIDC): client-node's implementation, imported
 *     when such a kubeconfig is loaded;
 *   - a client-node KubeConfig an embedder already holds (tests, benches): read through the
 *     methods of the object itself (only its type is imported).
 */
import type https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { TrueupError } from '../api/errors.js';
import type { HeaderValues, KubeAuth, KubeConnection } from './connection.js';
import type { KubeconfigSelection } from './kubeconfig-select.js';

/** What an exec or auth-provider user yields: headers asked for per request, maybe a client certificate. */
export interface PluginAuth {
  auth: KubeAuth;
  cert?: Buffer;
  key?: Buffer;
}

function headersOf(opts: https.RequestOptions): HeaderValues {
  const out: HeaderValues = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number') out[k] = String(v);
    else if (Array.isArray(v)) out[k] = v.map(String);
  }
  if (opts.auth) out.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return out;
}

const toBuffer = (v: unknown): Buffer | undefined =>
  typeof v === 'string' || Buffer.isBuffer(v) ? Buffer.from(v) : undefined;

/** Credentials of an exec or auth-provider user, by client-node (imported here, on first use). */
export async function clientNodePluginAuth(selection: KubeconfigSelection): Promise<PluginAuth> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const c = selection.cluster;
  // The cluster goes along for exec plugins with provideClusterInfo; TLS stays ours.
  kc.loadFromString(
    JSON.stringify({
      clusters: [
        {
          name: c.name,
          cluster: {
            server: c.server,
            'insecure-skip-tls-verify': c.insecureSkipVerify,
            ...(c.ca && 'data' in c.ca ? { 'certificate-authority-data': c.ca.data } : {}),
            ...(c.ca && 'path' in c.ca ? { 'certificate-authority': c.ca.path } : {}),
          },
        },
      ],
      users: [
        {
          name: selection.user.name || 'user',
          user: selection.user.auth.kind === 'plugin' ? selection.user.auth.fields : {},
        },
      ],
      contexts: [
        { name: selection.context, context: { cluster: c.name, user: selection.user.name || 'user' } },
      ],
      'current-context': selection.context,
    }),
  );
  const apply = async () => {
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    return opts;
  };
  let first: https.RequestOptions;
  try {
    first = await apply();
  } catch (err) {
    throw new TrueupError(
      'KubeConfigInvalid',
      `${selection.origin}: user ${selection.user.name}: ${String(err)}`,
      {
        cause: err,
      },
    );
  }
  const cert = toBuffer(first.cert);
  const key = toBuffer(first.key);
  return {
    // Tokens from exec plugins and auth providers expire: client-node is asked again per request.
    auth: { kind: 'refreshed', headers: async () => headersOf(await apply()) },
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
  };
}

/** The connection of a client-node KubeConfig's current context (what createTransport took before). */
export async function connectionOfKubeConfig(kc: KubeConfig): Promise<KubeConnection> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new TrueupError('KubeConfigInvalid', 'kubeconfig: no current cluster');
  const base: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(base);
  const user = kc.getCurrentUser();
  const ca = toBuffer(base.ca);
  const cert = toBuffer(base.cert);
  const key = toBuffer(base.key);
  const auth: KubeAuth =
    user?.exec || user?.authProvider
      ? {
          kind: 'refreshed',
          headers: async () => {
            const opts: https.RequestOptions = {};
            await kc.applyToHTTPSOptions(opts);
            return headersOf(opts);
          },
        }
      : { kind: 'static', headers: headersOf(base) };
  if (cluster.proxyUrl) {
    // The transport speaks http(s) proxies; client-node's socks agent is not used.
    if (!/^https?:/.test(cluster.proxyUrl)) {
      throw new TrueupError(
        'KubeConfigUnsupported',
        `kubeconfig cluster ${cluster.name}: only http and https proxy-url are supported`,
      );
    }
  }
  return {
    origin: `kubeconfig (context ${kc.getCurrentContext()})`,
    server: cluster.server.replace(/\/+$/, ''),
    tls: {
      insecureSkipVerify: cluster.skipTLSVerify || base.rejectUnauthorized === false,
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(cluster.tlsServerName ? { serverName: cluster.tlsServerName } : {}),
    },
    auth,
    ...(cluster.proxyUrl ? { proxyUrl: cluster.proxyUrl } : {}),
    userName: user?.name ?? '',
  };
}
