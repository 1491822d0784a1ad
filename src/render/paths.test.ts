import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalize } from './paths.js';

test('normalize: paths already normal come back as they are; the rest are normalised', () => {
  const cases: [string, string | undefined][] = [
    ['', ''],
    ['a', 'a'],
    ['apps/web/base/app.yaml', 'apps/web/base/app.yaml'],
    ['a/...', 'a/...'],
    ['.a/b./..c', '.a/b./..c'],
    ['.', ''],
    ['./a', 'a'],
    ['a/.', 'a'],
    ['a/./b', 'a/b'],
    ['/a', 'a'],
    ['a/', 'a'],
    ['a//b', 'a/b'],
    ['a/b/../c', 'a/c'],
    ['a/..', ''],
    ['..', undefined],
    ['a/../..', undefined],
    ['../a', undefined],
  ];
  for (const [path, want] of cases) assert.equal(normalize(path), want, JSON.stringify(path));
});
