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
