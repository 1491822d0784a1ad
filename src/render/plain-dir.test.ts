import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryTree } from '../../test/support/memory-tree.js';
import { isTrueupError } from '../api/errors.js';
import { renderTree } from './index.js';
import { compileDirectoryGlob, DIRECTORY_GLOB_INVALID, type DirectoryOptions } from './plain-dir.js';

test('directory globs follow Argo CD (gobwas/glob without separators: * crosses /)', () => {
  const cases: [string, string, boolean][] = [
    ['*.yaml', 'a.yaml', true],
    ['*.yaml', 'sub/a.yaml', true],
    ['*.yaml', 'a.json', false],
    ['**/README.md', 'README.md', false],
    ['**/README.md', 'docs/README.md', true],
    ['{config.yaml,env-use2/*}', 'config.yaml', true],
    ['{config.yaml,env-use2/*}', 'env-use2/x.yaml', true],
    ['{config.yaml,env-use2/*}', 'env-use1/x.yaml', false],
    ['{a,b{c,d}}.yaml', 'bd.yaml', true],
    ['{a,b{c,d}}.yaml', 'b.yaml', false],
    ['?.yaml', 'a.yaml', true],
    ['?.yaml', 'ab.yaml', false],
    ['[ab].yaml', 'b.yaml', true],
    ['[!ab].yaml', 'b.yaml', false],
    ['[a-c]*.yaml', 'crd.yaml', true],
    ['\\*.yaml', '*.yaml', true],
    ['\\*.yaml', 'x.yaml', false],
    ['a.b', 'axb', false],
    ['(x).yaml', '(x).yaml', true],
  ];
  for (const [glob, path, expected] of cases) {
    assert.equal(compileDirectoryGlob(glob, 'include').test(path), expected, `${glob} ~ ${path}`);
  }
});

test('a malformed glob is refused with its field and pattern named', () => {
  for (const bad of ['{a,b', '[ab', 'x\\', '[]']) {
    assert.throws(
      () => compileDirectoryGlob(bad, 'exclude'),
      (err: unknown) =>
        isTrueupError(err) &&
        err.code === DIRECTORY_GLOB_INVALID &&
        err.message.startsWith(`spec.source.directory.exclude ${bad}: `),
      bad,
    );
  }
});

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const tree = new MemoryTree({
  'app/a.yaml': cm('a'),
  'app/b.yml': cm('b'),
  'app/config.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'json' } }),
  'app/README.md': '# not a manifest',
  'app/.hidden.yaml': cm('hidden'),
  'app/sub/c.yaml': cm('c'),
  'app/sub/deeper/d.yaml': cm('d'),
  'app/env-use2/e.yaml': cm('e'),
});

test('plain directories: recurse, include and exclude decide which files are read', async () => {
  const cases: [string, DirectoryOptions | undefined, string[]][] = [
    ['CLI (no options): everything below', undefined, ['a', 'b', 'json', 'e', 'c', 'd']],
    ['default: the top only', {}, ['a', 'b', 'json']],
    ['recurse', { recurse: true }, ['a', 'b', 'json', 'e', 'c', 'd']],
    ['include at the top', { include: '*.yaml' }, ['a']],
    ['include with recurse (* crosses /)', { recurse: true, include: '*.yaml' }, ['a', 'e', 'c', 'd']],
    ['exclude a subtree', { recurse: true, exclude: 'sub/*' }, ['a', 'b', 'json', 'e']],
    [
      'alternatives, exclude wins over include',
      { recurse: true, include: '{a.yaml,env-use2/*,sub/c.yaml}', exclude: 'env-use2/*' },
      ['a', 'c'],
    ],
  ];
  for (const [name, directory, expected] of cases) {
    const objects = await renderTree(tree, 'app', {
      plainDirectories: true,
      ...(directory ? { directory } : {}),
    });
    assert.deepEqual(
      objects.map((o) => o.metadata.name),
      expected,
      name,
    );
  }
});
