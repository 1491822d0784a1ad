/**
 * The one door to a Kubernetes API server. The sync engine, the controller and the CLI talk
 * to the cluster only through this interface; `createClusterClient` is the adapter over a
 * KubeConnection (kubeconfig-load.ts reads one from a kubeconfig or the pod's service account).
 */
import type { JsonObject, KubeObject } from '../api/object.js';
import type { ServerCapabilities } from './capabilities.js';
import type { RequestCounter } from './counter.js';

export type { ServerCapabilities };

/** What discovery says about one kind (a RESTMapping). */
export interface ResourceMapping {
  group: string;
  version: string;
  kind: string;
  /** The plural resource name used in URLs, e.g. `deployments`. */
  resource: string;
  namespaced: boolean;
  /** Whether the resource has a `/status` subresource. */
  hasStatus: boolean;
}

/** Addresses one object: apiVersion and kind as in a manifest, namespace (empty when cluster-scoped) and name. */
export interface ObjectAddress {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ApplyOptions {
  fieldManager: string;
  /** Take ownership of fields other managers own (SSA `force=true`). */
  force: boolean;
  /** Server-side dry run: nothing is persisted. */
  dryRun?: boolean;
  /** Reject unknown or duplicate fields (default true); `Validate=false` turns it off. */
  validate?: boolean;
}

export interface WriteOptions {
  fieldManager: string;
  dryRun?: boolean;
  validate?: boolean;
}

export const PropagationPolicy = {
  Foreground: 'Foreground',
  Background: 'Background',
  Orphan: 'Orphan',
} as const;
export type PropagationPolicy = (typeof PropagationPolicy)[keyof typeof PropagationPolicy];

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  dryRun?: boolean;
  /** Only delete when the live object still has this uid (a precondition). */
  uid?: string;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchOptions extends ListOptions {
  resourceVersion?: string;
  allowBookmarks?: boolean;
  /** Server-side timeout of the watch in seconds. */
  timeoutSeconds?: number;
}

export interface ClusterClient {
  /** Requests made so far, by verb. */
  readonly counter: RequestCounter;
  /** The RESTMapping of a kind; throws a TrueupError `KubeKindUnknown` (retry: waiting) when the server does not serve it. */
  mapping(apiVersion: string, kind: string): Promise<ResourceMapping>;
  /** Forget cached discovery (after installing CRDs). */
  invalidateDiscovery(): void;
  /**
   * The server's version and served group versions (Helm's `.Capabilities`), cached until
   * discovery is invalidated or a few minutes pass. Optional: test doubles may leave it out.
   */
  capabilities?(): Promise<ServerCapabilities>;
  /** The live object, or undefined when it does not exist. */
  get(address: ObjectAddress): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, options?: ListOptions): Promise<ListResult>;
  /**
   * Streams watch events until the server closes the watch, `signal` aborts it (resolves), or
   * an error occurs (rejects; `KubeGone` when the resourceVersion is too old).
   */
  watch(
    apiVersion: string,
    kind: string,
    options: WatchOptions,
    onEvent: (type: WatchEventType, object: KubeObject) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Server-side apply (or its dry run); returns the object the server holds (or would hold). */
  apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject>;
  create(object: KubeObject, options: WriteOptions): Promise<KubeObject>;
  /** PUT of the whole object (`Replace=true`); the object must carry the live resourceVersion. */
  replace(object: KubeObject, options: WriteOptions): Promise<KubeObject>;
  /** Deletes; resolves false when the object was already gone. */
  delete(address: ObjectAddress, options?: DeleteOptions): Promise<boolean>;
  /**
   * A client whose requests are made as `user` (impersonation), sharing this one's connection.
   * Optional: test doubles may leave it out; an app that needs it then fails with a clear error.
   */
  impersonate?(user: string): ClusterClient;
  /** Merge-patches the `/status` subresource. */
  patchStatus(
    address: ObjectAddress,
    status: JsonObject,
    options: { fieldManager: string },
  ): Promise<KubeObject>;
}
