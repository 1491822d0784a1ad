import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
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
      'plain/top.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: top\n',
      'plain/sub/nested.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nested\n',
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

  it('reads a plain directory as the controller does: top only, subdirectories with --directory-recurse', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env());
    try {
      const names = async (...flags: string[]) => {
        const out: string[] = [];
        const code = await main(
          ['render', '--repo', server.url('private/gitops'), '--path', 'plain', ...flags],
          {
            stdout: (t) => out.push(t),
            stderr: () => {},
          },
        );
        assert.equal(code, 0);
        return [...out.join('').matchAll(/name: (\S+)/g)].map((m) => m[1]);
      };
      assert.deepEqual(await names(), ['top']);
      assert.deepEqual(await names('--directory-recurse'), ['nested', 'top']); // code-point order: sub/ < top.yaml
      assert.deepEqual(await names('--directory-recurse', '--directory-exclude', 'top.yaml'), ['nested']);
    } finally {
      for (const key of Object.keys(env())) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  it('fails with the typed 401 error and no secret without credentials', async () => {
    await assert.rejects(
      renderRemote({ repo: server.url('private/gitops'), path: 'base' }, { TRUEUP_CACHE_DIR: cacheRoot }),
      (err: Error & { code?: string }) => err.code === 'GitAuthFailed' && !err.message.includes('s3cret'),
    );
  });

  it('is what `trueup render --repo URL --revision REV --path P` runs', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env());
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await main(
        ['render', '--repo', server.url('private/gitops'), '--revision', 'v1.0.0', '--path', 'overlays/prod'],
        { stdout: (t) => out.push(t), stderr: (t) => err.push(t) },
      );
      assert.equal(code, 0, err.join(''));
      assert.match(out.join(''), /name: prod-settings/);
      assert.equal(err.join(''), '');
      const usage: string[] = [];
      const missing = await main(['render'], { stdout: (t) => out.push(t), stderr: (t) => usage.push(t) });
      assert.equal(missing, 1);
      assert.match(usage.join(''), /give a directory, or --repo URL/);
    } finally {
      for (const key of Object.keys(env())) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});
