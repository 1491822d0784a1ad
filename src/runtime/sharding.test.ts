import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { jumpHash, shard, shardedClient, shardFromPodName, shardLeaseName, shardOf } from './sharding.js';

const apps = Array.from({ length: 2000 }, (_, i) => [`team-${i % 7}`, `app-${i}`] as const);

describe('sharding', () => {
  it('matches the reference jump hash values', () => {
    // Values of the paper's C++ reference implementation (compiled with g++ and run).
    assert.equal(jumpHash(0n, 1), 0);
    assert.equal(jumpHash(0n, 10), 0);
    assert.equal(jumpHash(1n, 10), 6);
    assert.equal(jumpHash(2n, 10), 6);
    assert.equal(jumpHash(256n, 1024), 520);
    assert.equal(jumpHash(0xffffffffffffffffn, 100), 92);
    assert.equal(jumpHash(123456789n, 7), 0);
  });

  it('is deterministic and stays within range', () => {
    for (const [ns, name] of apps.slice(0, 100)) {
      const s = shardOf(ns, name, 5);
      assert.ok(s >= 0 && s < 5);
      assert.equal(shardOf(ns, name, 5), s);
    }
    assert.equal(shardOf('a', 'b', 1), 0);
  });

  it('spreads apps evenly across shards', () => {
    const counts = [0, 0, 0, 0];
    for (const [ns, name] of apps) counts[shardOf(ns, name, 4)]! += 1;
    for (const c of counts) assert.ok(c > 400 && c < 600, `uneven spread: ${counts.join(', ')}`);
  });

  it('moves only the apps the new shard takes when growing from 4 to 5 shards', () => {
    let moved = 0;
    for (const [ns, name] of apps) {
      const before = shardOf(ns, name, 4);
      const after = shardOf(ns, name, 5);
      if (before !== after) {
        moved += 1;
        assert.equal(after, 4, 'an app moved between old shards');
      }
    }
    assert.ok(moved > 300 && moved < 500, `moved ${moved} of 2000 (expected about 1/5)`);
  });

  it('names one Lease per shard and derives the shard from a StatefulSet ordinal', () => {
    assert.equal(shardLeaseName('trueup-controller', 0, 1), 'trueup-controller');
    assert.equal(shardLeaseName('trueup-controller', 2, 3), 'trueup-controller-shard-2');
    assert.throws(() => shardLeaseName('x', 3, 3), /outside 0\.\.2/);
    assert.throws(() => shardOf('a', 'b', 0), /positive integer/);
    assert.equal(shardFromPodName('trueup-controller-5', 3), 2);
    assert.throws(() => shardFromPodName('trueup-controller-7d9f-abcde', 3), /no StatefulSet ordinal/);
  });

  it('gives every app to exactly one replica', () => {
    const replicas = [shard(0, 3), shard(1, 3), shard(2, 3)];
    for (const [ns, name] of apps.slice(0, 300)) {
      assert.equal(replicas.filter((r) => r.owns(ns, name)).length, 1);
    }
  });
});

describe('shardedClient', () => {
  const obj = (apiVersion: string, kind: string, namespace: string, name: string): KubeObject => ({
    apiVersion,
    kind,
    metadata: { namespace, name },
  });
  const apps = Array.from({ length: 40 }, (_, i) =>
    obj('trueup.dev/v1alpha1', 'Application', 'ns', `app-${i}`),
  );
  const cms = [obj('v1', 'ConfigMap', 'ns', 'a'), obj('v1', 'ConfigMap', 'ns', 'b')];
  const base = {
    other: 'passes through',
    async list(apiVersion: string, _kind: string) {
      return { items: apiVersion === 'v1' ? cms : apps, resourceVersion: '7' };
    },
    async watch(
      apiVersion: string,
      _kind: string,
      _options: unknown,
      onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', o: KubeObject) => void,
    ) {
      for (const o of apiVersion === 'v1' ? cms : apps) onEvent('ADDED', o);
      onEvent('BOOKMARK', obj(apiVersion, 'Application', '', ''));
    },
  };

  it("lists and watches only the shard's Applications, and everything else unchanged", async () => {
    const seen: string[][] = [];
    for (const index of [0, 1, 2]) {
      const c = shardedClient(base, shard(index, 3));
      const listed = (await c.list('trueup.dev/v1alpha1', 'Application')).items.map(
        (o) => o.metadata.name ?? '',
      );
      const watched: string[] = [];
      let bookmarks = 0;
      await c.watch('trueup.dev/v1alpha1', 'Application', {}, (type, o) => {
        if (type === 'BOOKMARK') bookmarks += 1;
        else watched.push(o.metadata.name ?? '');
      });
      assert.deepEqual(watched, listed);
      assert.equal(bookmarks, 1);
      for (const name of listed) assert.equal(shardOf('ns', name, 3), index);
      seen.push(listed);
      assert.equal((await c.list('v1', 'ConfigMap')).items.length, 2);
      assert.equal(c.other, 'passes through');
    }
    assert.equal(seen.flat().length, apps.length);
    assert.equal(new Set(seen.flat()).size, apps.length);
  });
});
