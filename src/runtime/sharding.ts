/**
 * Sharding Applications across controller replicas. Each Application belongs to one of N
 * shards by a consistent hash of `namespace/name` (Google's jump consistent hash over a
 * SHA-256 key): growing from N to N+1 shards moves only about 1/(N+1) of the apps, and every
 * replica computes the same answer with no coordination. Each shard has its own Lease, so a
 * shard can run with a standby replica (HA) as well: run a StatefulSet of N (or 2N) replicas
 * and derive the shard from the pod ordinal (`shardFromPodName`).
 */
import { createHash } from 'node:crypto';
import { TrueupError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { ClusterClient } from '../kube/types.js';

const MASK64 = (1n << 64n) - 1n;

/** Jump consistent hash (Lamping & Veach, 2014): a 64-bit key to a bucket in [0, buckets). */
export function jumpHash(key: bigint, buckets: number): number {
  let b = -1;
  let j = 0;
  let k = key & MASK64;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & MASK64;
    j = Math.floor((b + 1) * (2 ** 31 / (Number(k >> 33n) + 1)));
  }
  return b;
}

function key64(text: string): bigint {
  return createHash('sha256').update(text).digest().readBigUInt64BE(0);
}

function checkShards(shards: number): void {
  if (!Number.isInteger(shards) || shards < 1) {
    throw new TrueupError(
      'ShardingConfig',
      `sharding: the number of shards must be a positive integer (got ${shards})`,
    );
  }
}

/** The shard (0..shards-1) of the Application `namespace/name`. */
export function shardOf(namespace: string, name: string, shards: number): number {
  checkShards(shards);
  return shards === 1 ? 0 : jumpHash(key64(`${namespace}/${name}`), shards);
}

/** The Lease name of a shard: the base name alone when unsharded, else `<base>-shard-<i>`. */
export function shardLeaseName(base: string, shard: number, shards: number): string {
  checkShards(shards);
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards) {
    throw new TrueupError('ShardingConfig', `sharding: shard ${shard} is outside 0..${shards - 1}`);
  }
  return shards === 1 ? base : `${base}-shard-${shard}`;
}

/**
 * The shard of a StatefulSet pod (`trueup-controller-3` → 3 % shards), so 2N replicas give
 * every shard a leader and a standby.
 */
export function shardFromPodName(podName: string, shards: number): number {
  checkShards(shards);
  const m = /-(\d+)$/.exec(podName);
  if (!m) {
    throw new TrueupError(
      'ShardingConfig',
      `sharding: pod name "${podName}" has no StatefulSet ordinal; set the shard explicitly`,
    );
  }
  return Number(m[1]) % shards;
}

/** A filter for the controller's work queue: does this replica own the app? */
export interface Shard {
  readonly index: number;
  readonly count: number;
  owns(namespace: string, name: string): boolean;
}

export function shard(index: number, count: number): Shard {
  shardLeaseName('check', index, count);
  return { index, count, owns: (namespace, name) => shardOf(namespace, name, count) === index };
}

const isApplication = (apiVersion: string, kind: string) =>
  apiVersion.startsWith('trueup.dev/') && kind === 'Application';

/**
 * A ClusterClient through which a replica sees only its shard's Applications: lists and
 * watches of Applications drop the others, so the controller's informers, queue and metrics
 * never hold them. Every other request passes through unchanged.
 */
export function shardedClient<C extends Pick<ClusterClient, 'list' | 'watch'>>(client: C, owner: Shard): C {
  const owns = (o: KubeObject) => owner.owns(o.metadata.namespace ?? '', o.metadata.name ?? '');
  const list: ClusterClient['list'] = async (apiVersion, kind, options) => {
    const result = await client.list(apiVersion, kind, options);
    return isApplication(apiVersion, kind) ? { ...result, items: result.items.filter(owns) } : result;
  };
  const watch: ClusterClient['watch'] = (apiVersion, kind, options, onEvent, signal) =>
    client.watch(
      apiVersion,
      kind,
      options,
      isApplication(apiVersion, kind)
        ? (type, obj) => {
            if (type === 'BOOKMARK' || owns(obj)) onEvent(type, obj);
          }
        : onEvent,
      signal,
    );
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'list') return list;
      if (prop === 'watch') return watch;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
