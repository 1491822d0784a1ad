import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isTrueupError, type TrueupError } from '../../src/api/errors.js';
import { GitSource, type SecretLike, staticSecretSource } from '../../src/source/index.js';
import { GitHttpServer } from '../support/git-server.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const repoCreds = (name: string, url: string, username: string, password: string): SecretLike => ({
  metadata: { namespace: 'trueup-system', name, labels: { 'trueup.dev/secret-type': 'repo-creds' } },
  data: { url: b64(url), username: b64(username), password: b64(password) },
});

/** Everything an error exposes: message, JSON, cause chain. */
function exposed(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  while (e instanceof Error) {
    parts.push(e.message, JSON.stringify(e), String(e.stack));
    e = e.cause;
  }
  return parts.join('\n');
}

function expectError(code: string, retry: string, check?: (err: TrueupError) => void) {
  return (err: unknown) => {
    assert.ok(isTrueupError(err), `not a TrueupError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.retry, retry);
    check?.(err);
    return true;
  };
}

describe('Git source: credentials and failures', () => {
  let server: GitHttpServer;
  let cacheDir: string;
  const logs: string[] = [];
  const logger = {
    debug: (o: object, m: string) => logs.push(`${m} ${JSON.stringify(o)}`),
    info: (o: object, m: string) => logs.push(`${m} ${JSON.stringify(o)}`),
    warn: (o: object, m: string) => logs.push(`${m} ${JSON.stringify(o)}`),
  };

  before(async () => {
    server = await GitHttpServer.start();
    const priv = await server.createRepo('private/app');
    await priv.commit({ 'a.yaml': 'secret: false\n' });
    const pub = await server.createRepo('public');
    await pub.commit({ 'a.yaml': 'a: 1\n' });
    cacheDir = await mkdtemp(join(tmpdir(), 'trueup-cache-'));
  });
  after(async () => {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const { username, password } = { username: 'alice', password: 's3cret-pw' };

  it('authenticates with a repo-creds Secret matched by URL prefix', async () => {
    const prefix = `http://127.0.0.1:${server.port}/private`;
    const source = new GitSource({
      cacheDir,
      logger,
      secrets: staticSecretSource([repoCreds('org', prefix, username, password)]),
    });
    server.reset();
    const { tree } = await source.open({ repoURL: server.url('private/app'), targetRevision: 'main' });
    assert.equal(Buffer.from(await tree.readFile('a.yaml')).toString(), 'secret: false\n');
    assert.ok(server.requests.every((r) => r.user === 'alice'));
  });

  it('authenticates with a Secret named explicitly, and waits for one that is missing', async () => {
    const source = new GitSource({
      cacheDir: await mkdtemp(join(tmpdir(), 'trueup-cache-')),
      secrets: staticSecretSource([
        { metadata: { namespace: 'apps', name: 'git' }, stringData: { username, password } },
      ]),
    });
    const rev = await source.resolve({
      repoURL: server.url('private/app'),
      targetRevision: 'main',
      secretRef: { namespace: 'apps', name: 'git' },
    });
    assert.match(rev.commit, /^[0-9a-f]{40}$/);
    await assert.rejects(
      source.resolve({
        repoURL: server.url('private/app'),
        targetRevision: 'main',
        secretRef: { namespace: 'apps', name: 'nope' },
      }),
      expectError('GitCredentialsNotFound', 'waiting'),
    );
  });

  it('authenticates with credentials in the URL but never shows them', async () => {
    const source = new GitSource({ cacheDir: await mkdtemp(join(tmpdir(), 'trueup-cache-')), logger });
    const url = server.url('private/app').replace('http://', `http://${username}:${password}@`);
    const rev = await source.resolve({ repoURL: url, targetRevision: 'main' });
    assert.ok(!JSON.stringify(rev).includes(password));
    const wrong = server.url('private/app').replace('http://', `http://${username}:wrong-pw-123@`);
    // A commit already in the cache is not served to credentials the server has not accepted.
    await assert.rejects(
      source.resolve({ repoURL: wrong, targetRevision: rev.commit }),
      expectError('GitAuthFailed', 'terminal'),
    );
    assert.equal((await source.resolve({ repoURL: url, targetRevision: rev.commit })).fetched, false);
    await assert.rejects(
      source.resolve({ repoURL: wrong, targetRevision: 'main' }),
      expectError('GitAuthFailed', 'terminal', (err) => {
        assert.ok(!exposed(err).includes('wrong-pw-123'));
        assert.match(err.message, /\*\*\*@127\.0\.0\.1|127\.0\.0\.1/);
      }),
    );
  });

  it('fails with 401 as a terminal error that contains no secret', async () => {
    const prefix = `http://127.0.0.1:${server.port}/private`;
    const source = new GitSource({
      cacheDir,
      logger,
      secrets: staticSecretSource([repoCreds('org', prefix, 'mallory', 'hunter2-not-it')]),
    });
    await assert.rejects(
      source.resolve({ repoURL: server.url('private/app'), targetRevision: 'main' }),
      expectError('GitAuthFailed', 'terminal', (err) => {
        assert.match(err.message, /private\/app\.git: the credentials were rejected \(HTTP 401\)/);
        const all = exposed(err);
        assert.ok(!all.includes('hunter2-not-it') && !all.includes(b64('mallory:hunter2-not-it')));
      }),
    );
    const anonymous = new GitSource({ cacheDir, logger });
    await assert.rejects(
      anonymous.resolve({ repoURL: server.url('private/app'), targetRevision: 'main' }),
      expectError('GitAuthFailed', 'terminal', (err) =>
        assert.match(err.message, /no credentials are configured/),
      ),
    );
    assert.ok(logs.length > 0);
    assert.ok(logs.every((l) => !l.includes(password) && !l.includes('hunter2') && !l.includes('Basic ')));
  });

  it('maps 403, 404 and 5xx to typed errors with the right retry class', async () => {
    const source = new GitSource({ cacheDir });
    server.inject({ on: 'refs', kind: 'status', status: 403 });
    await assert.rejects(
      source.resolve({ repoURL: server.url('public'), targetRevision: 'main' }),
      expectError('GitForbidden', 'terminal'),
    );
    server.inject({ on: 'refs', kind: 'status', status: 503 });
    await assert.rejects(
      source.resolve({ repoURL: server.url('public'), targetRevision: 'main' }),
      expectError('GitServerError', 'transient'),
    );
    await assert.rejects(
      source.resolve({ repoURL: server.url('missing'), targetRevision: 'main' }),
      expectError('GitRepoNotFound', 'terminal', (err) => assert.match(err.message, /missing\.git/)),
    );
    // A failing fetch (after a good ref query) is typed too, whoever fetches.
    for (const fetchEngine of ['isomorphic-git', 'native'] as const) {
      server.inject({ on: 'pack', kind: 'status', status: 500 });
      await assert.rejects(
        new GitSource({ cacheDir: join(cacheDir, fetchEngine), fetchEngine }).resolve({
          repoURL: server.url('public'),
          targetRevision: 'main',
        }),
        expectError('GitServerError', 'transient'),
        fetchEngine,
      );
    }
    assert.match(
      (await source.resolve({ repoURL: server.url('public'), targetRevision: 'main' })).commit,
      /^[0-9a-f]{40}$/,
    );
  });

  it('does not follow a redirect but says where the repository went, without credentials', async () => {
    const source = new GitSource({ cacheDir });
    server.inject({
      on: 'refs',
      kind: 'status',
      status: 301,
      headers: { location: 'https://bob:leaked-pw@git.example.com/moved.git/info/refs' },
    });
    await assert.rejects(
      source.resolve({ repoURL: server.url('public'), targetRevision: 'main' }),
      expectError('GitRedirected', 'terminal', (err) => {
        assert.match(err.message, /redirects \(HTTP 301\) to https:\/\/\*\*\*@git\.example\.com\/moved\.git/);
        assert.ok(!exposed(err).includes('leaked-pw'));
      }),
    );
  });

  it('reports a host that does not resolve as a transient DNS failure', async () => {
    const source = new GitSource({ cacheDir });
    await assert.rejects(
      source.resolve({ repoURL: 'http://trueup-test.invalid/org/repo.git', targetRevision: 'main' }),
      expectError('GitDnsFailure', 'transient', (err) => assert.match(err.message, /trueup-test\.invalid/)),
    );
  });

  it('reports a closed port as a transient connection refusal', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const source = new GitSource({ cacheDir });
    await assert.rejects(
      source.resolve({ repoURL: `http://127.0.0.1:${port}/repo.git`, targetRevision: 'main' }),
      expectError('GitConnectionRefused', 'transient'),
    );
  });

  it('times out a server that stalls mid-pack (explicit idle timeout)', async () => {
    const repo = await server.createRepo('stall');
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`f${i}`] = randomBytes(1024).toString('hex');
    await repo.commit(files);
    for (const fetchEngine of ['isomorphic-git', 'native'] as const) {
      const source = new GitSource({ cacheDir, idleTimeoutMs: 1_000, fetchEngine });
      server.reset();
      server.inject({ on: 'pack', kind: 'stall', afterBytes: 1_000 });
      await assert.rejects(
        source.resolve({ repoURL: server.url('stall'), targetRevision: 'main' }),
        expectError('GitTimeout', 'transient', (err) =>
          assert.match(err.message, /stall\.git: the server sent nothing for 1000 ms/),
        ),
        fetchEngine,
      );
      assert.equal(server.count('pack'), 1, 'the stall happened in the fetch');
    }
    const source = new GitSource({ cacheDir, idleTimeoutMs: 1_000 });
    server.inject({ on: 'refs', kind: 'stall', afterBytes: 10 });
    await assert.rejects(
      source.resolve({ repoURL: server.url('stall'), targetRevision: 'main' }),
      expectError('GitTimeout', 'transient'),
    );
  });

  it('refuses a repository larger than the limit, terminally', async () => {
    const repo = await server.createRepo('huge');
    await repo.commit({ blob: randomBytes(64 * 1024).toString('base64') });
    for (const fetchEngine of ['isomorphic-git', 'native'] as const) {
      const source = new GitSource({ cacheDir, maxRepoBytes: 16 * 1024, fetchEngine });
      await assert.rejects(
        source.resolve({ repoURL: server.url('huge'), targetRevision: 'main' }),
        expectError('GitRepoTooLarge', 'terminal', (err) =>
          assert.match(err.message, /huge\.git: .*16384 bytes/),
        ),
        fetchEngine,
      );
    }
  });

  it('says clearly that SSH URLs are not supported', async () => {
    const source = new GitSource({ cacheDir });
    for (const repoURL of ['git@github.com:org/repo.git', 'ssh://git@github.com/org/repo.git']) {
      await assert.rejects(
        source.resolve({ repoURL, targetRevision: 'main' }),
        expectError('GitUnsupportedUrl', 'terminal', (err) =>
          assert.match(err.message, /SSH URLs are not supported/),
        ),
      );
    }
  });
});
