import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationMs } from './conditions.js';
import { canonicalImageName, latestTags, parseImageName } from './scan.js';

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

test('durationMs reads Go durations', () => {
  const table: [string, number | undefined][] = [
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['5', undefined],
    ['soon', undefined],
  ];
  for (const [text, want] of table) assert.equal(durationMs(text), want, text);
});
