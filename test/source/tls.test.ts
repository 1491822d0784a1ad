import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isTrueupError } from '../../src/api/errors.js';
import { createNodeHttpClient, GitSource } from '../../src/source/index.js';
import { createPki, type Pki } from '../control-plane/pki.js';
import { GitHttpServer } from '../support/git-server.js';
import { TestProxy } from '../support/http-proxy.js';

describe('Git source over HTTPS with a private CA, and through a proxy', () => {
  let dir: string;
  let pki: Pki;
  let server: GitHttpServer;
  let plain: GitHttpServer;
  let proxy: TestProxy;

  before(async () => {
    proxy = await TestProxy.start();
    plain = await GitHttpServer.start();
    await (await plain.createRepo('open')).commit({ 'b.yaml': 'plain: true\n' });
    dir = await mkdtemp(join(tmpdir(), 'trueup-tls-'));
    pki = await createPki(dir);
    server = await GitHttpServer.start({ tls: { cert: pki.serving.cert, key: pki.serving.key } });
    const repo = await server.createRepo('secure');
    await repo.commit({ 'a.yaml': 'tls: true\n' });
  });
  after(async () => {
    await proxy.close();
    await plain.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an untrusted certificate with a terminal TLS error', async () => {
    const source = new GitSource({ cacheDir: join(dir, 'cache-1') });
    await assert.rejects(
      source.resolve({ repoURL: server.url('secure'), targetRevision: 'main' }),
      (err) =>
        isTrueupError(err) &&
        err.code === 'GitTlsError' &&
        err.retry === 'terminal' &&
        /secure\.git: the server's TLS certificate is not trusted/.test(err.message),
    );
  });

  it('fetches once the CA is configured', async () => {
    const source = new GitSource({
      cacheDir: join(dir, 'cache-2'),
      http: createNodeHttpClient({ ca: pki.ca.cert }),
    });
    const { tree } = await source.open({ repoURL: server.url('secure'), targetRevision: 'main' });
    assert.equal(Buffer.from(await tree.readFile('a.yaml')).toString(), 'tls: true\n');
  });

  it('tunnels HTTPS through a proxy (CONNECT) and sends HTTP in absolute form', async () => {
    const http = createNodeHttpClient({ ca: pki.ca.cert, proxy: proxy.url });
    const source = new GitSource({ cacheDir: join(dir, 'cache-3'), http });
    const secure = await source.open({ repoURL: server.url('secure'), targetRevision: 'main' });
    assert.equal(Buffer.from(await secure.tree.readFile('a.yaml')).toString(), 'tls: true\n');
    assert.ok(proxy.tunnels.length > 0 && proxy.tunnels.every((t) => t === `127.0.0.1:${server.port}`));
    const open = await source.open({ repoURL: plain.url('open'), targetRevision: 'main' });
    assert.equal(Buffer.from(await open.tree.readFile('b.yaml')).toString(), 'plain: true\n');
    assert.ok(proxy.forwarded.some((f) => f.startsWith(`GET ${plain.url('open')}/info/refs`)));
  });

  it('goes direct for NO_PROXY hosts', async () => {
    const before = proxy.forwarded.length + proxy.tunnels.length;
    const http = createNodeHttpClient({ proxy: proxy.url, noProxy: ['localhost', '127.0.0.1'] });
    const source = new GitSource({ cacheDir: join(dir, 'cache-4'), http });
    await source.resolve({ repoURL: plain.url('open'), targetRevision: 'main' });
    assert.equal(proxy.forwarded.length + proxy.tunnels.length, before);
  });
});
