/**
 * Picks the context, cluster and user out of merged kubeconfig files and checks every field they
 * set, as kubectl validates them: what trueup implements is read, exec and auth-provider are
 * handed to client-node (loaded only then), and the rest is refused with the file and entry it is
 * in. Nothing set is dropped without a word. Pure: no file is read here (kubeconfig-load.ts
 * reads the paths this returns).
 */
import { dirname, isAbsolute, join } from 'node:path';
import { type HeaderValues, KubeConfigErrorCode, kubeConfigError } from './connection.js';
import type { KubeconfigEntry, MergedKubeconfig, RawFields } from './kubeconfig-files.js';

/** PEM bytes given inline (base64, `*-data`) or as a file (absolute path). */
export type PemSource = { data: string } | { path: string } | undefined;

export interface ClusterSettings {
  name: string;
  server: string;
  ca: PemSource;
  insecureSkipVerify: boolean;
  serverName?: string;
  proxyUrl?: string;
}

export type UserAuth =
  | { kind: 'none' }
  | { kind: 'token'; token: string }
  | { kind: 'tokenFile'; path: string }
  | { kind: 'basic'; username: string; password: string }
  /** exec or auth-provider: client-node's implementation, over these raw fields. */
  | { kind: 'plugin'; fields: RawFields };

export interface UserSettings {
  name: string;
  cert: PemSource;
  key: PemSource;
  auth: UserAuth;
  /** Impersonate-* headers from as, as-uid, as-groups, as-user-extra. */
  impersonation: HeaderValues;
}

export interface KubeconfigSelection {
  /** For messages: the file holding the context and the context's name. */
  origin: string;
  context: string;
  namespace?: string;
  cluster: ClusterSettings;
  user: UserSettings;
}

/**
 * Fields of kubeconfig v1 (client-go clientcmd/api/v1) that we accept without acting on:
 * `extensions` is by definition extra data for other tools; `disable-compression` asks not to
 * request compressed responses, and trueup never does (no Accept-Encoding).
 */
const CLUSTER_FIELDS = new Set([
  'server',
  'certificate-authority',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
  'proxy-url',
  'disable-compression',
  'extensions',
]);
const USER_FIELDS = new Set([
  'client-certificate',
  'client-certificate-data',
  'client-key',
  'client-key-data',
  'token',
  'tokenFile',
  'as',
  'as-uid',
  'as-groups',
  'as-user-extra',
  'username',
  'password',
  'auth-provider',
  'exec',
  'extensions',
]);
const CONTEXT_FIELDS = new Set(['cluster', 'user', 'namespace', 'extensions']);

const fail = (message: string) => kubeConfigError(KubeConfigErrorCode.Invalid, message);

/** Field access with its type checked, errors naming the file, the entry and the field. */
function reader(entry: KubeconfigEntry, kind: string, known: Set<string>) {
  const where = `kubeconfig ${entry.file}: ${kind} ${entry.name}`;
  for (const key of Object.keys(entry.fields)) {
    if (!known.has(key)) throw fail(`${where}: unknown field ${key}`);
  }
  const value = (key: string): unknown => {
    const v = entry.fields[key];
    return v === null || v === '' ? undefined : v;
  };
  return {
    where,
    str(key: string): string | undefined {
      const v = value(key);
      if (v !== undefined && typeof v !== 'string') throw fail(`${where}: ${key} is not a string`);
      return v;
    },
    bool(key: string): boolean {
      const v = value(key);
      if (v !== undefined && typeof v !== 'boolean') throw fail(`${where}: ${key} is not true or false`);
      return v === true;
    },
    strings(key: string): string[] {
      const v = value(key) ?? [];
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
        throw fail(`${where}: ${key} is not a list of strings`);
      return v as string[];
    },
    raw: value,
    /** A path relative to the file that holds the entry, as kubectl resolves it. */
    path(key: string): string | undefined {
      const p = this.str(key);
      return p === undefined || isAbsolute(p) ? p : join(dirname(entry.file), p);
    },
  };
}

function pemSource(r: ReturnType<typeof reader>, fileKey: string, dataKey: string): PemSource {
  const path = r.path(fileKey);
  const data = r.str(dataKey);
  // kubectl refuses both too: which one would be meant is a guess.
  if (path !== undefined && data !== undefined) throw fail(`${r.where}: sets both ${fileKey} and ${dataKey}`);
  if (data !== undefined) return { data };
  return path === undefined ? undefined : { path };
}

function clusterOf(entry: KubeconfigEntry): ClusterSettings {
  const r = reader(entry, 'cluster', CLUSTER_FIELDS);
  const server = r.str('server');
  if (!server) throw fail(`${r.where}: no server`);
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw fail(`${r.where}: server ${server} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw fail(`${r.where}: server ${server} is neither https:// nor http://`);
  }
  const out: ClusterSettings = {
    name: entry.name,
    server: server.replace(/\/+$/, ''),
    ca: pemSource(r, 'certificate-authority', 'certificate-authority-data'),
    insecureSkipVerify: r.bool('insecure-skip-tls-verify'),
  };
  const serverName = r.str('tls-server-name');
  if (serverName) out.serverName = serverName;
  const proxyUrl = r.str('proxy-url');
  if (proxyUrl) out.proxyUrl = checkedProxyUrl(proxyUrl, r.where);
  return out;
}

/** http and https proxies are spoken by the transport; a socks proxy is refused. */
function checkedProxyUrl(proxyUrl: string, where: string): string {
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch {
    // The value may hold a password: it is not repeated.
    throw fail(`${where}: proxy-url is not a URL`);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return proxyUrl;
  throw kubeConfigError(
    KubeConfigErrorCode.Unsupported,
    `${where}: proxy-url with scheme ${url.protocol.replace(/:$/, '')} is not supported (http and https proxies are)`,
  );
}

/** Kubernetes' rule for Impersonate-Extra-<key>: characters not legal in a header name are percent-encoded. */
function extraHeader(key: string): string {
  return `Impersonate-Extra-${key.replace(/[^A-Za-z0-9!#$&'*+.^_`|~-]/g, (c) => encodeURIComponent(c))}`;
}

function impersonationOf(r: ReturnType<typeof reader>): HeaderValues {
  const user = r.str('as');
  const uid = r.str('as-uid');
  const groups = r.strings('as-groups');
  const extra = r.raw('as-user-extra') ?? {};
  if (typeof extra !== 'object' || Array.isArray(extra))
    throw fail(`${r.where}: as-user-extra is not a mapping`);
  const extras = Object.entries(extra as Record<string, unknown>);
  // The API server refuses groups, uid or extras without a user (as client-go does before sending).
  if (!user && (uid || groups.length > 0 || extras.length > 0)) {
    throw fail(`${r.where}: as-uid, as-groups and as-user-extra need as (the user to impersonate)`);
  }
  const headers: HeaderValues = {};
  if (user) headers['Impersonate-User'] = user;
  if (uid) headers['Impersonate-Uid'] = uid;
  if (groups.length > 0) headers['Impersonate-Group'] = groups;
  for (const [key, values] of extras) {
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
      throw fail(`${r.where}: as-user-extra ${key} is not a list of strings`);
    }
    headers[extraHeader(key)] = values as string[];
  }
  return headers;
}

function authOf(r: ReturnType<typeof reader>): UserAuth {
  const token = r.str('token');
  const tokenFile = r.path('tokenFile');
  const username = r.str('username');
  const password = r.str('password');
  const exec = r.raw('exec');
  const authProvider = r.raw('auth-provider');
  const methods = [
    token !== undefined && 'token',
    tokenFile !== undefined && 'tokenFile',
    (username !== undefined || password !== undefined) && 'username/password',
    exec !== undefined && 'exec',
    authProvider !== undefined && 'auth-provider',
  ].filter((m): m is string => typeof m === 'string');
  // kubectl refuses more than one too; with token and tokenFile it silently prefers the file.
  if (methods.length > 1)
    throw fail(`${r.where}: sets ${methods.join(' and ')}; only one way to authenticate is allowed`);
  if (token !== undefined) return { kind: 'token', token };
  if (tokenFile !== undefined) return { kind: 'tokenFile', path: tokenFile };
  if (username !== undefined || password !== undefined) {
    return { kind: 'basic', username: username ?? '', password: password ?? '' };
  }
  if (exec !== undefined) return { kind: 'plugin', fields: { exec } };
  if (authProvider !== undefined) return { kind: 'plugin', fields: { 'auth-provider': authProvider } };
  return { kind: 'none' };
}

function userOf(entry: KubeconfigEntry): UserSettings {
  const r = reader(entry, 'user', USER_FIELDS);
  const cert = pemSource(r, 'client-certificate', 'client-certificate-data');
  const key = pemSource(r, 'client-key', 'client-key-data');
  if ((cert === undefined) !== (key === undefined)) {
    throw fail(
      `${r.where}: a client certificate needs its key (client-certificate and client-key go together)`,
    );
  }
  return { name: entry.name, cert, key, auth: authOf(r), impersonation: impersonationOf(r) };
}

/** The context `context` (or the current one), its cluster and its user, checked. */
export function selectKubeconfig(merged: MergedKubeconfig, context?: string): KubeconfigSelection {
  const files = merged.files.join(', ');
  const name = context || merged.currentContext?.name;
  if (!name) throw fail(`kubeconfig ${files}: no current-context (set one, or pass --context)`);
  const ctx = merged.contexts.get(name);
  if (!ctx) throw fail(`kubeconfig ${files}: context ${name} not found`);
  const r = reader(ctx, 'context', CONTEXT_FIELDS);
  const clusterName = r.str('cluster');
  if (!clusterName) throw fail(`${r.where}: names no cluster`);
  const cluster = merged.clusters.get(clusterName);
  if (!cluster) throw fail(`${r.where}: cluster ${clusterName} not found in ${files}`);
  const userName = r.str('user');
  const userEntry = userName ? merged.users.get(userName) : undefined;
  if (userName && !userEntry) throw fail(`${r.where}: user ${userName} not found in ${files}`);
  const user: UserSettings = userEntry
    ? userOf(userEntry)
    : { name: '', cert: undefined, key: undefined, auth: { kind: 'none' }, impersonation: {} };
  const namespace = r.str('namespace');
  return {
    origin: `kubeconfig ${ctx.file} (context ${name})`,
    context: name,
    ...(namespace ? { namespace } : {}),
    cluster: clusterOf(cluster),
    user,
  };
}
