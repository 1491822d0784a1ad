export {
  type ClientOptions,
  type ClosableClusterClient,
  clusterClientOver,
  createClusterClient,
} from './client.js';
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
export type { Transport, WatchReadOptions } from './transport.js';
export * from './types.js';
