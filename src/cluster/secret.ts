/**
 * Cluster Secrets in Argo CD's format: a Secret in the controller's namespace labelled
 * `argocd.argoproj.io/secret-type: cluster` (or `trueup.dev/secret-type: cluster`) whose data
 * holds `name`, `server` and `config` (JSON: `bearerToken`, `username`/`password`,
 * `tlsClientConfig` {`caData`, `certData`, `keyData`, `insecure`, `serverName`}). Pure: a Secret
 * in, a cluster entry or a refusal out. A refusal names the Secret and the key, never a value: a
 * config that does not parse may be a token.
 */
import { IN_CLUSTER_SERVER } from '../api/destination.js';
import type { KubeObject } from '../api/object.js';

export const CLUSTER_SECRET_LABELS = ['argocd.argoproj.io/secret-type', 'trueup.dev/secret-type'] as const;
export const CLUSTER_SECRET_TYPE = 'cluster';
export const IN_CLUSTER_NAME = 'in-cluster';

/** The credentials of one cluster. Never logged, never in a message. */
export interface ClusterCredentials {
  bearerToken?: string;
  username?: string;
  password?: string;
  caData?: string;
  certData?: string;
  keyData?: string;
  insecure: boolean;
  serverName?: string;
}

export interface ClusterEntry {
  /** The Secret it comes from (`namespace/name`), for messages. */
  secret: string;
  name: string;
  /** The API server URL, without a trailing slash. */
  server: string;
  credentials: ClusterCredentials;
}

export type ParsedClusterSecret =
  | { ok: true; entry: ClusterEntry }
  | { ok: false; secret: string; name?: string; server?: string; message: string };

/** Whether a Secret is labelled as a cluster Secret (either label). */
export function isClusterSecret(obj: KubeObject): boolean {
  const labels = obj.metadata.labels ?? {};
  return CLUSTER_SECRET_LABELS.some((l) => labels[l] === CLUSTER_SECRET_TYPE);
}

/** A server URL as compared: no trailing slash. */
export const normalizeServer = (server: string) => server.replace(/\/+$/, '');

const DATA_KEYS = new Set(['name', 'server', 'config', 'namespaces', 'clusterResources', 'project', 'shard']);
const CONFIG_KEYS = new Set(['bearerToken', 'username', 'password', 'tlsClientConfig']);
const TLS_KEYS = new Set(['caData', 'certData', 'keyData', 'insecure', 'serverName']);

function decode(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  if (typeof v !== 'string') return undefined;
  return Buffer.from(v, 'base64').toString('utf8');
}

class Refusal extends Error {}

function stringField(o: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Refusal(`${where}.${key} must be a string`);
  return v;
}

function credentialsOf(text: string | undefined): ClusterCredentials {
  if (text === undefined || text.trim() === '') return { insecure: false };
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text, which may hold a token.
    throw new Refusal('config is not valid JSON');
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new Refusal('config must be a JSON object');
  const c = config as Record<string, unknown>;
  for (const k of Object.keys(c))
    if (!CONFIG_KEYS.has(k))
      throw new Refusal(`config.${k} is not supported by trueup (supported: ${[...CONFIG_KEYS].join(', ')})`);
  const out: ClusterCredentials = { insecure: false };
  for (const k of ['bearerToken', 'username', 'password'] as const) {
    const v = stringField(c, k, 'config');
    if (v) out[k] = v;
  }
  if ((out.username === undefined) !== (out.password === undefined))
    throw new Refusal('config: username and password go together');
  // client-go refuses both as well; the transport would have to drop one of them.
  if (out.bearerToken !== undefined && out.username !== undefined)
    throw new Refusal(
      'config: bearerToken and username/password are both set; only one way to authenticate is allowed',
    );
  const tls = c.tlsClientConfig;
  if (tls !== undefined && tls !== null) {
    if (typeof tls !== 'object' || Array.isArray(tls))
      throw new Refusal('config.tlsClientConfig must be an object');
    const t = tls as Record<string, unknown>;
    for (const k of Object.keys(t))
      if (!TLS_KEYS.has(k))
        throw new Refusal(
          `config.tlsClientConfig.${k} is not supported by trueup (supported: ${[...TLS_KEYS].join(', ')})`,
        );
    for (const k of ['caData', 'certData', 'keyData', 'serverName'] as const) {
      const v = stringField(t, k, 'config.tlsClientConfig');
      if (v) out[k] = v;
    }
    if (t.insecure !== undefined && typeof t.insecure !== 'boolean')
      throw new Refusal('config.tlsClientConfig.insecure must be a boolean');
    out.insecure = t.insecure === true;
    if ((out.certData === undefined) !== (out.keyData === undefined))
      throw new Refusal('config.tlsClientConfig: certData and keyData go together');
  }
  return out;
}

/** Parses a cluster Secret; every key it does not honour is refused, not ignored. */
export function parseClusterSecret(obj: KubeObject): ParsedClusterSecret {
  const secret = `Secret ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
  const data = ((obj as { data?: Record<string, unknown> }).data ?? {}) as Record<string, unknown>;
  const name = decode(data, 'name')?.trim() || undefined;
  const rawServer = decode(data, 'server')?.trim();
  const server = rawServer ? normalizeServer(rawServer) : undefined;
  const refuse = (message: string): ParsedClusterSecret => ({
    ok: false,
    secret,
    ...(name ? { name } : {}),
    ...(server ? { server } : {}),
    message: `cluster ${secret}: ${message}`,
  });
  for (const k of Object.keys(data))
    if (!DATA_KEYS.has(k)) return refuse(`key ${k} is not a cluster Secret key (name, server, config, …)`);
  if (!server) return refuse('server is missing');
  if (!/^https?:\/\/[^/]/.test(server)) return refuse(`server ${server} is not an http(s) URL`);
  if (!name) return refuse('name is missing');
  if (server === IN_CLUSTER_SERVER || name === IN_CLUSTER_NAME)
    return refuse(`${IN_CLUSTER_SERVER} and ${IN_CLUSTER_NAME} are the controller's own cluster`);
  const namespaces = decode(data, 'namespaces')?.trim();
  if (namespaces)
    return refuse(
      'namespaces (a cluster managed in some namespaces only) is not supported by trueup: remove it to manage the whole cluster',
    );
  const clusterResources = decode(data, 'clusterResources')?.trim();
  if (clusterResources && clusterResources !== 'true')
    return refuse(
      `clusterResources "${clusterResources}": trueup manages cluster-scoped resources ("true") only`,
    );
  if (decode(data, 'project')?.trim())
    return refuse('project (a project-scoped cluster) is not supported by trueup');
  if (decode(data, 'shard')?.trim()) return refuse('shard is not supported by trueup');
  try {
    return { ok: true, entry: { secret, name, server, credentials: credentialsOf(decode(data, 'config')) } };
  } catch (err) {
    if (err instanceof Refusal) return refuse(err.message);
    throw err;
  }
}
