import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryTree } from '../../test/support/memory-tree.js';
import { isTrueupError } from '../api/errors.js';
import type { HelmSource } from '../api/helm-source.js';
import { chartOptionsFor, fileContentValue, parameterFlags, setValue } from './app-source.js';

const tree = new MemoryTree(
  {
    'apps/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'apps/web/values.yaml': 'replicas: 1\n',
    'apps/web/values-prod.yaml': 'replicas: 3\n',
    'apps/shared.yaml': 'shared: true\n',
    'apps/web/files/cert.pem': 'a,b\\c\n',
    'apps/web/files/list.json': '{"a": 1}',
  },
  'repo',
);
const ctx = { appName: 'web-prod', destinationNamespace: 'web' };

test('setValue escapes commas as Argo CD does, except in a {list}', () => {
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a\\,b', 'a\\,b'],
    [',lead,trail,', '\\,lead\\,trail\\,'],
    ['{a,b}', '{a,b}'],
    ['{a,b', '{a\\,b'],
    ['', ''],
  ];
  for (const [input, want] of cases) assert.equal(setValue(input), want, input);
});

test('fileContentValue escapes what --set-string would read differently', () => {
  const cases: [string, string][] = [
    ['text', 'text'],
    ['a,b', 'a\\,b'],
    ['c:\\dir', 'c:\\\\dir'],
    ['{"a": 1}', '\\{"a": 1}'],
    ['line1\nline2\n', 'line1\nline2\n'],
  ];
  for (const [input, want] of cases) assert.equal(fileContentValue(input), want, input);
});

test('parameters split into --set and --set-string in order', () => {
  assert.deepEqual(
    parameterFlags([
      { name: 'image.tag', value: 'v1,2' },
      { name: 'port', value: '80', forceString: true },
      { name: 'list', value: '{a,b}', forceString: false },
      { name: 'note', value: 'x,y', forceString: true },
    ]),
    { set: ['image.tag=v1\\,2', 'list={a,b}'], setString: ['port=80', 'note=x,y'] },
  );
});

test('chart options from the helm fields (table)', async () => {
  const cases: {
    name: string;
    helm?: HelmSource;
    caps?: { kubeVersion: string; apiVersions: string[] };
    want: object;
  }[] = [
    {
      name: 'no helm field: defaults from the app',
      want: {
        releaseName: 'web-prod',
        namespace: 'web',
        values: [],
        set: [],
        setString: [],
        includeCrds: true,
      },
    },
    {
      name: 'valueFiles relative to the chart, values then valuesObject after them',
      helm: {
        valueFiles: ['values-prod.yaml', '../shared.yaml'],
        values: 'a: 1\n',
        valuesObject: { b: { c: 2 } },
        releaseName: 'rel',
        namespace: 'other',
        skipCrds: true,
      },
      want: {
        releaseName: 'rel',
        namespace: 'other',
        values: [
          { path: 'apps/web/values-prod.yaml' },
          { path: 'apps/shared.yaml' },
          { name: 'spec.source.helm.values', content: 'a: 1\n' },
          { name: 'spec.source.helm.valuesObject', content: '{"b":{"c":2}}' },
        ],
        includeCrds: false,
      },
    },
    {
      name: 'missing value files skipped when ignoreMissingValueFiles',
      helm: { valueFiles: ['nope.yaml', 'values.yaml'], ignoreMissingValueFiles: true },
      want: { values: [{ path: 'apps/web/values.yaml' }] },
    },
    {
      name: 'fileParameters after the string parameters (as --set-file after --set-string)',
      helm: {
        parameters: [{ name: 's', value: '1', forceString: true }],
        fileParameters: [
          { name: 'tls.cert', path: 'files/cert.pem' },
          { name: 'raw', path: 'files/list.json' },
        ],
      },
      want: { setString: ['s=1', 'tls.cert=a\\,b\\\\c\n', 'raw=\\{"a": 1}'] },
    },
    {
      name: 'Capabilities from the cluster',
      caps: { kubeVersion: 'v1.32.1', apiVersions: ['v1', 'apps/v1'] },
      want: { kubeVersion: 'v1.32.1', apiVersions: ['v1', 'apps/v1'] },
    },
    {
      name: 'Capabilities overridden per app',
      helm: { kubeVersion: 'v1.30.0', apiVersions: ['x.io/v1'] },
      caps: { kubeVersion: 'v1.32.1', apiVersions: ['v1'] },
      want: { kubeVersion: 'v1.30.0', apiVersions: ['x.io/v1'] },
    },
  ];
  for (const c of cases) {
    const got = await chartOptionsFor(tree, 'apps/web', c.helm, { ...ctx, capabilities: c.caps });
    for (const [key, value] of Object.entries(c.want))
      assert.deepEqual((got as unknown as Record<string, unknown>)[key], value, `${c.name}: ${key}`);
    if (!c.caps && !c.helm?.kubeVersion) assert.equal(got.kubeVersion, undefined, c.name);
  }
});

test('destination namespace unset: release namespace "default", as helm template', async () => {
  const got = await chartOptionsFor(tree, 'apps/web', undefined, { appName: 'a', destinationNamespace: '' });
  assert.equal(got.namespace, 'default');
});

test('paths that are missing or leave the repository are refused, naming the entry (table)', async () => {
  const cases: { helm: HelmSource; code: string; message: RegExp }[] = [
    {
      helm: { valueFiles: ['values-dev.yaml'] },
      code: 'HELM_FILE_MISSING',
      message:
        /valueFiles entry values-dev\.yaml: apps\/web\/values-dev\.yaml not found in repo \(set ignoreMissingValueFiles/,
    },
    {
      helm: { valueFiles: ['files'] },
      code: 'HELM_FILE_MISSING',
      message: /valueFiles entry files: apps\/web\/files is not a file/,
    },
    {
      helm: { valueFiles: ['../../../etc/passwd'], ignoreMissingValueFiles: true },
      code: 'HELM_PATH_ESCAPES',
      message: /valueFiles entry \.\.\/\.\.\/\.\.\/etc\/passwd: leaves the root/,
    },
    { helm: { valueFiles: ['/etc/passwd'] }, code: 'HELM_PATH_ESCAPES', message: /an absolute path/ },
    {
      helm: { valueFiles: ['https://example.com/v.yaml'] },
      code: 'HELM_PATH_ESCAPES',
      message: /remote values files are not supported/,
    },
    {
      helm: { fileParameters: [{ name: 'k', path: '../../../x' }] },
      code: 'HELM_PATH_ESCAPES',
      message: /fileParameters k: path \.\.\/\.\.\/\.\.\/x: leaves the root/,
    },
    {
      helm: { fileParameters: [{ name: 'k', path: 'files/none' }] },
      code: 'HELM_FILE_MISSING',
      message: /fileParameters k: file apps\/web\/files\/none: not found in repo/,
    },
  ];
  for (const c of cases) {
    await assert.rejects(chartOptionsFor(tree, 'apps/web', c.helm, ctx), (err: unknown) => {
      assert.ok(isTrueupError(err), String(err));
      assert.equal(err.code, c.code, err.message);
      assert.match(err.message, c.message);
      return true;
    });
  }
});

test('valueFiles $REF/path read the ref source’s repository, confined to it (table)', async () => {
  const values = new MemoryTree(
    { 'envs/prod/values.yaml': 'replicas: 5\n', 'envs/dir/x': 'x', 'secret.txt': 'no' },
    'values-repo',
  );
  const refs = new Map([['values', values]]);
  const field = 'spec.sources[0].helm';
  const cases: {
    name: string;
    files: string[];
    refs?: Map<string, MemoryTree> | undefined;
    ignore?: boolean;
    values?: unknown[];
    code?: string;
    message?: RegExp;
  }[] = [
    {
      name: 'a file of the ref source, then one of the chart',
      files: ['$values/envs/prod/values.yaml', 'values-prod.yaml'],
      values: [
        { name: '$values/envs/prod/values.yaml', content: 'replicas: 5\n' },
        { path: 'apps/web/values-prod.yaml' },
      ],
    },
    {
      name: 'unknown ref',
      files: ['$other/values.yaml'],
      code: 'HELM_FILE_MISSING',
      message:
        /spec\.sources\[0\]\.helm\.valueFiles entry \$other\/values\.yaml: no source of spec\.sources has ref: other \(refs: values\)/,
    },
    {
      name: 'missing file',
      files: ['$values/envs/dev/values.yaml'],
      code: 'HELM_FILE_MISSING',
      message: /envs\/dev\/values\.yaml not found in values-repo \(set ignoreMissingValueFiles/,
    },
    { name: 'missing file ignored', files: ['$values/envs/dev/values.yaml'], ignore: true, values: [] },
    { name: 'a directory', files: ['$values/envs/dir'], code: 'HELM_FILE_MISSING', message: /is not a file/ },
    {
      name: 'leaves the repository',
      files: ['$values/../../etc/passwd'],
      code: 'HELM_PATH_ESCAPES',
      message: /leaves the root/,
    },
    { name: 'no file named', files: ['$values'], code: 'HELM_FILE_MISSING', message: /names no file/ },
    {
      name: 'with spec.source (no refs)',
      files: ['$values/envs/prod/values.yaml'],
      refs: undefined,
      code: 'HELM_FILE_MISSING',
      message: /\$values names a source's ref, which only spec\.sources has/,
    },
  ];
  for (const c of cases) {
    const run = chartOptionsFor(
      tree,
      'apps/web',
      { valueFiles: c.files, ...(c.ignore ? { ignoreMissingValueFiles: true } : {}) },
      { ...ctx, field, refs: 'refs' in c ? c.refs : refs },
    );
    if (c.values) assert.deepEqual((await run).values, c.values, c.name);
    else
      await assert.rejects(run, (err: unknown) => {
        assert.ok(isTrueupError(err), c.name);
        assert.equal(err.code, c.code, `${c.name}: ${err.message}`);
        assert.match(err.message, c.message ?? /./, c.name);
        return true;
      });
  }
});
