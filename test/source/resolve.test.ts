import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FetchEngine, GitSource } from '../../src/source/index.js';
import { GitHttpServer, type TestRepo } from '../support/git-server.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

for (const engine of ['isomorphic-git', 'native'] as const) suite(engine);

function suite(fetchEngine: FetchEngine) {
  describe(`Git source: resolving revisions over smart HTTP (${fetchEngine} fetch)`, () => {
    let server: GitHttpServer;
    let repo: TestRepo;
    let cacheDir: string;
    let source: GitSource;
    const commits: Record<string, string> = {};

    before(async () => {
      server = await GitHttpServer.start();
      repo = await server.createRepo('org/config');
      commits.first = await repo.commit({ 'app/deploy.yaml': 'v: 1\n', 'README.md': 'hi\n' }, 'first');
      await repo.tag('v1.0.0');
      commits.second = await repo.commit({ 'app/deploy.yaml': 'v: 2\n' }, 'second');
      await repo.tag('v1.2.0', { annotated: true });
      commits.third = await repo.commit({ 'app/deploy.yaml': 'v: 3\n' }, 'third');
      await repo.tag('v1.5.3');
      await repo.tag('v2.0.0-rc.1');
      commits.feature = await repo.commit({ 'app/deploy.yaml': 'v: feature\n' }, 'feature', 'feature/x');
      await repo.checkout('main');
      commits.main = await repo.commit({ 'app/deploy.yaml': 'v: main\n' }, 'main tip');
      cacheDir = await mkdtemp(join(tmpdir(), 'trueup-cache-'));
      source = new GitSource({ cacheDir, fetchEngine });
    });
    after(async () => {
      await server.close();
      await rm(cacheDir, { recursive: true, force: true });
    });

    const url = () => server.url('org/config');
    const read = async (targetRevision: string) => {
      const { revision, tree } = await source.open({ repoURL: url(), targetRevision });
      return { revision, content: text(await tree.readFile('app/deploy.yaml')) };
    };

    it('resolves a branch, with Flux-style revision text', async () => {
      const { revision, content } = await read('main');
      assert.equal(revision.commit, commits.main);
      assert.equal(revision.kind, 'branch');
      assert.equal(revision.text, `main@sha1:${commits.main}`);
      assert.equal(content, 'v: main\n');
    });

    it('resolves a branch with a slash in its name', async () => {
      const { revision, content } = await read('feature/x');
      assert.equal(revision.commit, commits.feature);
      assert.equal(content, 'v: feature\n');
    });

    it('resolves HEAD to the default branch', async () => {
      const { revision } = await read('HEAD');
      assert.equal(revision.commit, commits.main);
      assert.equal(revision.kind, 'head');
      assert.equal(revision.text, `main@sha1:${commits.main}`);
    });

    it('resolves a lightweight and an annotated tag to their commits', async () => {
      assert.equal((await read('v1.0.0')).content, 'v: 1\n');
      const annotated = await read('v1.2.0');
      assert.equal(annotated.revision.commit, commits.second);
      assert.equal(annotated.revision.text, `v1.2.0@sha1:${commits.second}`);
    });

    it('resolves semver ranges over tags, skipping pre-releases', async () => {
      for (const [range, want] of [
        ['>=1.2.0 <2.0.0', 'third'],
        ['1.x', 'third'],
        ['*', 'third'],
        ['~1.2', 'second'],
        ['>=2.0.0-rc.0', 'third'],
      ] as const) {
        const { revision } = await read(range);
        assert.equal(revision.kind, 'semver', range);
        assert.equal(revision.commit, range === '>=2.0.0-rc.0' ? commits.third : commits[want], range);
      }
    });

    it('resolves full and short commit ids', async () => {
      const full = await read(commits.first!);
      assert.equal(full.content, 'v: 1\n');
      assert.equal(full.revision.kind, 'commit');
      assert.equal(full.revision.text, `sha1:${commits.first}`);
      const short = await read(commits.second!.slice(0, 8));
      assert.equal(short.revision.commit, commits.second);
    });

    it('answers a known full commit id from the cache without any request', async () => {
      server.reset();
      const { revision } = await read(commits.first!);
      assert.equal(revision.fetched, false);
      assert.equal(server.requests.length, 0);
    });

    it('reports a revision that does not exist as terminal', async () => {
      for (const rev of ['no-such-branch', '>=9.0.0', 'deadbeefdeadbeef', 'f'.repeat(40)]) {
        await assert.rejects(
          source.resolve({ repoURL: url(), targetRevision: rev }),
          (err: Error & { code?: string; retry?: string }) =>
            err.code === 'GitRevisionNotFound' &&
            err.retry === 'terminal' &&
            err.message.includes('/org/config'),
          rev,
        );
      }
    });

    it('checks for changes with one ref query and fetches nothing when nothing changed', async () => {
      server.reset();
      const { revision } = await read('main');
      assert.equal(revision.fetched, false);
      assert.equal(server.count('refs'), 1);
      assert.equal(server.count('pack'), 0);
    });
  });
}
