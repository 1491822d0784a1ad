/**
 * Where the controller and the CLI get their connection, by kubectl's loading rules:
 *   1. --kubeconfig / KUBECONFIG: one file, or a list merged (kubeconfig-files.ts);
 *   2. otherwise ~/.kube/config when it exists;
 *   3. otherwise the pod's service account (in-cluster.ts);
 * then the context (--context or current-context), its cluster and user (kubeconfig-select.ts).
 * Read here without @kubernetes/client-node, which is imported only for an exec or
 * auth-provider user (client-node-connection.ts).
 */
import { readFileSync } from 'node:fs';
import { join, delimiter as pathDelimiter } from 'node:path';
import type { PluginAuth } from './client-node-connection.js';
import {
  type HeaderValues,
  type KubeAuth,
  KubeConfigErrorCode,
  type KubeConnection,
  kubeConfigError,
} from './connection.js';
import { type InClusterEnv, inClusterConnection, type ReadOptionalText } from './in-cluster.js';
import { kubeconfigPaths, readKubeconfigs } from './kubeconfig-files.js';
import { type KubeconfigSelection, type PemSource, selectKubeconfig } from './kubeconfig-select.js';
import { tokenFileAuth } from './token-file.js';

export interface KubeconfigLoadOptions {
  /** --kubeconfig or KUBECONFIG: a path, or several joined by the path delimiter; empty for the defaults. */
  kubeconfig: string;
  /** --context: instead of current-context. */
  context?: string | undefined;
  env: InClusterEnv & { HOME?: string | undefined };
  /** Default: the file system (undefined for a missing file). */
  readFile?: ReadOptionalText;
  now?: () => number;
  /** Default: the platform's (`:`). */
  delimiter?: string;
  /** Default: client-node, imported on first use. */
  pluginAuth?: (selection: KubeconfigSelection) => Promise<PluginAuth>;
}

export const readOptionalText: ReadOptionalText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

const defaultPluginAuth = async (selection: KubeconfigSelection) =>
  (await import('./client-node-connection.js')).clientNodePluginAuth(selection);

export async function loadKubeConnection(o: KubeconfigLoadOptions): Promise<KubeConnection> {
  const readFile = o.readFile ?? readOptionalText;
  const now = o.now ?? Date.now;
  let paths = kubeconfigPaths(o.kubeconfig, o.delimiter ?? pathDelimiter);
  let required = paths.length === 1;
  if (paths.length === 0 && o.env.HOME) {
    const home = join(o.env.HOME, '.kube', 'config');
    if (readFile(home) !== undefined) {
      paths = [home];
      required = true;
    }
  }
  if (paths.length === 0) {
    const inCluster = inClusterConnection(o.env, readFile, now);
    if (!inCluster) {
      throw kubeConfigError(
        KubeConfigErrorCode.NotFound,
        'no kubeconfig: neither --kubeconfig nor KUBECONFIG is set, ~/.kube/config does not exist, and no service account token is mounted',
      );
    }
    if (o.context) {
      throw kubeConfigError(
        KubeConfigErrorCode.Invalid,
        `--context ${o.context}: there is no kubeconfig (${inCluster.origin})`,
      );
    }
    return inCluster;
  }
  const selection = selectKubeconfig(readKubeconfigs(paths, readFile, required), o.context);
  return connectionOf(selection, readFile, now, o.pluginAuth ?? defaultPluginAuth);
}

async function connectionOf(
  s: KubeconfigSelection,
  readFile: ReadOptionalText,
  now: () => number,
  pluginAuth: (selection: KubeconfigSelection) => Promise<PluginAuth>,
): Promise<KubeConnection> {
  const pem = (source: PemSource, what: string): Buffer | undefined => {
    if (source === undefined) return undefined;
    if ('data' in source) return Buffer.from(source.data, 'base64');
    const text = readFile(source.path);
    if (text === undefined)
      throw kubeConfigError(KubeConfigErrorCode.Invalid, `${s.origin}: ${what} ${source.path}: no such file`);
    return Buffer.from(text);
  };
  const ca = pem(s.cluster.ca, `cluster ${s.cluster.name}: certificate-authority`);
  let cert = pem(s.user.cert, `user ${s.user.name}: client-certificate`);
  let key = pem(s.user.key, `user ${s.user.name}: client-key`);
  const where = `${s.origin}: user ${s.user.name}`;
  const a = s.user.auth;
  let auth: KubeAuth;
  if (a.kind === 'plugin') {
    const plugin = await pluginAuth(s);
    auth = plugin.auth;
    cert ??= plugin.cert;
    key ??= plugin.key;
  } else if (a.kind === 'tokenFile') {
    const required = (path: string) => {
      const text = readFile(path);
      if (text === undefined) throw new Error(`${path}: no such file`);
      return text;
    };
    auth = tokenFileAuth(a.path, required, now, where);
  } else {
    const headers: HeaderValues = {};
    if (a.kind === 'token') headers.Authorization = `Bearer ${a.token}`;
    if (a.kind === 'basic')
      headers.Authorization = `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
    auth = { kind: 'static', headers };
  }
  return {
    origin: s.origin,
    server: s.cluster.server,
    tls: {
      insecureSkipVerify: s.cluster.insecureSkipVerify,
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(s.cluster.serverName ? { serverName: s.cluster.serverName } : {}),
    },
    auth: withHeaders(auth, s.user.impersonation),
    ...(s.cluster.proxyUrl ? { proxyUrl: s.cluster.proxyUrl } : {}),
    ...(s.namespace ? { namespace: s.namespace } : {}),
    userName: s.user.name,
  };
}

/** `auth` with `extra` (impersonation) added to every request's headers. */
function withHeaders(auth: KubeAuth, extra: HeaderValues): KubeAuth {
  if (Object.keys(extra).length === 0) return auth;
  if (auth.kind === 'static') return { kind: 'static', headers: { ...auth.headers, ...extra } };
  const inner = auth.headers;
  return { kind: 'refreshed', headers: async () => ({ ...(await inner()), ...extra }) };
}
