import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from 'js-yaml';
import { wantsReconcile } from '../controller.js';
import { overlayKustomization, parseImageOverride } from './render.js';
import { mergePatch } from './writer.js';

test('Argo CD image override forms become kustomize images entries', () => {
  assert.deepEqual(parseImageOverride('nginx:1.27'), { name: 'nginx', newTag: '1.27' });
  assert.deepEqual(parseImageOverride('nginx=registry.local/nginx:1.27'), {
    name: 'nginx',
    newName: 'registry.local/nginx',
    newTag: '1.27',
  });
  assert.deepEqual(parseImageOverride('app@sha256:abc'), { name: 'app', digest: 'sha256:abc' });
  assert.deepEqual(parseImageOverride('registry:5000/app'), { name: 'registry:5000/app' });
  assert.deepEqual(parseImageOverride('app=other'), { name: 'app', newName: 'other' });
});

test('the overlay kustomization points at the app path and carries the overrides', () => {
  const k = load(
    overlayKustomization('apps/web', {
      namePrefix: 'p-',
      images: ['web:2'],
      replicas: [{ name: 'web', count: '3' }],
      commonLabels: { team: 'a' },
    }),
  );
  assert.deepEqual(k, {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['../apps/web'],
    namePrefix: 'p-',
    commonLabels: { team: 'a' },
    images: [{ name: 'web', newTag: '2' }],
    replicas: [{ name: 'web', count: 3 }],
  });
  assert.deepEqual(
    (load(overlayKustomization('', { nameSuffix: '-x' })) as { resources: string[] }).resources,
    ['..'],
  );
});

test('status merge patches send only changes, removed fields as null, arrays whole', () => {
  assert.equal(mergePatch({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 2 } }), undefined);
  assert.deepEqual(
    mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1] }, { a: 1, b: { c: 2 }, l: [1, 2], n: 'x' }),
    {
      b: { d: null },
      l: [1, 2],
      n: 'x',
    },
  );
});

test('status-only updates of an Application do not queue it; spec, annotations, deletion and operations do', () => {
  const base = {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'a', namespace: 'n', generation: 1, annotations: {} },
    spec: { x: 1 },
  };
  assert.equal(wantsReconcile(base, { ...base, status: { sync: { status: 'Synced' } } }), false);
  assert.equal(wantsReconcile(base, { ...base, metadata: { ...base.metadata, generation: 2 } }), true);
  assert.equal(
    wantsReconcile(base, {
      ...base,
      metadata: { ...base.metadata, annotations: { 'trueup.dev/refresh': 'normal' } },
    }),
    true,
  );
  assert.equal(
    wantsReconcile(base, { ...base, metadata: { ...base.metadata, deletionTimestamp: 'now' } }),
    true,
  );
  assert.equal(wantsReconcile(undefined, base), true);
});

test('kustomize overrides render through the real renderer on top of the app path', async () => {
  const { TreeRenderPort } = await import('./render.js');
  const files: Record<string, string> = {
    'apps/web/kustomization.yaml': 'resources: [deploy.yaml]\n',
    'apps/web/deploy.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: "web:1"}]}\n',
    'plain/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
  };
  const dirs = (p: string) =>
    [
      ...new Set(
        Object.keys(files)
          .filter((f) => f.startsWith(p ? `${p}/` : ''))
          .map((f) => f.slice(p ? p.length + 1 : 0).split('/')[0] as string),
      ),
    ].sort();
  const tree = {
    description: 'memory',
    async stat(p: string) {
      if (files[p] !== undefined) return { kind: 'file' as const, size: files[p].length };
      return p === '' || Object.keys(files).some((f) => f.startsWith(`${p}/`))
        ? { kind: 'dir' as const, size: 0 }
        : undefined;
    },
    async readFile(p: string) {
      const f = files[p];
      if (f === undefined) throw new Error(`${p}: missing`);
      return new TextEncoder().encode(f);
    },
    async listDir(p: string) {
      return dirs(p);
    },
    async realPath(p: string) {
      return p;
    },
  };
  const port = new TreeRenderPort();
  const [d] = await port.render(tree, 'apps/web', {
    namePrefix: 'prod-',
    images: ['web:2'],
    replicas: [{ name: 'web', count: 3 }],
  });
  assert.equal(d?.metadata.name, 'prod-web');
  assert.equal((d?.spec as { replicas?: number } | undefined)?.replicas, 3);
  assert.match(JSON.stringify(d), /"image":"web:2"/);
  const plain = await port.render(tree, 'plain', undefined);
  assert.equal(plain[0]?.metadata.name, 'c');
  await assert.rejects(port.render(tree, 'plain', { namePrefix: 'x-' }), /overrides need a kustomization/);
});
