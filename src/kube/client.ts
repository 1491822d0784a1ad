/**
 * The ClusterClient adapter: discovery-backed RESTMapping, object paths, and the verbs, over a
 * Transport built from a KubeConnection (or a client-node KubeConfig). Every request is counted by verb.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { describeRef, groupOf, type JsonObject, type KubeObject, versionOf } from '../api/object.js';
import { apiVersionsOf, kubeVersionOf, type ServerCapabilities } from './capabilities.js';
import type { KubeConnection } from './connection.js';
import { RequestCounter, Verb } from './counter.js';
import {
  apiError,
  isKubeApiError,
  type KubeApiError,
  KubeErrorCode,
  kindUnknownError,
  networkError,
} from './errors.js';
import {
  createTransport,
  impersonatingTransport,
  type RequestSpec,
  type Transport,
  type WatchReadOptions,
} from './transport.js';
import type { ClusterClient, ObjectAddress, ResourceMapping, WatchEventType, WatchOptions } from './types.js';

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export interface ClosableClusterClient extends ClusterClient {
  close(): void;
}

function describeAddress(a: ObjectAddress): string {
  return describeRef({
    group: groupOf(a.apiVersion),
    kind: a.kind,
    namespace: a.namespace ?? '',
    name: a.name,
  });
}

function gvPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function createClusterClient(
  kc: KubeConnection | KubeConfig,
  options: { maxSockets?: number; watchRead?: WatchReadOptions } & ClientOptions = {},
): Promise<ClosableClusterClient> {
  return clusterClientOver(
    await createTransport(kc, options.maxSockets, undefined, options.watchRead),
    options,
  );
}

export interface ClientOptions {
  /** Extra attempts for a request that failed transiently (429, 5xx, network); creates are never re-sent. Default 3. */
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
  /** The clock of the capabilities cache (default Date.now). */
  now?: () => number;
}

/** How long discovered capabilities are reused when nothing invalidates them. */
const CAPABILITIES_TTL_MS = 5 * 60_000;

/** The query every write carries: our field manager, dry-run, and strict field validation unless told otherwise. */
function writeQuery(opts: { fieldManager: string; dryRun?: boolean; validate?: boolean }) {
  return {
    fieldManager: opts.fieldManager,
    dryRun: opts.dryRun ? 'All' : undefined,
    fieldValidation: opts.validate === false ? 'Ignore' : 'Strict',
  };
}

export function clusterClientOver(transport: Transport, options: ClientOptions = {}): ClosableClusterClient {
  const counter = new RequestCounter();
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  /** group-version → its resources (a pending fetch is shared). */
  const discovery = new Map<string, Promise<ApiResource[] | undefined>>();

  async function call(verb: Verb, spec: RequestSpec, allow404 = false): Promise<unknown> {
    // Creates (POST) are not idempotent; everything else may be sent again.
    const retryable = verb !== Verb.Create && verb !== Verb.DryRunOther;
    for (let attempt = 0; ; attempt++) {
      counter.record(verb);
      let error: KubeApiError;
      let retryAfterSeconds: number | undefined;
      try {
        const res = await transport.send(spec);
        if (res.status >= 200 && res.status < 300) return res.body;
        if (res.status === 404 && allow404) return undefined;
        error = apiError(spec.subject, res.status, res.body);
        retryAfterSeconds = res.retryAfterSeconds;
      } catch (err) {
        error = isKubeApiError(err) ? err : networkError(spec.subject, err);
      }
      const transient =
        error.code === KubeErrorCode.Network ||
        error.code === KubeErrorCode.ServerError ||
        error.code === KubeErrorCode.TooManyRequests;
      if (!retryable || !transient || attempt >= retries) throw error;
      const backoff = Math.min(2000, 200 * 2 ** attempt);
      await sleep(retryAfterSeconds === undefined ? backoff : Math.min(10_000, retryAfterSeconds * 1000));
    }
  }

  function fetchGroupVersion(apiVersion: string): Promise<ApiResource[] | undefined> {
    const p = (async () => {
      const body = await call(
        Verb.Discovery,
        { method: 'GET', path: gvPath(apiVersion), subject: `discovery of ${apiVersion}` },
        true,
      );
      if (!isObject(body) || !Array.isArray(body.resources)) return undefined;
      return body.resources.filter(isObject).map((r) => ({
        name: String(r.name),
        kind: String(r.kind),
        namespaced: r.namespaced === true,
      }));
    })();
    discovery.set(apiVersion, p);
    p.catch(() => discovery.delete(apiVersion));
    return p;
  }

  function toMapping(
    apiVersion: string,
    resources: ApiResource[],
    kind: string,
  ): ResourceMapping | undefined {
    const r = resources.find((x) => x.kind === kind && !x.name.includes('/'));
    if (!r) return undefined;
    return {
      group: groupOf(apiVersion),
      version: versionOf(apiVersion),
      kind,
      resource: r.name,
      namespaced: r.namespaced,
      hasStatus: resources.some((x) => x.name === `${r.name}/status`),
    };
  }

  async function mapping(apiVersion: string, kind: string): Promise<ResourceMapping> {
    const cached = discovery.get(apiVersion);
    if (cached) {
      const resources = await cached.catch(() => undefined);
      const m = resources && toMapping(apiVersion, resources, kind);
      if (m) return m;
      // Unknown in the cache: the CRD may have appeared since; ask again (below).
      if (discovery.get(apiVersion) !== cached) {
        const again = await discovery.get(apiVersion);
        const m2 = again && toMapping(apiVersion, again, kind);
        if (m2) return m2;
      }
    }
    const resources = await fetchGroupVersion(apiVersion);
    const m = resources && toMapping(apiVersion, resources, kind);
    if (!m) throw kindUnknownError(apiVersion, kind);
    return m;
  }

  function collectionPath(apiVersion: string, m: ResourceMapping, namespace: string | undefined): string {
    const ns = m.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${gvPath(apiVersion)}${ns}/${m.resource}`;
  }

  async function objectPath(a: ObjectAddress): Promise<{ path: string; mapping: ResourceMapping }> {
    const m = await mapping(a.apiVersion, a.kind);
    if (m.namespaced && !a.namespace) {
      throw apiError(describeAddress(a), 400, {
        message: `${a.kind} is namespaced but no namespace was given`,
      });
    }
    return {
      path: `${collectionPath(a.apiVersion, m, a.namespace)}/${encodeURIComponent(a.name)}`,
      mapping: m,
    };
  }

  function addressOf(o: KubeObject): ObjectAddress {
    const a: ObjectAddress = { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name ?? '' };
    if (o.metadata.namespace) a.namespace = o.metadata.namespace;
    return a;
  }

  function asObject(body: unknown, subject: string): KubeObject {
    if (!isObject(body) || typeof body.kind !== 'string') {
      throw apiError(subject, 500, { message: 'the server answered with something that is not an object' });
    }
    return body as unknown as KubeObject;
  }

  const now = options.now ?? Date.now;
  let capabilities: { at: number; value: Promise<ServerCapabilities> } | undefined;
  async function discoverCapabilities(): Promise<ServerCapabilities> {
    const get = (path: string) => call(Verb.Discovery, { method: 'GET', path, subject: `discovery ${path}` });
    const [version, core, groups] = await Promise.all([get('/version'), get('/api'), get('/apis')]);
    const kubeVersion = kubeVersionOf(version);
    if (!kubeVersion)
      throw apiError('discovery /version', 500, { message: 'the server did not say its version' });
    return { kubeVersion, apiVersions: apiVersionsOf(core, groups) };
  }

  const client: ClosableClusterClient = {
    counter,
    mapping,
    invalidateDiscovery() {
      discovery.clear();
      capabilities = undefined;
    },
    capabilities() {
      const t = now();
      if (capabilities && t - capabilities.at < CAPABILITIES_TTL_MS) return capabilities.value;
      const entry = { at: t, value: discoverCapabilities() };
      capabilities = entry;
      entry.value.catch(() => {
        if (capabilities === entry) capabilities = undefined;
      });
      return entry.value;
    },
    async get(a) {
      const { path } = await objectPath(a);
      const body = await call(Verb.Get, { method: 'GET', path, subject: describeAddress(a) }, true);
      return body === undefined ? undefined : asObject(body, describeAddress(a));
    },
    async list(apiVersion, kind, opts = {}) {
      const m = await mapping(apiVersion, kind);
      const subject = `list ${kind}${m.group ? `.${m.group}` : ''}${opts.namespace ? ` in ${opts.namespace}` : ''}`;
      const items: KubeObject[] = [];
      let cont: string | undefined;
      let resourceVersion = '';
      do {
        const body = await call(Verb.List, {
          method: 'GET',
          path: collectionPath(apiVersion, m, opts.namespace),
          query: {
            labelSelector: opts.labelSelector,
            fieldSelector: opts.fieldSelector,
            limit: '500',
            continue: cont,
          },
          subject,
        });
        if (!isObject(body)) break;
        const meta = isObject(body.metadata) ? body.metadata : {};
        resourceVersion = typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '';
        cont = typeof meta.continue === 'string' && meta.continue ? meta.continue : undefined;
        for (const item of Array.isArray(body.items) ? body.items : []) {
          if (!isObject(item)) continue;
          // List items come without apiVersion/kind.
          items.push({ ...(item as unknown as KubeObject), apiVersion, kind });
        }
      } while (cont);
      return { items, resourceVersion };
    },
    async watch(apiVersion, kind, opts: WatchOptions, onEvent, signal) {
      const m = await mapping(apiVersion, kind);
      const subject = `watch ${kind}${opts.namespace ? ` in ${opts.namespace}` : ''}`;
      counter.record(Verb.Watch);
      await transport.stream(
        {
          method: 'GET',
          path: collectionPath(apiVersion, m, opts.namespace),
          query: {
            watch: 'true',
            resourceVersion: opts.resourceVersion,
            allowWatchBookmarks: opts.allowBookmarks ? 'true' : undefined,
            timeoutSeconds: opts.timeoutSeconds === undefined ? undefined : String(opts.timeoutSeconds),
            labelSelector: opts.labelSelector,
            fieldSelector: opts.fieldSelector,
          },
          subject,
        },
        (line) => {
          const event = JSON.parse(line) as { type?: string; object?: unknown };
          if (event.type === 'ERROR') {
            const status =
              isObject(event.object) && typeof event.object.code === 'number' ? event.object.code : 500;
            throw apiError(subject, status, event.object);
          }
          if (isObject(event.object))
            onEvent(event.type as WatchEventType, event.object as unknown as KubeObject);
        },
        signal,
      );
    },
    async apply(object, opts) {
      const a = addressOf(object);
      const { path } = await objectPath(a);
      const body = await call(opts.dryRun ? Verb.DryRunApply : Verb.Apply, {
        method: 'PATCH',
        path,
        query: { ...writeQuery(opts), force: opts.force ? 'true' : undefined },
        body: object,
        contentType: 'application/apply-patch+yaml',
        subject: describeAddress(a),
      });
      return asObject(body, describeAddress(a));
    },
    async create(object, opts) {
      const a = addressOf(object);
      const m = await mapping(a.apiVersion, a.kind);
      const body = await call(opts.dryRun ? Verb.DryRunOther : Verb.Create, {
        method: 'POST',
        path: collectionPath(a.apiVersion, m, a.namespace),
        query: writeQuery(opts),
        body: object,
        subject: describeAddress(a),
      });
      return asObject(body, describeAddress(a));
    },
    async replace(object, opts) {
      const a = addressOf(object);
      const { path } = await objectPath(a);
      const body = await call(opts.dryRun ? Verb.DryRunOther : Verb.Replace, {
        method: 'PUT',
        path,
        query: writeQuery(opts),
        body: object,
        subject: describeAddress(a),
      });
      return asObject(body, describeAddress(a));
    },
    async delete(a, opts = {}) {
      const { path } = await objectPath(a);
      const deleteOptions: JsonObject = { apiVersion: 'v1', kind: 'DeleteOptions' };
      if (opts.propagationPolicy) deleteOptions.propagationPolicy = opts.propagationPolicy;
      if (opts.uid) deleteOptions.preconditions = { uid: opts.uid };
      const body = await call(
        opts.dryRun ? Verb.DryRunOther : Verb.Delete,
        {
          method: 'DELETE',
          path,
          query: { dryRun: opts.dryRun ? 'All' : undefined },
          body: deleteOptions,
          subject: describeAddress(a),
        },
        true,
      );
      return body !== undefined;
    },
    async patchStatus(a, status, opts) {
      const { path, mapping: m } = await objectPath(a);
      if (!m.hasStatus) {
        throw apiError(describeAddress(a), 400, { message: `${a.kind} has no status subresource` });
      }
      const body = await call(Verb.PatchStatus, {
        method: 'PATCH',
        path: `${path}/status`,
        query: { fieldManager: opts.fieldManager },
        body: { status },
        contentType: 'application/merge-patch+json',
        subject: describeAddress(a),
      });
      return asObject(body, describeAddress(a));
    },
    impersonate(user) {
      let as = impersonated.get(user);
      if (!as) {
        // Discovery is its own per identity (what a user may see is its own), cached like ours.
        as = clusterClientOver(impersonatingTransport(transport, user), options);
        impersonated.set(user, as);
      }
      return as;
    },
    close() {
      transport.close();
    },
  };
  const impersonated = new Map<string, ClusterClient>();
  return client;
}

export { KubeErrorCode };
