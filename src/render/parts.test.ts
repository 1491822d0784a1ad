import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { findSlots, parseFieldPath, setSlot } from './fieldpath.js';
import { parseEnvText } from './generators/generate.js';
import { contentHash, encodeHash, goJson } from './generators/hash.js';
import { matchesLabels, parseLabelSelector } from './selector.js';
import { sortResources } from './sort.js';
import { splitImage, updateImage } from './transformers/images.js';
import type { Resource } from './types.js';

test('content hash: Go JSON encoding, name left out, vowel-free encoding', () => {
  assert.equal(
    goJson({ b: 'x<y&z', a: [1, true, null], '10': 'n', '2': 'm' }),
    '{"10":"n","2":"m","a":[1,true,null],"b":"x\\u003cy\\u0026z"}',
  );
  assert.equal(encodeHash('0123abcdef99'), 'gh2kmbcdtf');
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'p-cm' },
    data: { a: '1', b: 'x<y' },
  } as KubeObject;
  assert.equal(contentHash(cm), 'dmtmgd285c'); // what kubectl kustomize v5.5 gives it
  const empty = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e' } } as KubeObject;
  assert.equal(contentHash(empty), '6ct58987ht');
});

test('env files: comments and blank lines skipped, values kept verbatim, bare keys empty', () => {
  assert.deepEqual(parseEnvText('A= x \n# c\n\nB="q"\nC\nD=a=b\r\n', 'f.env'), [
    ['A', ' x '],
    ['B', '"q"'],
    ['C', ''],
    ['D', 'a=b'],
  ]);
});

test('image references split into name, tag and digest; updates follow Kustomize', () => {
  assert.deepEqual(splitImage('registry:5000/a/b:1.2@sha256:abc'), {
    name: 'registry:5000/a/b',
    tag: '1.2',
    digest: 'sha256:abc',
  });
  assert.deepEqual(splitImage('registry:5000/a/b'), { name: 'registry:5000/a/b', tag: '', digest: '' });
  assert.equal(updateImage('nginx:1.0', { name: 'nginx', newTag: '2' }), 'nginx:2');
  assert.equal(updateImage('nginx:1.0', { name: 'nginx', digest: 'sha256:d' }), 'nginx@sha256:d');
  assert.equal(updateImage('nginx@sha256:o', { name: 'nginx', newName: 'm/nginx' }), 'm/nginx@sha256:o');
  assert.equal(updateImage('nginx-extra:1', { name: 'nginx', newTag: '2' }), undefined);
});

test('label selectors: equality, inequality, sets, existence', () => {
  const labels = { app: 'web', tier: 'fe' };
  const ok = (s: string) => matchesLabels(parseLabelSelector(s, 'test'), labels);
  assert.ok(ok('app=web,tier!=be'));
  assert.ok(ok('app in (web, api), !missing, tier'));
  assert.ok(!ok('app notin (web)'));
  assert.ok(!ok('app==api'));
});

test('field paths: keyed list items, indexes, escapes; create makes what is missing', () => {
  assert.deepEqual(parseFieldPath('spec.containers.[name=a.b].image'), [
    'spec',
    'containers',
    '[name=a.b]',
    'image',
  ]);
  const doc = { spec: { containers: [{ name: 'a', image: 'x' }] } };
  for (const s of findSlots(doc, parseFieldPath('spec.containers.[name=a].image'))) setSlot(s, 'y');
  for (const s of findSlots(doc, parseFieldPath('spec.list.0.ref'), true)) setSlot(s, 'r');
  assert.deepEqual(doc, { spec: { containers: [{ name: 'a', image: 'y' }], list: [{ ref: 'r' }] } });
});

test('legacy order: kinds first and last, then group/version/kind, namespace, name', () => {
  const r = (apiVersion: string, kind: string, name: string, namespace?: string): Resource => ({
    obj: { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
    prev: [],
    source: 't',
  });
  const sorted = sortResources(
    [
      r('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'v'),
      r('example.com/v1', 'Foo', 'f'),
      r('apps/v1', 'Deployment', 'd'),
      r('v1', 'Service', 'b', 'z'),
      r('v1', 'Service', 'c'),
      r('v1', 'Service', 'a', 'z'),
      r('v1', 'Namespace', 'n'),
      r('apps/v1', 'Foo', 'f'),
    ],
    undefined,
  );
  assert.deepEqual(
    sorted.map((x) => `${x.obj.kind}/${x.obj.metadata.namespace ?? ''}/${x.obj.metadata.name}`),
    [
      'Namespace//n',
      'Service/z/a',
      'Service/z/b',
      'Service//c',
      'Deployment//d',
      'Foo//f',
      'Foo//f',
      'ValidatingWebhookConfiguration//v',
    ],
  );
  assert.equal(sorted[5]!.obj.apiVersion, 'apps/v1');
});

test('target name regexes that could backtrack for ever are refused', async () => {
  const { selects } = await import('./selector.js');
  const r: Resource = {
    obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a'.repeat(60) } },
    prev: [],
    source: 't',
  };
  assert.throws(
    () => selects({ name: '(a+)+b' }, r, 'kustomization.yaml: patches[0]', () => false),
    /not allowed/,
  );
  assert.equal(
    selects({ name: 'a+' }, r, 'k', () => false),
    true,
  );
});
