import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isTrueupError } from '../../src/api/errors.js';
import type { FileTree } from '../../src/render/file-tree.js';
import { renderTree } from '../../src/render/index.js';
import { GitSource } from '../../src/source/index.js';
import { GitHttpServer } from '../support/git-server.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const code = (c: string) => (err: unknown) =>
  isTrueupError(err) && err.code === c && err.retry === 'terminal';

describe('Git source: a revision as a FileTree', () => {
  let server: GitHttpServer;
  let cacheDir: string;
  let tree: FileTree;

  before(async () => {
    server = await GitHttpServer.start();
    const repo = await server.createRepo('tree');
    await repo.commit({
      'base/kustomization.yaml': 'resources: [deploy.yaml]\n',
      'base/deploy.yaml': 'kind: Deployment\n',
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\n',
      'Zeta.yaml': 'z\n',
      'alpha.yaml': 'a\n',
      'b-dir/x.yaml': 'x\n',
      'tenant/app/kustomization.yaml': 'resources: [up/alpha.yaml]\n',
    });
    // A directory link to the tree's root: inside the tree, but above the kustomization.
    await repo.symlink('tenant/app/up', '../../');
    await repo.symlink('overlays/prod/base-link', '../../base');
    await repo.symlink('overlays/prod/file-link.yaml', '../../alpha.yaml');
    await repo.symlink('escape', '../outside');
    await repo.symlink('deep/escape', '../../../etc/passwd');
    await repo.symlink('absolute', '/etc/passwd');
    await repo.symlink('dangling', 'nothing-here');
    await repo.symlink('loop-a', 'loop-b');
    await repo.symlink('loop-b', 'loop-a');
    // A submodule entry (gitlink): not part of the tree the renderer sees.
    await repo.git('update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},vendored`);
    await repo.git('commit', '-q', '-m', 'gitlink');
    await repo.publish();
    cacheDir = await mkdtemp(join(tmpdir(), 'trueup-cache-'));
    const source = new GitSource({ cacheDir });
    tree = (await source.open({ repoURL: server.url('tree'), targetRevision: 'main' })).tree;
  });
  after(async () => {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('names the repository and commit', () => {
    assert.match(tree.description, /^http:\/\/127\.0\.0\.1:\d+\/tree\.git@[0-9a-f]{12}$/);
  });

  it('lists directories sorted by code point, without submodules', async () => {
    assert.deepEqual(await tree.listDir(''), [
      'Zeta.yaml',
      'absolute',
      'alpha.yaml',
      'b-dir',
      'base',
      'dangling',
      'deep',
      'escape',
      'loop-a',
      'loop-b',
      'overlays',
      'tenant',
    ]);
    assert.deepEqual(await tree.listDir('base'), ['deploy.yaml', 'kustomization.yaml']);
  });

  it('stats files and directories, and nothing where nothing is', async () => {
    assert.deepEqual(await tree.stat('base/deploy.yaml'), { kind: 'file', size: 17 });
    assert.deepEqual(await tree.stat('base'), { kind: 'dir', size: 0 });
    assert.deepEqual(await tree.stat(''), { kind: 'dir', size: 0 });
    assert.equal(await tree.stat('nope.yaml'), undefined);
    assert.equal(await tree.stat('base/deploy.yaml/below'), undefined);
    assert.equal(await tree.stat('vendored'), undefined);
  });

  it('reads files, with . and .. inside the tree normalised', async () => {
    assert.equal(text(await tree.readFile('base/deploy.yaml')), 'kind: Deployment\n');
    assert.equal(text(await tree.readFile('overlays/prod/../../base/./deploy.yaml')), 'kind: Deployment\n');
  });

  it('follows symlinks that stay inside the tree', async () => {
    assert.deepEqual(await tree.listDir('overlays/prod/base-link'), ['deploy.yaml', 'kustomization.yaml']);
    assert.equal(text(await tree.readFile('overlays/prod/base-link/deploy.yaml')), 'kind: Deployment\n');
    assert.equal(text(await tree.readFile('overlays/prod/file-link.yaml')), 'a\n');
    assert.deepEqual(await tree.stat('overlays/prod/base-link'), { kind: 'dir', size: 0 });
    assert.equal(await tree.stat('dangling'), undefined);
  });

  it('gives the real path with the links of every component resolved', async () => {
    assert.equal(await tree.realPath('overlays/prod/base-link/deploy.yaml'), 'base/deploy.yaml');
    assert.equal(await tree.realPath('overlays/prod/base-link/missing.yaml'), 'base/missing.yaml');
    assert.equal(await tree.realPath('tenant/app/up/alpha.yaml'), 'alpha.yaml');
    assert.equal(await tree.realPath('overlays/prod/file-link.yaml'), 'alpha.yaml');
    assert.equal(await tree.realPath('nope/a.yaml'), 'nope/a.yaml');
    await assert.rejects(tree.realPath('escape/below'), code('GitPathEscapes'));
  });

  it('the renderer refuses a file reached through a directory link above the kustomization', async () => {
    await assert.rejects(
      renderTree(tree, 'tenant/app'),
      (err) =>
        isTrueupError(err) &&
        err.code === 'RENDER_OUTSIDE_ROOT' &&
        /security; file 'tenant\/app\/up\/alpha\.yaml' is not in or below 'tenant\/app'/.test(err.message),
    );
  });

  it('refuses paths and symlinks that leave the tree', async () => {
    for (const path of [
      '..',
      '../x',
      'base/../../x',
      '/etc/passwd',
      'escape',
      'deep/escape',
      'absolute',
      'escape/below',
    ]) {
      await assert.rejects(tree.stat(path), code('GitPathEscapes'), path);
      await assert.rejects(tree.readFile(path), code('GitPathEscapes'), path);
    }
  });

  it('gives typed errors naming the path', async () => {
    await assert.rejects(
      tree.readFile('nope.yaml'),
      (err) => code('GitPathNotFound')(err) && /nope\.yaml/.test(String(err)),
    );
    await assert.rejects(tree.readFile('base'), code('GitNotAFile'));
    await assert.rejects(tree.listDir('alpha.yaml'), code('GitNotADirectory'));
    await assert.rejects(tree.listDir('nope'), code('GitPathNotFound'));
    await assert.rejects(
      tree.stat('loop-a'),
      (err) => code('GitPathNotFound')(err) && /symlinks/.test(String(err)),
    );
  });
});
