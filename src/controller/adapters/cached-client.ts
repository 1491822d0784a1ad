/**
 * A ClusterClient whose `get` answers from the informers' caches when they hold the object
 * (every object trueup applied carries a tracking id, so its kind's informer has it): an idle
 * reconcile then reads nothing from the API server. Everything else goes to the real client.
 */
import type { KubeObject } from '../../api/object.js';
import type { ClusterClient, ObjectAddress } from '../../kube/types.js';

export type CacheLookup = (address: ObjectAddress) => KubeObject | undefined;

export function cachedClient(client: ClusterClient, lookup: CacheLookup): ClusterClient {
  return {
    get counter() {
      return client.counter;
    },
    mapping: (v, k) => client.mapping(v, k),
    invalidateDiscovery: () => client.invalidateDiscovery(),
    async get(address) {
      const hit = lookup(address);
      if (hit) return structuredClone(hit);
      return client.get(address);
    },
    list: (v, k, o) => client.list(v, k, o),
    watch: (v, k, o, e, s) => client.watch(v, k, o, e, s),
    apply: (o, opts) => client.apply(o, opts),
    create: (o, opts) => client.create(o, opts),
    replace: (o, opts) => client.replace(o, opts),
    delete: (a, opts) => client.delete(a, opts),
    patchStatus: (a, s, opts) => client.patchStatus(a, s, opts),
  };
}
