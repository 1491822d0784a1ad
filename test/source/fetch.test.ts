import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isTrueupError } from '../../src/api/errors.js';
import { type FetchEngine, GitSource, type GitSourceOptions, parseRepoUrl } from '../../src/source/index.js';
import { GitHttpServer, gitCli } from '../support/git-server.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

for (const engine of ['isomorphic-git', 'native'] as const) suite(engine);

function suite(engine: FetchEngine) {
  describe(`Git source: fetching into the cache (${engine} fetch)`, () => {
    let server: GitHttpServer;
    let cacheDir: string;

    before(async () => {
      server = await GitHttpServer.start();
      cacheDir = await mkdtemp(join(tmpdir(), 'trueup-cache-'));
    });
    after(async () => {
      await server.close();
      await rm(cacheDir, { recursive: true, force: true });
    });

    const make = (options: GitSourceOptions) => new GitSource({ ...options, fetchEngine: engine });
    const gitdirOf = (url: string) => join(cacheDir, 'repos', parseRepoUrl(url).cacheKey, 'git');
    const packs = async (url: string) =>
      (await readdir(join(gitdirOf(url), 'objects', 'pack')).catch(() => []))
        .filter((n) => n.endsWith('.pack'))
        .sort();
    /** git's own integrity check of the cache: it is a valid repository with every object intact. */
    const fsck = (url: string) => gitCli(cacheDir, '--git-dir', gitdirOf(url), 'fsck', '--no-dangling');
    const objectsIn = async (url: string, pack: string) => {
      const out = await gitCli(cacheDir, 'verify-pack', '-v', join(gitdirOf(url), 'objects', 'pack', pack));
      return out.split('\n').filter((l) => /^[0-9a-f]{40} (commit|tree|blob|tag)/.test(l)).length;
    };

    it('fetches incrementally: a new commit transfers only its own objects', async () => {
      const repo = await server.createRepo('incremental');
      const files: Record<string, string> = {};
      for (let i = 0; i < 100; i++)
        files[`f${String(i).padStart(3, '0')}.txt`] = randomBytes(512).toString('hex');
      await repo.commit(files, 'many files');
      const source = make({ cacheDir });
      const url = server.url('incremental');
      server.reset();
      const first = await source.open({ repoURL: url, targetRevision: 'main' });
      assert.equal(first.revision.fetched, true);
      assert.equal(server.count('pack'), 1);
      assert.equal((await packs(url)).length, 1);

      const next = await repo.commit({ 'f000.txt': 'changed\n' }, 'one change');
      server.reset();
      const second = await source.open({ repoURL: url, targetRevision: 'main' });
      assert.equal(second.revision.commit, next);
      assert.equal(second.revision.fetched, true);
      assert.deepEqual(
        server.requests.map((r) => `${r.method} ${r.kind}`),
        ['GET refs', 'POST pack'],
        'one ref query, then the fetch reuses its advertisement',
      );
      const after = await packs(url);
      assert.equal(after.length, 2);
      const counts = await Promise.all(after.map((p) => objectsIn(url, p)));
      assert.deepEqual(
        counts.sort((a, b) => a - b),
        [3, 102],
        'the second pack holds only the new commit, its tree and the changed blob',
      );
      assert.equal(text(await second.tree.readFile('f000.txt')), 'changed\n');
      assert.equal(text(await first.tree.readFile('f000.txt')), files['f000.txt']);
      await fsck(url);
    });

    it('serves a burst of concurrent requests for one repository with one ref query and one fetch', async () => {
      const repo = await server.createRepo('burst');
      const c1 = await repo.commit({ 'a.yaml': 'a: 1\n' }, 'one');
      await repo.tag('v1.0.0');
      const source = make({ cacheDir });
      const url = server.url('burst');
      const revs = ['main', 'HEAD', 'v1.0.0', '1.x', 'main', 'main', 'HEAD', 'v1.0.0', 'main', 'main'];
      server.reset();
      const results = await Promise.all(
        revs.map((targetRevision) => source.open({ repoURL: url, targetRevision })),
      );
      assert.ok(results.every((r) => r.revision.commit === c1));
      assert.equal(server.count('refs'), 1, 'one ref query');
      assert.equal(server.count('pack'), 1, 'one fetch');

      // The next poll after a push: again one query and one (incremental) fetch for everyone.
      const c2 = await repo.commit({ 'a.yaml': 'a: 2\n' }, 'two');
      server.reset();
      const again = await Promise.all(
        Array.from({ length: 10 }, () => source.open({ repoURL: url, targetRevision: 'main' })),
      );
      assert.ok(again.every((r) => r.revision.commit === c2));
      assert.equal(server.count('refs'), 1);
      assert.equal(server.count('pack'), 1);
      // Trees are cached per commit: every caller got the same parsed tree.
      assert.ok(again.every((r) => r.tree === again[0]!.tree));
    });

    it('shares one ref query between sequential callers within the TTL (injected clock)', async () => {
      const repo = await server.createRepo('ttl');
      await repo.commit({ 'a.yaml': 'a\n' });
      let now = 1_000;
      const source = make({ cacheDir, refCacheTtlMs: 5_000, clock: { now: () => now } });
      const url = server.url('ttl');
      await source.resolve({ repoURL: url, targetRevision: 'main' });
      server.reset();
      now += 4_000;
      await source.resolve({ repoURL: url, targetRevision: 'main' });
      assert.equal(server.count('refs'), 0, 'within the TTL');
      now += 2_000;
      await source.resolve({ repoURL: url, targetRevision: 'main' });
      assert.equal(server.count('refs'), 1, 'after the TTL');
    });

    it('follows a force-push, says so, and keeps the old revision readable', async () => {
      const repo = await server.createRepo('rewrite');
      await repo.commit({ 'a.yaml': 'a: 1\n' }, 'base');
      const old = await repo.commit({ 'a.yaml': 'a: 2\n' }, 'to be rewritten');
      const source = make({ cacheDir });
      const url = server.url('rewrite');
      assert.equal((await source.resolve({ repoURL: url, targetRevision: 'main' })).commit, old);
      const rewritten = await repo.amend({ 'a.yaml': 'a: rewritten\n' });
      const { revision, tree } = await source.open({ repoURL: url, targetRevision: 'main' });
      assert.equal(revision.commit, rewritten);
      assert.equal(revision.rewrittenFrom, old);
      assert.equal(text(await tree.readFile('a.yaml')), 'a: rewritten\n');
      assert.equal(text(await (await source.tree(url, old)).readFile('a.yaml')), 'a: 2\n');
      // A fast-forward afterwards is not a rewrite.
      await repo.commit({ 'a.yaml': 'a: 3\n' }, 'forward');
      assert.equal((await source.resolve({ repoURL: url, targetRevision: 'main' })).rewrittenFrom, undefined);

      // With the refusing policy, the rewrite is a terminal error naming the ref.
      const strict = make({ cacheDir, onHistoryRewrite: 'refuse' });
      const before = await strict.resolve({ repoURL: url, targetRevision: 'main' });
      await repo.amend({ 'a.yaml': 'a: again\n' });
      await assert.rejects(
        strict.resolve({ repoURL: url, targetRevision: 'main', previousCommit: before.commit }),
        (err) =>
          isTrueupError(err) &&
          err.code === 'GitHistoryRewritten' &&
          /refs\/heads\/main was rewritten/.test(err.message),
      );
    });

    it('reports a branch that disappeared as deleted, not as never existing', async () => {
      const repo = await server.createRepo('vanish');
      await repo.commit({ 'a.yaml': 'a\n' });
      await repo.commit({ 'a.yaml': 'b\n' }, 'on temp', 'temp');
      await repo.checkout('main');
      const source = make({ cacheDir });
      const url = server.url('vanish');
      await source.resolve({ repoURL: url, targetRevision: 'temp' });
      await repo.deleteBranch('temp');
      await assert.rejects(
        source.resolve({ repoURL: url, targetRevision: 'temp' }),
        (err) =>
          isTrueupError(err) &&
          err.code === 'GitRefDeleted' &&
          err.retry === 'terminal' &&
          err.message.includes("'temp'"),
      );
    });

    it('never corrupts the cache when a fetch fails mid-pack', async () => {
      const repo = await server.createRepo('fragile');
      const big: Record<string, string> = {};
      for (let i = 0; i < 50; i++) big[`d/f${i}.txt`] = randomBytes(1024).toString('hex');
      const good = await repo.commit(big, 'good');
      const source = make({ cacheDir });
      // A short idle timeout only where the server stalls for good.
      const impatient = make({ cacheDir, idleTimeoutMs: 1_000 });
      const url = server.url('fragile');
      await source.resolve({ repoURL: url, targetRevision: 'main' });
      const stateFile = join(gitdirOf(url), '..', 'state.json');
      const stateBefore = await readFile(stateFile, 'utf8');
      const packsBefore = await packs(url);

      const more: Record<string, string> = {};
      for (let i = 0; i < 50; i++) more[`e/f${i}.txt`] = randomBytes(1024).toString('hex');
      const next = await repo.commit(more, 'next');
      for (const fault of [
        { on: 'pack', kind: 'close', afterBytes: 2_000 },
        { on: 'pack', kind: 'stall', afterBytes: 2_000 },
      ] as const) {
        server.reset();
        server.inject(fault);
        await assert.rejects(
          (fault.kind === 'stall' ? impatient : source).resolve({ repoURL: url, targetRevision: 'main' }),
          (err) =>
            isTrueupError(err) &&
            err.retry === 'transient' &&
            (fault.kind === 'stall' ? err.code === 'GitTimeout' : err.code === 'GitNetworkError'),
          fault.kind,
        );
        assert.equal(server.count('pack'), 1, `${fault.kind}: failed in the fetch, not before`);
        assert.deepEqual(await packs(url), packsBefore, `${fault.kind}: no pack added`);
        assert.equal(await readFile(stateFile, 'utf8'), stateBefore, `${fault.kind}: state untouched`);
        const leftovers = (await readdir(join(gitdirOf(url), '..'))).filter((n) => n.startsWith('staging-'));
        assert.deepEqual(leftovers, [], `${fault.kind}: staging removed`);
        await fsck(url);
        const tree = await source.tree(url, good);
        assert.equal((await tree.listDir('d')).length, 50);
      }
      const { revision, tree } = await source.open({ repoURL: url, targetRevision: 'main' });
      assert.equal(revision.commit, next);
      assert.equal((await tree.listDir('e')).length, 50);
      await fsck(url);
    });

    it('compacts a repository whose incremental fetches left too many packs', async () => {
      const repo = await server.createRepo(`${engine}-compact`);
      const source = make({ cacheDir, maxPacks: 2 });
      const url = server.url(`${engine}-compact`);
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const commit = await repo.commit({ [`f${i}.yaml`]: `v: ${i}\n` }, `c${i}`);
        const { revision, tree } = await source.open({ repoURL: url, targetRevision: 'main' });
        assert.equal(revision.commit, commit);
        assert.equal(text(await tree.readFile(`f${i}.yaml`)), `v: ${i}\n`);
        counts.push((await packs(url)).length);
      }
      assert.deepEqual(counts, [1, 2, 1]);
      const { tree } = await source.open({ repoURL: url, targetRevision: 'main' });
      assert.deepEqual(await tree.listDir(''), ['f0.yaml', 'f1.yaml', 'f2.yaml']);
      await fsck(url);
      assert.deepEqual(await readdir(join(cacheDir, 'tmp')).catch(() => []), []);
    });

    it('garbage-collects the cache entries of repositories no longer in use', async () => {
      const keep = await server.createRepo('gc-keep');
      const drop = await server.createRepo('gc-drop');
      await keep.commit({ 'a\n': 'a' });
      await drop.commit({ 'b\n': 'b' });
      const source = make({ cacheDir });
      await source.resolve({ repoURL: server.url('gc-keep'), targetRevision: 'main' });
      await source.resolve({ repoURL: server.url('gc-drop'), targetRevision: 'main' });
      const others = (await readdir(join(cacheDir, 'repos'))).length;
      // Another spelling of the kept URL still keeps it; every other entry goes.
      const spelled = server.url('gc-keep').replace('.git', '/').replace('http://', 'HTTP://');
      const removed = await source.gc([spelled, 'git@github.com:not/valid-here.git']);
      assert.ok(removed.includes(parseRepoUrl(server.url('gc-drop')).normalized));
      assert.equal(removed.length, others - 1);
      assert.deepEqual(await readdir(join(cacheDir, 'repos')), [
        parseRepoUrl(server.url('gc-keep')).cacheKey,
      ]);
      await assert.rejects(stat(gitdirOf(server.url('gc-drop'))));
      // Leftovers of interrupted work go once they are old; fresh ones (maybe in use) stay.
      const keptDir = join(gitdirOf(server.url('gc-keep')), '..');
      await mkdir(join(keptDir, 'staging-old'), { recursive: true });
      await mkdir(join(keptDir, 'staging-new'), { recursive: true });
      await mkdir(join(cacheDir, 'tmp', 'interrupted-old'), { recursive: true });
      const longAgo = new Date(Date.now() - 2 * 3_600_000);
      await utimes(join(keptDir, 'staging-old'), longAgo, longAgo);
      await utimes(join(cacheDir, 'tmp', 'interrupted-old'), longAgo, longAgo);
      await source.gc([server.url('gc-keep')]);
      assert.deepEqual(
        (await readdir(keptDir)).filter((n) => n.startsWith('staging-')),
        ['staging-new'],
      );
      assert.ok(!(await readdir(join(cacheDir, 'tmp'))).includes('interrupted-old'));
      await rm(join(keptDir, 'staging-new'), { recursive: true });
      // A removed repository is simply fetched again when asked for.
      server.reset();
      await source.resolve({ repoURL: server.url('gc-drop'), targetRevision: 'main' });
      assert.equal(server.count('pack'), 1);
    });
  });
}
