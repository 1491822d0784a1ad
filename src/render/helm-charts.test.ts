import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordingInflator } from '../../test/support/fake-helm-inflator.js';
import { MemoryTree } from '../../test/support/memory-tree.js';
import { isTrueupError } from '../api/errors.js';
import { mergeValues } from './helm-charts.js';
import { renderTree } from './index.js';

const chart = (dir: string) => ({
  [`${dir}/Chart.yaml`]: 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  [`${dir}/values.yaml`]: 'a: 1\n',
});

test('a kustomization without helmCharts never asks for the engine', async () => {
  const inflator = new RecordingInflator();
  const tree = new MemoryTree({
    'k/kustomization.yaml': 'resources: [cm.yaml]\n',
    'k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
  });
  await renderTree(tree, 'k', { helmCharts: inflator });
  assert.equal(inflator.calls.length, 0);
});

test('the request the generator makes: defaults, values in order, flags (table)', async () => {
  const cases: { name: string; files: Record<string, string>; want: unknown; chartDir?: string }[] = [
    {
      name: 'defaults: release-name, namespace default, the chart values.yaml, no CRDs',
      files: { 'k/kustomization.yaml': 'helmCharts: [{name: web}]\n', ...chart('k/charts/web') },
      chartDir: 'k/charts/web',
      want: {
        releaseName: 'release-name',
        namespace: 'default',
        values: [{ name: 'k/charts/web/values.yaml', content: 'a: 1\n' }],
        apiVersions: [],
        includeCrds: false,
        skipHooks: false,
        skipTests: false,
      },
    },
    {
      name: 'repo + version: the versioned layout helm pull --untar makes',
      files: {
        'k/kustomization.yaml':
          'helmCharts: [{name: web, repo: "https://c.example", version: 0.1.0, releaseName: r, namespace: ns, includeCRDs: true, skipHooks: true, skipTests: true, kubeVersion: v1.30.0, apiVersions: [x/v1]}]\n',
        ...chart('k/charts/web-0.1.0/web'),
      },
      chartDir: 'k/charts/web-0.1.0/web',
      want: {
        releaseName: 'r',
        namespace: 'ns',
        values: [{ name: 'k/charts/web-0.1.0/web/values.yaml', content: 'a: 1\n' }],
        kubeVersion: 'v1.30.0',
        apiVersions: ['x/v1'],
        includeCrds: true,
        skipHooks: true,
        skipTests: true,
      },
    },
    {
      name: 'repo + version, vendored without the version directory',
      files: {
        'k/kustomization.yaml': 'helmCharts: [{name: web, repo: "https://c.example", version: 0.1.0}]\n',
        ...chart('k/charts/web'),
      },
      chartDir: 'k/charts/web',
      want: undefined,
    },
    {
      name: 'valuesInline override over valuesFile, then additionalValuesFiles',
      files: {
        'k/kustomization.yaml':
          'helmGlobals: {chartHome: vendor}\nhelmCharts: [{name: web, valuesFile: v.yaml, valuesInline: {b: {c: 2}}, additionalValuesFiles: [more.yaml]}]\n',
        'k/v.yaml': 'a: 1\nb: {c: 1, d: 1}\n',
        'k/more.yaml': 'e: 1\n',
        ...chart('k/vendor/web'),
      },
      chartDir: 'k/vendor/web',
      want: {
        releaseName: 'release-name',
        namespace: 'default',
        values: [
          { name: 'k/v.yaml with valuesInline (override)', content: '{"a":1,"b":{"c":2,"d":1}}' },
          { name: 'k/more.yaml', content: 'e: 1\n' },
        ],
        apiVersions: [],
        includeCrds: false,
        skipHooks: false,
        skipTests: false,
      },
    },
  ];
  for (const c of cases) {
    const inflator = new RecordingInflator();
    const objects = await renderTree(new MemoryTree(c.files), 'k', { helmCharts: inflator });
    assert.equal(inflator.calls.length, 1, c.name);
    assert.equal(inflator.calls[0]?.chartDir, c.chartDir, c.name);
    if (c.want) assert.deepEqual(inflator.calls[0]?.request, c.want, c.name);
    assert.equal(objects[0]?.metadata.name?.endsWith('-cm'), true, c.name);
  }
});

test('refusals name the kustomization and the chart (table)', async () => {
  const cases: {
    name: string;
    files: Record<string, string>;
    code: string;
    message: RegExp;
    engine?: false;
  }[] = [
    {
      name: 'a repo chart that is not vendored',
      files: {
        'k/kustomization.yaml': 'helmCharts: [{name: web, repo: "https://c.example", version: 1.2.3}]\n',
      },
      code: 'RENDER_FILE_MISSING',
      message:
        /k\/kustomization\.yaml: helmCharts entry web: the chart from https:\/\/c\.example version 1\.2\.3 is not vendored at k\/charts\/web-1\.2\.3\/web or k\/charts\/web: trueup never downloads during a render/,
    },
    {
      name: 'a local chart that is missing',
      files: { 'k/kustomization.yaml': 'helmCharts: [{name: web}]\n' },
      code: 'RENDER_FILE_MISSING',
      message: /helmCharts entry web: no chart found at k\/charts\/web \(and no repo given\)/,
    },
    {
      name: 'chartHome above the kustomization',
      files: {
        'k/kustomization.yaml': 'helmGlobals: {chartHome: ../charts}\nhelmCharts: [{name: web}]\n',
        ...chart('charts/web'),
      },
      code: 'RENDER_OUTSIDE_ROOT',
      message: /security; file 'charts\/web\/Chart\.yaml' is not in or below 'k'/,
    },
    {
      name: 'a bad valuesMerge',
      files: {
        'k/kustomization.yaml': 'helmCharts: [{name: web, valuesMerge: deep}]\n',
        ...chart('k/charts/web'),
      },
      code: 'RENDER_KUSTOMIZATION_INVALID',
      message: /valuesMerge must be one of \[merge override replace\], not deep/,
    },
    {
      name: 'an unknown field',
      files: {
        'k/kustomization.yaml': 'helmCharts: [{name: web, valueFile: x}]\n',
        ...chart('k/charts/web'),
      },
      code: 'RENDER_KUSTOMIZATION_INVALID',
      message: /helmCharts\[0\]: unknown field "valueFile"/,
    },
    {
      name: 'no engine given',
      files: { 'k/kustomization.yaml': 'helmCharts: [{name: web}]\n', ...chart('k/charts/web') },
      engine: false,
      code: 'RENDER_UNSUPPORTED',
      message: /helmCharts entry web: Helm charts need the Helm engine/,
    },
    {
      name: 'the legacy field',
      files: { 'k/kustomization.yaml': 'helmChartInflationGenerator: [{chartName: web}]\n' },
      code: 'RENDER_UNSUPPORTED',
      message: /legacy helmChartInflationGenerator field \(use helmCharts\)/,
    },
  ];
  for (const c of cases) {
    await assert.rejects(
      renderTree(
        new MemoryTree(c.files),
        'k',
        c.engine === false ? {} : { helmCharts: new RecordingInflator() },
      ),
      (err: unknown) => {
        assert.ok(isTrueupError(err), `${c.name}: ${String(err)}`);
        assert.equal(err.code, c.code, `${c.name}: ${err.message}`);
        assert.match(err.message, c.message, c.name);
        return true;
      },
    );
  }
});

test('mergeValues: override lets inline win, merge keeps what the file set; maps merge deeply (table)', () => {
  const file = { a: 1, b: { c: 1, d: 1 }, l: [1], n: null };
  const inline = { a: 2, b: { c: 2, e: 2 }, l: [2], n: 3, f: 4 };
  assert.deepEqual(mergeValues(file, inline, true), { a: 2, b: { c: 2, d: 1, e: 2 }, l: [2], n: 3, f: 4 });
  assert.deepEqual(mergeValues(file, inline, false), { a: 1, b: { c: 1, d: 1, e: 2 }, l: [1], n: 3, f: 4 });
});

test('an overlay patches and renames the chart objects', async () => {
  const tree = new MemoryTree({
    'base/kustomization.yaml': 'namespace: shop\nhelmCharts: [{name: web, releaseName: r}]\n',
    ...chart('base/charts/web'),
    'overlay/kustomization.yaml':
      'resources: [../base]\nnamePrefix: p-\npatches:\n  - patch: |-\n      apiVersion: v1\n      kind: ConfigMap\n      metadata: {name: r-cm, namespace: shop}\n      data: {patched: "yes"}\n',
  });
  const [cm] = await renderTree(tree, 'overlay', { helmCharts: new RecordingInflator() });
  assert.equal(cm?.metadata.name, 'p-r-cm');
  assert.equal(cm?.metadata.namespace, 'shop');
  assert.deepEqual(cm?.data, { chart: 'base/charts/web', patched: 'yes' });
});
