/**
 * Flag values the commands that connect to a cluster or listen share: the kubeconfig (--kubeconfig,
 * --context) and host:port addresses, refused with a typed error naming the setting.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { TrueupError } from '../api/errors.js';

export function kubeConfigFrom(path: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (err) {
    throw new TrueupError('KubeConfigInvalid', `kubeconfig ${path || '(default)'}: ${String(err)}`, {
      cause: err,
    });
  }
  if (context) kc.setCurrentContext(context);
  if (!kc.getCurrentCluster()) throw new TrueupError('KubeConfigInvalid', 'kubeconfig: no current cluster');
  return kc;
}

export function splitAddress(address: string, setting = 'metricsAddress'): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  const port = Number(address.slice(i + 1));
  if (i < 0 || !Number.isInteger(port)) {
    throw new TrueupError('ConfigInvalid', `config ${setting}: "${address}" is not host:port`);
  }
  return { host: address.slice(0, i) || '0.0.0.0', port };
}
