/**
 * The connection of a pod: the API server from KUBERNETES_SERVICE_HOST/PORT, the CA and the
 * service account's token from the files the kubelet mounts (client-go's InClusterConfig). The
 * token is read again as the kubelet rotates it (token-file.ts).
 */
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { KubeConfigErrorCode, type KubeConnection, kubeConfigError } from './connection.js';
import { tokenFileAuth } from './token-file.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterEnv {
  KUBERNETES_SERVICE_HOST?: string | undefined;
  KUBERNETES_SERVICE_PORT?: string | undefined;
}

/** Reads a file as UTF-8; undefined when it does not exist. */
export type ReadOptionalText = (path: string) => string | undefined;

/** The in-cluster connection, or undefined when no service account token is mounted (not in a pod). */
export function inClusterConnection(
  env: InClusterEnv,
  readFile: ReadOptionalText,
  now: () => number,
  dir = SERVICE_ACCOUNT_DIR,
): KubeConnection | undefined {
  const tokenPath = join(dir, 'token');
  if (readFile(tokenPath) === undefined) return undefined;
  const origin = `in-cluster service account (${dir})`;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw kubeConfigError(
      KubeConfigErrorCode.NotFound,
      `${origin}: a token is mounted but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set`,
    );
  }
  const ca = readFile(join(dir, 'ca.crt'));
  if (ca === undefined) throw kubeConfigError(KubeConfigErrorCode.NotFound, `${origin}: no ca.crt`);
  const namespace = readFile(join(dir, 'namespace'))?.trim();
  const required = (path: string) => {
    const text = readFile(path);
    if (text === undefined) throw new Error(`${path} is gone`);
    return text;
  };
  return {
    origin,
    server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    tls: { ca: Buffer.from(ca), insecureSkipVerify: false },
    auth: tokenFileAuth(tokenPath, required, now, origin),
    ...(namespace ? { namespace } : {}),
    userName: 'service account',
  };
}
