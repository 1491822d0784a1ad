import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderRemote } from '../../src/cli/render-remote.js';
import { GitHttpServer } from '../support/git-server.js';

describe('render from a Git repository (the CLI path)', () => {
  let server: GitHttpServer;
  let cacheRoot: string;

  before(async () => {
    server = await GitHttpServer.start();
    const repo = await server.createRepo('private/gitops');
    await repo.commit({
      'base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: base\n',
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\nnamePrefix: prod-\nnamespace: web\n',
    });
    await repo.tag('v1.0.0');
    await repo.commit({
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\nnamePrefix: prod2-\n',
    });
    cacheRoot = await mkdtemp(join(tmpdir(), 'trueup-cli-cache-'));
  });
  after(async () => {
    await server.close();
    await rm(cacheRoot, { recursive: true, force: true });
  });

  const env = () => ({
    TRUEUP_CACHE_DIR: cacheRoot,
    TRUEUP_GIT_USERNAME: server.credentials.username,
    TRUEUP_GIT_PASSWORD: server.credentials.password,
  });

  it('renders an overlay at a tag and at a branch, with credentials from the environment', async () => {
    const url = server.url('private/gitops');
    const atTag = await renderRemote({ repo: url, revision: '1.x', path: 'overlays/prod' }, env());
    assert.match(atTag, /name: prod-settings\n\s+namespace: web/);
    const atMain = await renderRemote({ repo: url, revision: 'main', path: 'overlays/prod' }, env());
    assert.match(atMain, /name: prod2-settings/);
  });

  it('fails with the typed 401 error and no secret without credentials', async () => {
    await assert.rejects(
      renderRemote({ repo: server.url('private/gitops'), path: 'base' }, { TRUEUP_CACHE_DIR: cacheRoot }),
      (err: Error & { code?: string }) => err.code === 'GitAuthFailed' && !err.message.includes('s3cret'),
    );
  });
});
