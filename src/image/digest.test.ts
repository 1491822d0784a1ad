import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageRepository } from '../api/image-repository.js';
import type { OciClient } from '../oci/client.js';
import { DigestCache } from './digest.js';

const repo = (insecure?: boolean): ImageRepository => ({
  apiVersion: 'trueup.dev/v1alpha1',
  kind: 'ImageRepository',
  metadata: { name: 'api', namespace: 'apps' },
  spec: { image: 'registry.example.com/org/api', interval: '1m', ...(insecure ? { insecure } : {}) },
});

/** An OciClient that answers manifests from a table and records each lookup. */
function fakeOci(digests: Map<string, string>, calls: string[]): OciClient {
  return {
    manifest: async (
      r: { repository: string },
      tag: string,
      _accept: unknown,
      o: { plainHttp?: boolean },
    ) => {
      calls.push(`${r.repository}:${tag}${o.plainHttp ? ' (http)' : ''}`);
      return { digest: digests.get(tag) ?? 'sha256:none' };
    },
  } as unknown as OciClient;
}

const none = async () => undefined;

test('digest reflection: Never looks nothing up, IfNotPresent once per tag, Always after each new scan', async () => {
  const digests = new Map([['v1', 'sha256:aaa']]);
  const calls: string[] = [];
  const cache = new DigestCache(fakeOci(digests, calls));
  assert.equal(await cache.lookup('Never', repo(), 'v1', 1, none, 1000), undefined);
  assert.deepEqual(calls, []);

  assert.equal(await cache.lookup('IfNotPresent', repo(), 'v1', 1, none, 1000), 'sha256:aaa');
  digests.set('v1', 'sha256:bbb'); // the tag pushed again
  assert.equal(await cache.lookup('IfNotPresent', repo(), 'v1', 2, none, 1000), 'sha256:aaa');
  assert.equal(await cache.lookup('Always', repo(), 'v1', 2, none, 1000), 'sha256:bbb');
  assert.equal(await cache.lookup('Always', repo(), 'v1', 2, none, 1000), 'sha256:bbb', 'same scan: cached');
  assert.deepEqual(calls, ['org/api:v1', 'org/api:v1']);

  await cache.lookup('Always', repo(true), 'v2', 1, none, 1000);
  assert.equal(calls.at(-1), 'org/api:v2 (http)', 'insecure: plain HTTP');
});

test('digest reflection honours the ImageRepository timeout', async () => {
  const hanging = { manifest: () => new Promise(() => {}) } as unknown as OciClient;
  await assert.rejects(new DigestCache(hanging).lookup('Always', repo(), 'v1', 1, none, 20), {
    code: 'OciTimeout',
    message: /manifest of registry.example.com\/org\/api:v1: the lookup took longer than 20 ms/,
  });
});
