import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryTree } from '../../../test/support/memory-tree.js';
import { isTrueupError } from '../../api/errors.js';
import { TreeRenderPort } from './render.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const tree = new MemoryTree({
  'plain/a.yaml': cm('a'),
  'plain/sub/b.yaml': cm('b'),
  'kust/kustomization.yaml': 'resources: [a.yaml]\n',
  'kust/a.yaml': cm('ka'),
});

test('the controller reads a plain directory as Argo CD does: top only unless recurse', async () => {
  const port = new TreeRenderPort();
  const names = async (d?: Parameters<TreeRenderPort['render']>[3]) =>
    (await port.render(tree, 'plain', undefined, d)).map((o) => o.metadata.name);
  assert.deepEqual(await names(), ['a']);
  assert.deepEqual(await names({ recurse: true }), ['a', 'b']);
  assert.deepEqual(await names({ recurse: true, exclude: 'a.yaml' }), ['b']);
});

test('spec.source.directory on a kustomization directory is refused, naming the directory', async () => {
  await assert.rejects(
    new TreeRenderPort().render(tree, 'kust', undefined, { recurse: true }),
    (err: unknown) =>
      isTrueupError(err) &&
      err.code === 'RenderDirectoryHasKustomization' &&
      /memory: kust: spec\.source\.directory is for plain directories/.test(err.message),
  );
  assert.deepEqual(
    (await new TreeRenderPort().render(tree, 'kust', undefined)).map((o) => o.metadata.name),
    ['ka'],
  );
});
