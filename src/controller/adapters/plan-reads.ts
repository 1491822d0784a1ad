/**
 * A reconcile plans (a dry-run sync) and then, when it syncs, runs the real sync at once; both
 * read the live state of every desired object. On an app's first sync those objects do not
 * exist yet, so the informers' caches cannot answer and every read went to the API server twice.
 *
 * `PlanReads` keeps what the plan read from the API server (GETs that found nothing, LIST
 * results) and lets the apply that follows in the same reconcile take each answer once instead
 * of asking again. An object the informers know by then is read as usual, so an object created
 * meanwhile by someone else is still seen. Any write the apply makes ends the reuse of what it
 * touched (later reads there, e.g. health waits, go to the server).
 */
import type { KubeObject } from '../../api/object.js';
import type { ClusterClient, ListOptions, ListResult, ObjectAddress } from '../../kube/types.js';

const addressKey = (a: ObjectAddress) => `${a.apiVersion}|${a.kind}|${a.namespace ?? ''}|${a.name}`;
const listKey = (apiVersion: string, kind: string, o: ListOptions | undefined) =>
  `${apiVersion}|${kind}|${o?.namespace ?? ''}|${o?.labelSelector ?? ''}|${o?.fieldSelector ?? ''}`;

export class PlanReads {
  #absent = new Set<string>();
  #lists = new Map<string, ListResult>();

  /** How many answers are kept (tests). */
  get size(): number {
    return this.#absent.size + this.#lists.size;
  }

  /** A client for the plan: answers as `client` does and remembers what it read. */
  recording(client: ClusterClient): ClusterClient {
    this.#absent.clear();
    this.#lists.clear();
    return {
      ...forward(client),
      get: async (address) => {
        const o = await client.get(address);
        if (o === undefined) this.#absent.add(addressKey(address));
        return o;
      },
      list: async (apiVersion, kind, options) => {
        const res = await client.list(apiVersion, kind, options);
        this.#lists.set(listKey(apiVersion, kind, options), structuredClone(res));
        return res;
      },
    };
  }

  /**
   * A client for the apply that follows: each remembered answer is given once. `known` is the
   * informers' lookup: an object it holds is never reported absent from memory.
   */
  replaying(client: ClusterClient, known: (a: ObjectAddress) => KubeObject | undefined): ClusterClient {
    const absent = this.#absent;
    const lists = this.#lists;
    this.#absent = new Set();
    this.#lists = new Map();
    const touched = (a: ObjectAddress) => {
      absent.delete(addressKey(a));
      lists.clear();
    };
    return {
      ...forward(client),
      get: async (address) => {
        const k = addressKey(address);
        if (absent.delete(k) && known(address) === undefined) return undefined;
        return client.get(address);
      },
      list: async (apiVersion, kind, options) => {
        const k = listKey(apiVersion, kind, options);
        const kept = lists.get(k);
        lists.delete(k);
        return kept ?? client.list(apiVersion, kind, options);
      },
      apply: async (object, options) => {
        if (!options.dryRun) touched(addressOf(object));
        return client.apply(object, options);
      },
      create: async (object, options) => {
        touched(addressOf(object));
        return client.create(object, options);
      },
      replace: async (object, options) => {
        touched(addressOf(object));
        return client.replace(object, options);
      },
      delete: async (address, options) => {
        touched(address);
        return client.delete(address, options);
      },
    };
  }

  clear(): void {
    this.#absent.clear();
    this.#lists.clear();
  }
}

function addressOf(o: KubeObject): ObjectAddress {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name ?? '',
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
}

function forward(client: ClusterClient): ClusterClient {
  return {
    get counter() {
      return client.counter;
    },
    mapping: (v, k) => client.mapping(v, k),
    invalidateDiscovery: () => client.invalidateDiscovery(),
    get: (a) => client.get(a),
    list: (v, k, o) => client.list(v, k, o),
    watch: (v, k, o, e, s) => client.watch(v, k, o, e, s),
    apply: (o, opts) => client.apply(o, opts),
    create: (o, opts) => client.create(o, opts),
    replace: (o, opts) => client.replace(o, opts),
    delete: (a, opts) => client.delete(a, opts),
    patchStatus: (a, s, opts) => client.patchStatus(a, s, opts),
  };
}
