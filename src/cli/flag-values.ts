/**
 * Flag values the commands that connect to a cluster or listen share: the kubeconfig (--kubeconfig,
 * --context) and host:port addresses, refused with a typed error naming the setting.
 */
import { TrueupError } from '../api/errors.js';
import type { KubeConnection } from '../kube/connection.js';
import { loadKubeConnection } from '../kube/kubeconfig-load.js';

/**
 * The connection of --kubeconfig (else KUBECONFIG, ~/.kube/config or in-cluster, as kubectl
 * finds it) and --context. `env` is the process's environment, passed in by the command.
 */
export function kubeConnectionFrom(
  path: string,
  context: string | undefined,
  env: Record<string, string | undefined>,
): Promise<KubeConnection> {
  return loadKubeConnection({ kubeconfig: path || (env.KUBECONFIG ?? ''), context, env });
}

export function splitAddress(address: string, setting = 'metricsAddress'): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  const port = Number(address.slice(i + 1));
  if (i < 0 || !Number.isInteger(port)) {
    throw new TrueupError('ConfigInvalid', `config ${setting}: "${address}" is not host:port`);
  }
  return { host: address.slice(0, i) || '0.0.0.0', port };
}
