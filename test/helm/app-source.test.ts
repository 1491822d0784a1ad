/**
 * An Application's spec.source.helm rendered by the controller's RenderPort gives the objects
 * the reference `helm template` gives for the flags Argo CD would pass: valueFiles, values,
 * valuesObject, parameters (commas, lists, forceString), fileParameters (`--set-file`, with
 * content that --set-string would otherwise misread), release name and namespace defaults.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import yaml from 'js-yaml';
import { TreeRenderPort } from '../../src/controller/adapters/render.js';
import { DiskTree } from '../../src/render/disk-tree.js';
import { referenceHelm, sharedEngine } from '../support/helm.js';
import { MemoryTree } from '../support/memory-tree.js';

const files = {
  'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
  'charts/app/values.yaml': 'a: base\nb: base\nlist: []\n',
  'charts/app/values-prod.yaml': 'a: prod\n',
  'charts/app/files/cert.pem': '{"k": "v, w"}\nc:\\path\\to, end\n',
  'charts/app/templates/cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
data:
  a: {{ .Values.a | quote }}
  b: {{ .Values.b | quote }}
  c: {{ .Values.c | quote }}
  d: {{ .Values.d | toJson | quote }}
  list: {{ .Values.list | toJson | quote }}
  port: {{ .Values.port | toJson | quote }}
  note: {{ .Values.note | quote }}
  cert: {{ .Values.cert | quote }}
`,
};
const helm = {
  valueFiles: ['values-prod.yaml'],
  values: 'b: from-values\nc: from-values\n',
  valuesObject: { c: 'from-object', d: { deep: [1, 2] } },
  parameters: [
    { name: 'note', value: 'x,y' },
    { name: 'list', value: '{p,q}' },
    { name: 'port', value: '8080', forceString: true },
  ],
  fileParameters: [{ name: 'cert', path: 'files/cert.pem' }],
};

test('spec.source.helm renders what helm template renders with the same inputs as flags', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trueup-helm-app-'));
  after(() => rm(dir, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const engine = await sharedEngine();
  const port = new TreeRenderPort({ helmEngine: async () => engine });
  const ours = await port.render(new DiskTree(dir), 'charts/app', undefined, undefined, {
    helm,
    appName: 'web-prod',
    destinationNamespace: 'web',
  });
  // What Argo CD runs: values and valuesObject as files after valueFiles, then --set, --set-string, --set-file.
  await writeFile(join(dir, 'values.txt'), helm.values);
  await writeFile(join(dir, 'object.json'), JSON.stringify(helm.valuesObject));
  const text = await referenceHelm(
    [
      'template',
      'web-prod',
      'charts/app',
      '--namespace',
      'web',
      '--include-crds',
      '-f',
      'charts/app/values-prod.yaml',
      '-f',
      'values.txt',
      '-f',
      'object.json',
      '--set',
      'note=x\\,y',
      '--set',
      'list={p,q}',
      '--set-string',
      'port=8080',
      '--set-file',
      'cert=charts/app/files/cert.pem',
    ],
    dir,
  );
  const theirs = yaml.loadAll(text).filter(Boolean);
  assert.deepEqual(ours, theirs);
  const data = (ours[0] as unknown as { data: Record<string, string> }).data;
  assert.deepEqual(data, {
    a: 'prod',
    b: 'from-values',
    c: 'from-object',
    d: '{"deep":[1,2]}',
    list: '["p","q"]',
    port: '"8080"',
    note: 'x,y',
    cert: files['charts/app/files/cert.pem'],
  });
});

test('the release name and namespace default to the app name and its destination namespace', async () => {
  const engine = await sharedEngine();
  const port = new TreeRenderPort({ helmEngine: async () => engine });
  const [cm] = await port.render(new MemoryTree(files), 'charts/app', undefined, undefined, {
    appName: 'shop',
    destinationNamespace: 'shop-ns',
    capabilities: { kubeVersion: 'v1.31.0', apiVersions: ['v1'] },
  });
  assert.equal(cm?.metadata.name, 'shop');
  assert.equal(cm?.metadata.namespace, 'shop-ns');
});
