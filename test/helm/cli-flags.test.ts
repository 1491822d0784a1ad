/**
 * The Helm flags of `trueup render CHART` on the other commands, through main() as a user runs
 * them: `render --repo URL --revision REV --path P` (a chart in Git, compared with the reference
 * `helm template`; a kustomization's helmCharts inflated), and `trueup diff` / `trueup sync` of a
 * chart directory against the real control plane (release name the app's, namespace -n,
 * Capabilities from the cluster).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { testCluster, testNamespace } from '../support/cluster.js';
import { GitHttpServer } from '../support/git-server.js';
import { helmTools, referenceHelm } from '../support/helm.js';

const engineMissing = await helmTools().then(
  () => false as const,
  (err: Error) => `the Helm engine and reference helm are not built: ${err.message}`,
);

const chart: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'values.yaml': 'replicas: 1\nimage: {repository: registry.example/web, tag: "1.0"}\nlabel: base\n',
  'values-prod.yaml': 'replicas: 2\nimage: {tag: "2.0"}\n',
  'crds/widgets.yaml':
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.web.example.com\nspec:\n  group: web.example.com\n  names: {kind: Widget, plural: widgets, singular: widget}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}\n',
  'templates/cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-info
data:
  release: {{ .Release.Name | quote }}
  namespace: {{ .Release.Namespace | quote }}
  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
  replicas: {{ .Values.replicas | quote }}
  label: {{ .Values.label | quote }}
  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}
  hasX: {{ .Capabilities.APIVersions.Has "x.example.com/v1" | quote }}
  hasApps: {{ .Capabilities.APIVersions.Has "apps/v1" | quote }}
`,
};

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

const tmp = mkdtempSync(join(tmpdir(), 'trueup-helm-flags-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const local = join(tmp, 'web');
for (const [name, text] of Object.entries(chart)) {
  mkdirSync(join(local, name, '..'), { recursive: true });
  writeFileSync(join(local, name), text);
}

const HELM = [
  '--release-name',
  'shop',
  '-n',
  'shop-ns',
  '-f',
  'values-prod.yaml',
  '--set',
  'image.tag=3.0',
  '--set-string',
  'label=007',
  '--kube-version',
  'v1.29.0',
  '--api-versions',
  'x.example.com/v1',
  '--skip-crds',
];

describe('render --repo with Helm flags', { skip: engineMissing }, () => {
  let server: GitHttpServer;
  const saved = { ...process.env };
  before(async () => {
    server = await GitHttpServer.start();
    const repo = await server.createRepo('charts');
    await repo.commit({
      ...Object.fromEntries(Object.entries(chart).map(([k, v]) => [`apps/web/${k}`, v])),
      'kust/kustomization.yaml': 'namePrefix: k-\nhelmCharts: [{name: web, releaseName: inflated}]\n',
      ...Object.fromEntries(Object.entries(chart).map(([k, v]) => [`kust/charts/web/${k}`, v])),
      'plain/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p}\n',
    });
    Object.assign(process.env, {
      // The Git cache moves with TRUEUP_CACHE_DIR, and so would the engine's: name the built one.
      TRUEUP_HELM_ENGINE: (await helmTools()).wasm,
      TRUEUP_CACHE_DIR: join(tmp, 'cache'),
      TRUEUP_GIT_USERNAME: server.credentials.username,
      TRUEUP_GIT_PASSWORD: server.credentials.password,
    });
  });
  after(async () => {
    process.env = saved;
    await server.close();
  });

  it('a chart in Git prints what helm template prints for the same chart and flags', async () => {
    const c = capture();
    const code = await main(
      ['render', '--repo', server.url('charts'), '--revision', 'main', '--path', 'apps/web', ...HELM],
      c.io,
    );
    assert.equal(code, 0, c.err.join(''));
    const want = await referenceHelm(
      [
        'template',
        'shop',
        local,
        ...HELM.slice(2).map((a) => (a === 'values-prod.yaml' ? join(local, a) : a)),
      ],
      tmp,
    );
    assert.equal(c.out.join(''), want);
    assert.match(want, /label: "007"/);
  });

  it("defaults are helm template's; a kustomization's helmCharts inflate; Helm flags on a non-chart are refused", async () => {
    const plain = capture();
    assert.equal(await main(['render', '--repo', server.url('charts'), '--path', 'apps/web'], plain.io), 0);
    assert.match(plain.out.join(''), /release: "release-name"\n {2}namespace: "default"/);
    assert.match(plain.out.join(''), /kind: CustomResourceDefinition/, 'crds/ included by default');
    const kust = capture();
    assert.equal(
      await main(['render', '--repo', server.url('charts'), '--path', 'kust'], kust.io),
      0,
      kust.err.join(''),
    );
    assert.match(kust.out.join(''), /name: k-inflated-info/);
    const refused = capture();
    assert.equal(
      await main(['render', '--repo', server.url('charts'), '--path', 'plain', '--set', 'a=b'], refused.io),
      1,
    );
    assert.match(
      refused.err.join(''),
      /render: --set given, but plain in .* is not a Helm chart \(no Chart\.yaml\)/,
    );
    assert.equal(refused.out.join(''), '');
  });
});

describe('trueup diff / sync of a chart directory with Helm flags', { skip: engineMissing }, () => {
  it('syncs the chart as the controller would render it, then diff is clean; a changed --set differs', async () => {
    const cluster = await testCluster();
    const ns = await testNamespace('helm-cli');
    const base = ['--kubeconfig', cluster.kubeconfigPath, '-n', ns, '--app', 'web', '--root', tmp];
    const flags = ['-f', join(local, 'values-prod.yaml'), '--set', 'image.tag=3.0', '-a', 'x.example.com/v1'];
    const sync = capture();
    assert.equal(
      await main(['sync', local, ...base, ...flags], sync.io),
      0,
      sync.err.join('') + sync.out.join(''),
    );
    const info = capture();
    const diff = await main(['diff', local, ...base, ...flags], info.io);
    assert.equal(diff, 0, info.err.join('') + info.out.join(''));
    const { createClusterClient } = await import('../../src/kube/client.js');
    const client = await createClusterClient(cluster.kubeConfig);
    try {
      const cm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'web-info' });
      const data = cm?.data as Record<string, string>;
      const caps = await client.capabilities?.();
      assert.equal(data.release, 'web', 'the release name is the app name');
      assert.equal(data.namespace, ns, 'the release namespace is -n');
      assert.equal(data.image, 'registry.example/web:3.0');
      assert.equal(data.replicas, '2');
      assert.equal(data.kubeVersion, caps?.kubeVersion, 'Capabilities from the cluster');
      assert.equal(data.hasApps, 'true');
      assert.equal(data.hasX, 'true', '-a adds to what the cluster serves');
      assert.ok(
        await client.get({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          name: 'widgets.web.example.com',
        }),
        'crds/ applied',
      );
    } finally {
      client.close();
    }
    const changed = capture();
    assert.equal(await main(['diff', local, ...base, ...flags, '--set', 'image.tag=4.0'], changed.io), 1);
    assert.match(changed.out.join(''), /registry\.example\/web:4\.0/);
  });

  it('Helm flags on a directory that is not a chart are refused before anything is applied', async () => {
    const cluster = await testCluster();
    const dir = join(tmp, 'kdir');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: []\n');
    const c = capture();
    assert.equal(
      await main(
        ['diff', dir, '--kubeconfig', cluster.kubeconfigPath, '-n', 'x', '--root', tmp, '--skip-crds'],
        c.io,
      ),
      1,
    );
    assert.match(c.err.join(''), /--skip-crds given, but .*kdir is not a Helm chart/);
  });
});
