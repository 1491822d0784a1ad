export {
  type ClientOptions,
  type ClosableClusterClient,
  clusterClientOver,
  createClusterClient,
} from './client.js';
export {
  type HeaderValues,
  type KubeAuth,
  KubeConfigErrorCode,
  type KubeConnection,
  type KubeTls,
} from './connection.js';
export { dryRunsIn, RequestCounter, Verb, type VerbCounts, writesIn } from './counter.js';
export {
  apiError,
  isImmutableFieldError,
  isKubeApiError,
  KubeApiError,
  KubeErrorCode,
  kindUnknownError,
  networkError,
} from './errors.js';
export { type KubeconfigLoadOptions, loadKubeConnection } from './kubeconfig-load.js';
export type { Transport, WatchReadOptions } from './transport.js';
export * from './types.js';
