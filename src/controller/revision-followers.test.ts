import assert from 'node:assert/strict';
import { test } from 'node:test';
import { application, cm, harness } from '../../test/support/reconciler-harness.js';
import { AppRecall } from './app-recall.js';
import {
  type FollowedRef,
  followedRefs,
  type ResolvedRef,
  RevisionFollowers,
  RevisionIndex,
} from './revision-followers.js';

const REPO = 'https://git.example/org/config.git';
const OTHER = 'https://git.example/org/other.git';

test('followedRefs: the Git refs a spec follows', () => {
  const cases: { name: string; spec: Parameters<typeof followedRefs>[0]; want: FollowedRef[] }[] = [
    {
      name: 'one source',
      spec: { source: { repoURL: REPO, targetRevision: 'main' } },
      want: [{ repoURL: REPO, ref: 'main' }],
    },
    {
      name: 'unset ref is HEAD',
      spec: { source: { repoURL: REPO } },
      want: [{ repoURL: REPO, ref: 'HEAD' }],
    },
    {
      name: 'empty ref is HEAD',
      spec: { source: { repoURL: REPO, targetRevision: '' } },
      want: [{ repoURL: REPO, ref: 'HEAD' }],
    },
    {
      name: 'a chart follows no Git ref',
      spec: { source: { repoURL: REPO, chart: 'web', targetRevision: '1.*' } },
      want: [],
    },
    {
      name: 'sources: each Git ref once, charts left out',
      spec: {
        sources: [
          { repoURL: REPO, targetRevision: 'main' },
          { repoURL: OTHER, targetRevision: 'v1' },
          { repoURL: REPO, targetRevision: 'main' },
          { repoURL: 'oci://reg/charts', chart: 'web', targetRevision: '1.0.0' },
        ],
      },
      want: [
        { repoURL: REPO, ref: 'main' },
        { repoURL: OTHER, ref: 'v1' },
      ],
    },
    { name: 'no source', spec: {}, want: [] },
    { name: 'no spec', spec: undefined, want: [] },
    { name: 'a repoURL that is not a string', spec: { source: { repoURL: 42 } }, want: [] },
  ];
  for (const c of cases) assert.deepEqual(followedRefs(c.spec), c.want, c.name);
});

test('RevisionIndex: apps by ref, kept up to date as specs change and apps go', () => {
  const main = { repoURL: REPO, ref: 'main' };
  const dev = { repoURL: REPO, ref: 'dev' };
  const index = new RevisionIndex();
  const steps: { name: string; act: () => void; main: string[]; dev: string[]; refs: number }[] = [
    { name: 'a on main', act: () => index.set('ns/a', [main]), main: ['ns/a'], dev: [], refs: 1 },
    { name: 'b on main', act: () => index.set('ns/b', [main]), main: ['ns/a', 'ns/b'], dev: [], refs: 1 },
    {
      name: 'the same again',
      act: () => index.set('ns/b', [main]),
      main: ['ns/a', 'ns/b'],
      dev: [],
      refs: 1,
    },
    { name: 'b moves to dev', act: () => index.set('ns/b', [dev]), main: ['ns/a'], dev: ['ns/b'], refs: 2 },
    {
      name: 'a follows both',
      act: () => index.set('ns/a', [main, dev]),
      main: ['ns/a'],
      dev: ['ns/a', 'ns/b'],
      refs: 2,
    },
    { name: 'a is deleted', act: () => index.delete('ns/a'), main: [], dev: ['ns/b'], refs: 1 },
    { name: 'b follows nothing', act: () => index.set('ns/b', []), main: [], dev: [], refs: 0 },
  ];
  for (const s of steps) {
    s.act();
    assert.deepEqual([...index.followers(main)].sort(), s.main, `${s.name}: main`);
    assert.deepEqual([...index.followers(dev)].sort(), s.dev, `${s.name}: dev`);
    assert.equal(index.refs, s.refs, `${s.name}: refs`);
  }
});

test('RevisionFollowers: a new revision queues the other followers once; what is not news queues nobody', () => {
  const main = { repoURL: REPO, ref: 'main' };
  const queued: string[][] = [];
  const announced: ResolvedRef[] = [];
  const followers = new RevisionFollowers({
    index: new RevisionIndex(),
    requeue: (keys) => queued.push([...keys].sort()),
    onNewRevision: (r) => announced.push(r),
    remembered: 2,
  });
  for (const k of ['ns/a', 'ns/b', 'ns/c']) followers.track(k, [main]);
  followers.track('ns/d', [{ repoURL: REPO, ref: 'dev' }]);
  const at = (revision: string) => [{ ...main, revision }];
  const steps: { name: string; app: string; refs: ResolvedRef[]; want: string[] }[] = [
    { name: 'the first revision seen is recorded only', app: 'ns/a', refs: at('c1'), want: [] },
    { name: 'the same revision again', app: 'ns/b', refs: at('c1'), want: [] },
    {
      name: 'a new revision: every other follower of the ref',
      app: 'ns/b',
      refs: at('c2'),
      want: ['ns/a', 'ns/c'],
    },
    {
      name: 'the same new revision from another app: once per revision',
      app: 'ns/c',
      refs: at('c2'),
      want: [],
    },
    { name: 'an older answer that was in flight', app: 'ns/a', refs: at('c1'), want: [] },
    {
      name: 'a ref nobody follows',
      app: 'ns/a',
      refs: [{ repoURL: OTHER, ref: 'main', revision: 'x' }],
      want: [],
    },
    { name: 'the next revision', app: 'ns/a', refs: at('c3'), want: ['ns/b', 'ns/c'] },
    {
      name: 'c1 fell out of the remembered two: news again',
      app: 'ns/a',
      refs: at('c1'),
      want: ['ns/b', 'ns/c'],
    },
  ];
  for (const s of steps) {
    const before = queued.length;
    assert.deepEqual(followers.resolved(s.app, s.refs).sort(), s.want, s.name);
    assert.deepEqual(queued.slice(before), s.want.length ? [s.want] : [], `${s.name}: one requeue call`);
  }
  assert.deepEqual(
    announced.map((r) => r.revision),
    ['c2', 'c3', 'c1'],
    'ApplicationSets are told once per new revision',
  );
  // Once nobody follows the ref, what was seen of it is dropped (bounded by the refs followed).
  for (const k of ['ns/a', 'ns/b', 'ns/c']) followers.untrack(k, [main]);
  assert.equal(followers.refsSeen, 0);
});

test('AppRecall: an answer resolved while the app was expired is used, not recalled as fresh', () => {
  const recall = new AppRecall();
  const r = { revision: 'old', display: 'main@old' };
  const token = recall.resolving('ns/a');
  recall.expire('ns/a'); // news arrives while this resolve runs
  recall.rememberResolved('ns/a', 'src', r, 100, token);
  assert.equal(recall.resolved('ns/a', 'src', 100, 1000), undefined, 'the next pass asks again');
  const next = recall.resolving('ns/a');
  recall.rememberResolved('ns/a', 'src', { revision: 'new', display: 'main@new' }, 200, next);
  assert.deepEqual(recall.resolved('ns/a', 'src', 200, 1000), { revision: 'new', display: 'main@new' });
});

test('a pass queued by a new revision resolves again, even when an older answer was in flight as it was queued', async () => {
  const h = harness(application({ syncPolicy: { automated: { prune: true, selfHeal: true } } }));
  const key = 'trueup-system/web';
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  assert.equal(h.writer.app.status?.sync?.revision, 'c1');
  // A pass asks Git and gets the answer from before the commit; the commit is announced (the
  // followers expire the app and queue it) while that answer is on its way.
  h.git.commit('main', 'c2', [cm('one')]);
  const resolve = h.git.resolve.bind(h.git);
  let answered = (): void => {};
  h.git.resolve = async (_repo: string, ref: string) => {
    h.git.resolve = resolve;
    await new Promise<void>((r) => {
      answered = r;
    });
    return { revision: 'c1', display: `${ref}@sha1:c1` };
  };
  h.reconciler.expire(key);
  const inFlight = h.run();
  for (let i = 0; i < 100 && h.git.resolve !== resolve; i++) await new Promise((r) => setImmediate(r));
  assert.equal(h.git.resolve, resolve, 'the pass is asking Git');
  h.reconciler.expire(key);
  answered();
  await inFlight;
  const resolves = h.git.resolves;
  await h.run();
  assert.equal(h.git.resolves, resolves + 1, 'the queued pass asked Git again');
  assert.equal(h.writer.app.status?.sync?.revision, 'c2');
});
