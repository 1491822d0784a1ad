import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathMatch, pathspecMatch } from './glob.js';

// Go's path.Match (the directories generator).
const dirCases: [string, string, boolean][] = [
  ['apps/*', 'apps/web', true],
  ['apps/*', 'apps/web/overlays', false],
  ['apps/*/overlays/production', 'apps/web/overlays/production', true],
  ['apps/*/overlays/production', 'apps/web/overlays/staging', false],
  ['apps/?eb', 'apps/web', true],
  ['apps/[a-v]*', 'apps/web', false],
  ['apps/[^a-v]*', 'apps/web', true],
  ['apps/[!a-v]*', 'apps/web', true],
  ['apps/\\*', 'apps/*', true],
  ['apps/\\*', 'apps/x', false],
  ['apps', 'apps', true],
  ['apps/*', 'apps', false],
  ['*', 'apps', true],
  ['a.b/*', 'axb/c', false],
];
for (const [pattern, path, want] of dirCases) {
  test(`path.Match(${pattern}, ${path}) = ${want}`, () => assert.equal(pathMatch(pattern, path), want));
}

test('a malformed pattern throws', () => assert.throws(() => pathMatch('apps/[a-', 'apps/a')));

// git ls-files pathspecs (the files generator's default): `*` crosses directories.
const fileCases: [string, string, boolean][] = [
  ['cluster-config/**/config.json', 'cluster-config/engineering/dev/config.json', true],
  ['cluster-config/*/config.json', 'cluster-config/engineering/dev/config.json', true],
  ['cluster-config/*.json', 'cluster-config/a/b.json', true],
  ['cluster-config/*.json', 'other/a.json', false],
  ['config.json', 'config.json', true],
  ['config', 'config/a.yaml', true],
  ['apps/?.yaml', 'apps/a.yaml', true],
];
for (const [pattern, path, want] of fileCases) {
  test(`pathspec ${pattern} lists ${path}: ${want}`, () => assert.equal(pathspecMatch(pattern, path), want));
}
