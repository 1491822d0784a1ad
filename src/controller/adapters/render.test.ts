import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryTree } from '../../../test/support/memory-tree.js';
import { isTrueupError, TrueupError } from '../../api/errors.js';
import type { ChartContext } from '../ports.js';
import { TreeRenderPort } from './render.js';
import { chartObjects } from './render-helm.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const tree = new MemoryTree({
  'plain/a.yaml': cm('a'),
  'plain/sub/b.yaml': cm('b'),
  'kust/kustomization.yaml': 'resources: [a.yaml]\n',
  'kust/a.yaml': cm('ka'),
});

test('the controller reads a plain directory as Argo CD does: top only unless recurse', async () => {
  const port = new TreeRenderPort();
  const names = async (d?: Parameters<TreeRenderPort['render']>[3]) =>
    (await port.render(tree, 'plain', undefined, d)).map((o) => o.metadata.name);
  assert.deepEqual(await names(), ['a']);
  assert.deepEqual(await names({ recurse: true }), ['a', 'b']);
  assert.deepEqual(await names({ recurse: true, exclude: 'a.yaml' }), ['b']);
});

test('spec.source.directory on a kustomization directory is refused, naming the directory', async () => {
  await assert.rejects(
    new TreeRenderPort().render(tree, 'kust', undefined, { recurse: true }),
    (err: unknown) =>
      isTrueupError(err) &&
      err.code === 'RenderDirectoryHasKustomization' &&
      /memory: kust: spec\.source\.directory is for plain directories/.test(err.message),
  );
  assert.deepEqual(
    (await new TreeRenderPort().render(tree, 'kust', undefined)).map((o) => o.metadata.name),
    ['ka'],
  );
});

const chartTree = new MemoryTree(
  {
    'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'chart/templates/cm.yaml': 'x',
    'kchart/Chart.yaml': 'apiVersion: v2\nname: k\nversion: 0.1.0\n',
    'kchart/kustomization.yaml': 'resources: [a.yaml]\n',
    'kchart/a.yaml': cm('from-kustomize'),
    'plain/a.yaml': cm('a'),
  },
  'repo',
);
const app = { appName: 'web', destinationNamespace: 'web' };
const missing = () =>
  Promise.reject(new TrueupError('HELM_ENGINE_MISSING', 'the Helm engine is not built: build it with X'));

test('a path with Chart.yaml is a chart; helm on a path without one is refused, naming it (table)', async () => {
  const cases: {
    path: string;
    chart?: ChartContext;
    code?: string;
    message?: RegExp;
    names?: string[];
  }[] = [
    // A chart path reaches the engine (missing here: the message says how to install it).
    {
      path: 'chart',
      chart: app,
      code: 'HELM_ENGINE_MISSING',
      message: /^chart is a Helm chart, but the Helm engine is not built: build it with X$/,
    },
    {
      path: 'plain',
      chart: { ...app, helm: {} },
      code: 'RenderNotAChart',
      message: /^repo: plain: spec\.source\.helm is set, but this path holds no Chart\.yaml/,
    },
    // A kustomization wins over Chart.yaml unless helm is set (as Argo CD).
    { path: 'kchart', chart: app, names: ['from-kustomize'] },
    { path: 'kchart', chart: { ...app, helm: {} }, code: 'HELM_ENGINE_MISSING' },
    { path: 'chart', code: 'RenderChartNeedsApp' },
    {
      path: 'chart',
      chart: { ...app, capabilities: new Error('connection refused') },
      code: 'RenderCapabilitiesUnknown',
      message: /for \.Capabilities\): connection refused/,
    },
    // Other apps do not need the engine.
    { path: 'plain', chart: app, names: ['a'] },
  ];
  const port = new TreeRenderPort({ helmEngine: missing });
  for (const c of cases) {
    const run = port.render(chartTree, c.path, undefined, undefined, c.chart);
    if (c.names)
      assert.deepEqual(
        (await run).map((o) => o.metadata.name),
        c.names,
      );
    else
      await assert.rejects(run, (err: unknown) => {
        assert.ok(isTrueupError(err), String(err));
        assert.equal(err.code, c.code, err.message);
        if (c.message) assert.match(err.message, c.message);
        return true;
      });
  }
});

test('without an engine configured, a chart says how to install it', async () => {
  await assert.rejects(
    new TreeRenderPort().render(chartTree, 'chart', undefined, undefined, app),
    /chart is a Helm chart, but the Helm engine is not installed: build it with `bash helm\/build\.sh`/,
  );
});

test('origins: the file or generator of each object, with and without overrides; a chart template for a chart', async () => {
  const t = new MemoryTree({
    'app/kustomization.yaml': 'resources: [a.yaml]\nsecretGenerator:\n  - name: s\n    literals: [k=v]\n',
    'app/a.yaml': cm('a'),
  });
  for (const overrides of [undefined, { namePrefix: 'p-' }]) {
    const origins = new Map();
    const objects = await new TreeRenderPort().render(t, 'app', overrides, undefined, undefined, origins);
    assert.deepEqual(
      objects.map((o) => origins.get(o)),
      ['app/a.yaml', 'secretGenerator in app/kustomization.yaml'],
      JSON.stringify(overrides),
    );
  }
  const origins = new Map();
  const objects = chartObjects(
    {
      crds: [],
      manifests: [{ source: 'web/templates/secret.yaml', content: cm('x') }],
      hooks: [],
      warnings: [],
    } as unknown as Parameters<typeof chartObjects>[0],
    'chart apps/web',
    origins,
  );
  assert.equal(origins.get(objects[0]), 'chart apps/web: web/templates/secret.yaml');
});
