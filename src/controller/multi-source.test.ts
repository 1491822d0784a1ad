import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../test/support/fake-clock.js';
import { MemoryTree } from '../../test/support/memory-tree.js';
import { application, FakeCluster, FakeWriter } from '../../test/support/reconciler-harness.js';
import type { Application } from '../api/application.js';
import type { HelmRenderer } from '../helm/engine.js';
import type { HelmRequest } from '../helm/protocol.js';
import { TreeRenderPort } from './adapters/render.js';
import type { SourcePort } from './ports.js';
import { Reconciler } from './reconciler.js';
import { RenderCache } from './render-cache.js';

const CONFIG = 'https://git.example/org/config.git';
const VALUES = 'https://git.example/org/values.git';
const cmText = (name: string, data = 'a: "1"') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  ${data}\n`;

/** Commits of each repository; `head` says which commit each ref resolves to. */
const commits: Record<string, Record<string, string>> = {
  a1: {
    'apps/web/cm.yaml': cmText('web'),
    'apps/dup/cm.yaml': cmText('db'),
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'charts/web/templates/cm.yaml': 'x',
  },
  b1: { 'apps/db/cm.yaml': cmText('db'), 'envs/prod/values.yaml': 'tag: v1\n' },
  b2: { 'apps/db/cm.yaml': cmText('db', 'a: "2"'), 'envs/prod/values.yaml': 'tag: v2\n' },
};

/** A stand-in for the Helm engine: one ConfigMap holding the values files it was given. */
const echoEngine: HelmRenderer = {
  async render(req: HelmRequest) {
    const files = req.valueFiles.map((f) => `${f.name}=${new TextDecoder().decode(f.data).trim()}`);
    return {
      chart: { name: 'web', version: '0.1.0' },
      crds: [],
      manifests: [
        {
          source: 'web/templates/cm.yaml',
          content: cmText('chart', `values: ${JSON.stringify(files.join(';'))}`),
        },
      ],
      hooks: [],
      notes: '',
      warnings: [],
    };
  },
};

function world() {
  const head: Record<string, string> = { [CONFIG]: 'a1', [VALUES]: 'b1' };
  const resolves: string[] = [];
  const trees: string[] = [];
  const source: SourcePort = {
    resolve: async (repo, ref) => {
      resolves.push(`${repo}#${ref}`);
      const rev = head[repo];
      if (rev === undefined) throw new Error('repository not found');
      return { revision: rev };
    },
    tree: async (repo, rev) => {
      trees.push(`${repo}@${rev}`);
      return new MemoryTree(commits[rev] as Record<string, string>, `${repo}@${rev}`);
    },
  };
  const cluster = new FakeCluster();
  const failures: unknown[] = [];
  const clock = new FakeClock(0);
  const cache = new RenderCache(16);
  const run = async (app: Application) => {
    const writer = new FakeWriter(app);
    await new Reconciler({
      source,
      render: new TreeRenderPort({ helmEngine: async () => echoEngine }),
      sync: cluster,
      health: cluster,
      writer,
      clock,
      renderCache: cache,
      requeueInterval: 180_000,
    })
      .reconcile(writer.app)
      // A transient failure is thrown for the queue's backoff, after the status is written.
      .catch((err: unknown) => {
        failures.push(err);
      });
    return writer;
  };
  const data = (name: string) =>
    [...cluster.objects.values()].find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)?.data;
  return { run, data, head, resolves, trees, failures };
}

const multi = (sources: Record<string, unknown>[], extra: Partial<Application> = {}) => {
  const app = application({ sources: sources as never, syncPolicy: { automated: {} } }, extra);
  const { source: _single, ...spec } = app.spec;
  return { ...app, spec } as Application;
};

const twoRepos = () =>
  multi([
    { repoURL: CONFIG, targetRevision: 'main', path: 'apps/web' },
    { repoURL: VALUES, targetRevision: 'main', path: 'apps/db' },
    { repoURL: VALUES, targetRevision: 'main', ref: 'values' },
  ]);

const ready = (w: FakeWriter) => w.app.status?.conditions?.find((c) => c.type === 'Ready');

describe('spec.sources in the reconciler', () => {
  it('renders every source with a path, combines them, resolves each repository and ref once', async () => {
    const w = world();
    const out = await w.run(twoRepos());
    assert.deepEqual(w.data('web'), { a: '1' });
    assert.deepEqual(w.data('db'), { a: '1' });
    assert.deepEqual(w.resolves.sort(), [`${CONFIG}#main`, `${VALUES}#main`]);
    assert.deepEqual(w.trees.sort(), [`${CONFIG}@a1`, `${VALUES}@b1`], 'each tree fetched once per revision');
    const s = out.app.status;
    assert.equal(s?.sync?.status, 'Synced');
    assert.equal(s?.sync?.revision, 'a1,b1,b1');
    assert.deepEqual(s?.sync?.revisions, ['a1', 'b1', 'b1']);
    assert.deepEqual(s?.operationState?.syncResult?.revisions, ['a1', 'b1', 'b1']);
    assert.deepEqual(s?.operationState?.operation?.sync, { revisions: ['a1', 'b1', 'b1'] });
    assert.deepEqual(s?.history?.[0]?.revisions, ['a1', 'b1', 'b1']);
    assert.deepEqual(s?.history?.[0]?.sources, [
      { repoURL: CONFIG, targetRevision: 'main', path: 'apps/web' },
      { repoURL: VALUES, targetRevision: 'main', path: 'apps/db' },
      { repoURL: VALUES, targetRevision: 'main' },
    ]);
    assert.equal(s?.history?.[0]?.source, undefined);
    assert.deepEqual(w.failures, []);
  });

  it('a push to the second repository is a new revision: the app syncs again and history grows', async () => {
    const w = world();
    const first = await w.run(twoRepos());
    w.head[VALUES] = 'b2';
    // The app as the informer has it after the first pass; a fresh reconciler resolves again.
    const out = await w.run({ ...twoRepos(), ...(first.app.status ? { status: first.app.status } : {}) });
    assert.deepEqual(w.data('db'), { a: '2' });
    assert.equal(out.app.status?.sync?.revision, 'a1,b2,b2');
    assert.equal(out.app.status?.history?.length, 2);
  });

  it('a Helm source reads valueFiles $values/... from the ref source at its revision', async () => {
    const w = world();
    const app = multi([
      { repoURL: CONFIG, path: 'charts/web', helm: { valueFiles: ['$values/envs/prod/values.yaml'] } },
      { repoURL: VALUES, targetRevision: 'main', ref: 'values' },
    ]);
    await w.run(app);
    assert.deepEqual(w.data('chart'), { values: '$values/envs/prod/values.yaml=tag: v1' });
    w.head[VALUES] = 'b2';
    await w.run(app);
    assert.deepEqual(w.data('chart'), { values: '$values/envs/prod/values.yaml=tag: v2' });
  });

  it('an object rendered by two sources fails the render, naming both sources', async () => {
    const w = world();
    const out = await w.run(
      multi([
        { repoURL: CONFIG, path: 'apps/dup' },
        { repoURL: VALUES, path: 'apps/db' },
      ]),
    );
    assert.equal(ready(out)?.reason, 'RenderFailed');
    assert.match(
      ready(out)?.message ?? '',
      /^render of apps\/dup, apps\/db at a1, b1: ConfigMap db is rendered by both spec\.sources\[0\] \(https:\/\/git\.example\/org\/config\.git apps\/dup\) and spec\.sources\[1\] \(https:\/\/git\.example\/org\/values\.git apps\/db\)/,
    );
    assert.equal(w.data('db'), undefined);
  });

  it('a requested sync takes operation.sync.revisions per source; a single revision is refused', async () => {
    const w = world();
    const requested = (sync: Record<string, unknown>) =>
      multi(
        [
          { repoURL: CONFIG, targetRevision: 'main', path: 'apps/web' },
          { repoURL: VALUES, targetRevision: 'main', path: 'apps/db' },
        ],
        { operation: { sync } },
      );
    await w.run(requested({ revisions: ['', 'v1.0'] }));
    assert.ok(w.resolves.includes(`${VALUES}#v1.0`));
    assert.ok(w.resolves.includes(`${CONFIG}#main`));
    const bad = await w.run(requested({ revision: 'abc' }));
    assert.equal(ready(bad)?.reason, 'InvalidOperation');
    assert.match(
      ready(bad)?.message ?? '',
      /operation\.sync\.revision names one revision, but the app has spec\.sources/,
    );
  });

  it('an unresolvable source is named in the message', async () => {
    const w = world();
    const out = await w.run(
      multi([
        { repoURL: CONFIG, path: 'apps/web' },
        { repoURL: 'https://git.example/org/gone.git', targetRevision: 'main', ref: 'values' },
      ]),
    );
    assert.equal(ready(out)?.reason, 'RevisionUnresolved');
    assert.equal(ready(out)?.message, 'https://git.example/org/gone.git main: repository not found');
    assert.equal(w.data('web'), undefined);
    assert.equal(w.failures.length, 1, 'transient: thrown for the backoff');
  });
});
