/**
 * What the transport needs to reach an API server: its URL, TLS material, the headers that
 * authenticate (and impersonate), and a proxy. Built from a kubeconfig (kubeconfig-load.ts), the
 * in-cluster service account (in-cluster.ts), a cluster Secret (src/cluster/connect.ts) or a
 * client-node KubeConfig (client-node-connection.ts); the transport knows none of those formats.
 */
import { RetryClass, TrueupError } from '../api/errors.js';

/** Header name to value; a list value is sent once per item (Impersonate-Group). */
export type HeaderValues = Record<string, string | string[]>;

export interface KubeTls {
  /** PEM of the CA(s) to trust instead of the system's. */
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** insecure-skip-tls-verify: the server's certificate is not checked. */
  insecureSkipVerify: boolean;
  /** tls-server-name: the name the certificate is checked against (and sent as SNI). */
  serverName?: string;
}

/**
 * `static`: the same headers on every request. `refreshed`: asked again before each request,
 * for credentials that change while the process runs (a token file the kubelet rotates, an exec
 * plugin's expiring token).
 */
export type KubeAuth =
  | { kind: 'static'; headers: HeaderValues }
  | { kind: 'refreshed'; headers: () => Promise<HeaderValues> };

export interface KubeConnection {
  /** Where it was loaded from, for messages (`kubeconfig /p (context c)`); never holds a secret. */
  origin: string;
  /** The API server's base URL, no trailing slash. */
  server: string;
  tls: KubeTls;
  auth: KubeAuth;
  /** proxy-url: an http:// or https:// proxy every request goes through. */
  proxyUrl?: string;
  /** The context's namespace, when it names one. */
  namespace?: string;
  /** The kubeconfig user entry's name (who the UI says it acts as). */
  userName: string;
}

export const KubeConfigErrorCode = {
  /** Unreadable, not YAML, a missing entry, a field of the wrong type or unknown. */
  Invalid: 'KubeConfigInvalid',
  /** A setting trueup does not implement and will not silently drop (socks proxies). */
  Unsupported: 'KubeConfigUnsupported',
  /** No kubeconfig file and not in a cluster. */
  NotFound: 'KubeConfigNotFound',
} as const;
export type KubeConfigErrorCode = (typeof KubeConfigErrorCode)[keyof typeof KubeConfigErrorCode];

/** A kubeconfig does not change by waiting: every one of these is terminal. */
const retryOf: Record<KubeConfigErrorCode, RetryClass> = {
  KubeConfigInvalid: RetryClass.Terminal,
  KubeConfigUnsupported: RetryClass.Terminal,
  KubeConfigNotFound: RetryClass.Terminal,
};

export function kubeConfigError(code: KubeConfigErrorCode, message: string, cause?: unknown): TrueupError {
  return new TrueupError(code, message, { retry: retryOf[code], ...(cause === undefined ? {} : { cause }) });
}
