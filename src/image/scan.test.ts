import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDurationMs } from '../api/duration.js';
import type { OciClient } from '../oci/client.js';
import { canonicalImageName, latestTags, parseImageName, scanTags } from './scan.js';

test('image names as Docker reads them', () => {
  const table: [string, string, string, string][] = [
    ['nginx', 'docker.io', 'nginx', 'index.docker.io/library/nginx'],
    ['org/app', 'docker.io', 'org/app', 'index.docker.io/org/app'],
    ['ghcr.io/org/app', 'ghcr.io', 'org/app', 'ghcr.io/org/app'],
    ['localhost:5000/app', 'localhost:5000', 'app', 'localhost:5000/app'],
    ['localhost/app', 'localhost', 'app', 'localhost/app'],
    ['127.0.0.1:5000/a/b/c', '127.0.0.1:5000', 'a/b/c', '127.0.0.1:5000/a/b/c'],
  ];
  for (const [image, registry, repository, canonical] of table) {
    const repo = parseImageName(image);
    assert.deepEqual(repo, { registry, repository }, image);
    assert.equal(canonicalImageName(repo), canonical, image);
  }
});

test('latestTags: ten at most, reverse-sorted', () => {
  const tags = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, '0')}`);
  assert.deepEqual(latestTags(tags, 10), [
    't11',
    't10',
    't09',
    't08',
    't07',
    't06',
    't05',
    't04',
    't03',
    't02',
  ]);
});

test('the intervals and timeouts are Go durations', () => {
  const table: [string, number | undefined][] = [
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['5', undefined],
    ['soon', undefined],
  ];
  for (const [text, want] of table) assert.equal(goDurationMs(text), want, text);
});

test('scanTags: the exclusion list (default: cosign signatures), insecure as plain HTTP, the timeout', async () => {
  const seen: (boolean | undefined)[] = [];
  const oci = {
    tags: async (_r: unknown, o: { plainHttp?: boolean }) => {
      seen.push(o.plainHttp);
      return ['v1', 'sha256-abc.sig', 'v2-rc', 'v2'];
    },
  } as unknown as OciClient;
  const spec = { image: 'registry.example.com/api', interval: '1m' };
  assert.deepEqual((await scanTags(oci, spec, undefined, 1000)).tags, ['v1', 'v2-rc', 'v2']);
  const custom = await scanTags(oci, { ...spec, exclusionList: ['-rc$'], insecure: true }, undefined, 1000);
  assert.deepEqual(custom, { tags: ['v1', 'sha256-abc.sig', 'v2'], listed: 4 });
  assert.deepEqual(seen, [undefined, true]);
  const hanging = { tags: () => new Promise(() => {}) } as unknown as OciClient;
  await assert.rejects(scanTags(hanging, spec, undefined, 20), {
    code: 'OciTimeout',
    message: /tags of registry.example.com\/api: the scan took longer than 20 ms/,
  });
});
