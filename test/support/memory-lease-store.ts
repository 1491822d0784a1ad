/**
 * An in-memory LeaseStore with the API server's optimistic concurrency (create fails when the
 * Lease exists, update when the resourceVersion is stale), to drive leader election step by step.
 * `failNext` makes the next get throw (an API server that is unreachable once); `onRelease` is
 * told of every update to an empty holder (a leader stepping down).
 */
import { TrueupError } from '../../src/api/errors.js';
import {
  LeaseConflict,
  type LeaseRecord,
  type LeaseStore,
  type StoredLease,
} from '../../src/runtime/leader-election.js';

export type MemoryLeaseStore = LeaseStore & { lease: StoredLease | undefined; failNext?: Error };

export function memoryLeaseStore(onRelease?: () => void): MemoryLeaseStore {
  let rv = 0;
  const put = (record: LeaseRecord) => {
    rv += 1;
    store.lease = { record: { ...record }, resourceVersion: String(rv) };
    return structuredClone(store.lease);
  };
  const store: MemoryLeaseStore = {
    description: 'Lease test/lock',
    lease: undefined,
    async get() {
      if (store.failNext) {
        const err = store.failNext;
        delete store.failNext;
        throw err;
      }
      return store.lease && structuredClone(store.lease);
    },
    async create(record) {
      if (store.lease) throw new TrueupError(LeaseConflict, 'Lease test/lock: exists');
      return put(record);
    },
    async update(record, resourceVersion) {
      if (store.lease?.resourceVersion !== resourceVersion)
        throw new TrueupError(LeaseConflict, 'Lease test/lock: conflict');
      if (record.holderIdentity === '') onRelease?.();
      return put(record);
    },
  };
  return store;
}
