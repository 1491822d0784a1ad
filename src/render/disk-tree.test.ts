import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isTrueupError } from '../api/errors.js';
import { DiskTree } from './disk-tree.js';

const tmp = mkdtempSync(join(tmpdir(), 'trueup-disktree-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const root = join(tmp, 'root');
mkdirSync(join(root, 'app', 'sub'), { recursive: true });
writeFileSync(join(root, 'app', 'b.yaml'), 'b');
writeFileSync(join(root, 'app', 'a.yaml'), 'a');
writeFileSync(join(tmp, 'secret.txt'), 'outside');
symlinkSync(join(root, 'app', 'a.yaml'), join(root, 'app', 'inside-link.yaml'));
symlinkSync(join(tmp, 'secret.txt'), join(root, 'app', 'outside-link.yaml'));
symlinkSync(join(tmp, 'gone.txt'), join(root, 'app', 'dangling-outside.yaml'));
symlinkSync(tmp, join(root, 'app', 'outside-dir'));

const outside = (err: unknown) => isTrueupError(err) && err.code === 'RENDER_OUTSIDE_ROOT';

test('reads, stats and lists inside the root; symlinks inside are followed', async () => {
  const t = new DiskTree(root);
  assert.deepEqual(await t.stat('app'), { kind: 'dir', size: 0 });
  assert.deepEqual(await t.stat('app/a.yaml'), { kind: 'file', size: 1 });
  assert.equal(await t.stat('app/missing.yaml'), undefined);
  assert.equal(new TextDecoder().decode(await t.readFile('app/inside-link.yaml')), 'a');
  assert.equal(new TextDecoder().decode(await t.readFile('app/sub/../b.yaml')), 'b');
  assert.deepEqual((await t.listDir('app')).slice(0, 3), ['a.yaml', 'b.yaml', 'dangling-outside.yaml']);
});

test('paths above the root and symlinks pointing outside are refused', async () => {
  const t = new DiskTree(root);
  await assert.rejects(t.readFile('../secret.txt'), outside);
  await assert.rejects(t.stat('app/../../secret.txt'), outside);
  await assert.rejects(t.readFile('app/outside-link.yaml'), outside);
  await assert.rejects(t.stat('app/outside-link.yaml'), outside);
  await assert.rejects(t.stat('app/dangling-outside.yaml'), outside);
  await assert.rejects(t.listDir('app/outside-dir'), outside);
});

test('realPath resolves the links of every component, keeps a missing tail, refuses leaving the root', async () => {
  const t = new DiskTree(root);
  mkdirSync(join(root, 'tenant', 'app'), { recursive: true });
  symlinkSync('../../', join(root, 'tenant', 'app', 'up'));
  assert.equal(await t.realPath('tenant/app/up/app/a.yaml'), 'app/a.yaml');
  assert.equal(await t.realPath('app/inside-link.yaml'), 'app/a.yaml');
  assert.equal(await t.realPath('tenant/app/up/nothing/x.yaml'), 'nothing/x.yaml');
  assert.equal(await t.realPath(''), '');
  await assert.rejects(t.realPath('app/outside-dir/secret.txt'), outside);
  await assert.rejects(t.realPath('../x'), outside);
});

test('below a directory already resolved, links are still followed and checked', async () => {
  const t = new DiskTree(root);
  symlinkSync(join(root, 'app'), join(root, 'app', 'sub', 'up'));
  assert.deepEqual(await t.stat('app'), { kind: 'dir', size: 0 });
  assert.deepEqual(await t.stat('app/sub'), { kind: 'dir', size: 0 });
  assert.deepEqual(await t.stat('app/b.yaml'), { kind: 'file', size: 1 });
  assert.equal(new TextDecoder().decode(await t.readFile('app/inside-link.yaml')), 'a');
  assert.equal(new TextDecoder().decode(await t.readFile('app/sub/up/b.yaml')), 'b');
  await assert.rejects(t.stat('app/outside-link.yaml'), outside);
  await assert.rejects(t.stat('app/dangling-outside.yaml'), outside);
  await assert.rejects(t.stat('app/outside-dir'), outside);
  await assert.rejects(t.readFile('app/outside-dir/secret.txt'), outside);
  assert.equal(await t.stat('app/b.yaml/x'), undefined);
});

test('a tree rooted at / reads through the same short cuts', async () => {
  const t = new DiskTree('/');
  const rel = join(root, 'app').slice(1);
  assert.equal(new TextDecoder().decode(await t.readFile(`${rel}/b.yaml`)), 'b');
  assert.deepEqual(await t.stat(`${rel}/a.yaml`), { kind: 'file', size: 1 });
  assert.equal(new TextDecoder().decode(await t.readFile(`${rel}/sub/up/a.yaml`)), 'a');
});
