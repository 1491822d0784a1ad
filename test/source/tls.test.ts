import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isTrueupError } from '../../src/api/errors.js';
import { createNodeHttpClient, GitSource } from '../../src/source/index.js';
import { createPki, type Pki } from '../control-plane/pki.js';
import { GitHttpServer } from '../support/git-server.js';

describe('Git source over HTTPS with a private CA', () => {
  let dir: string;
  let pki: Pki;
  let server: GitHttpServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trueup-tls-'));
    pki = await createPki(dir);
    server = await GitHttpServer.start({ tls: { cert: pki.serving.cert, key: pki.serving.key } });
    const repo = await server.createRepo('secure');
    await repo.commit({ 'a.yaml': 'tls: true\n' });
  });
  after(async () => {
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
});
