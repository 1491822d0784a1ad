/**
 * Proof that trueup's Helm engine renders what `helm template` renders: every fixture chart
 * under test/fixtures/helm, with the flags real users pass, compared with the reference `helm`
 * built from the same Helm module version (test/support/helm.ts): the same text, byte for byte,
 * and so the same objects in the same order; and the same failures for bad input.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { isTrueupError } from '../../src/api/errors.js';
import { renderChart } from '../../src/helm/render-chart.js';
import { helmTemplateText } from '../../src/helm/template-text.js';
import { DiskTree } from '../../src/render/disk-tree.js';
import { helmTools, sharedEngine } from '../support/helm.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'helm');
const tree = new DiskTree(FIXTURES);

/** The flags both sides understand, in the CLI's spelling. */
interface Flags {
  namespace?: string;
  values?: string[];
  set?: string[];
  setString?: string[];
  kubeVersion?: string;
  apiVersions?: string[];
  skipCrds?: boolean;
}

function helmArgs(release: string, chart: string, f: Flags): string[] {
  const args = ['template', release, chart, '--namespace', f.namespace ?? 'default'];
  if (!f.skipCrds) args.push('--include-crds');
  for (const v of f.values ?? []) args.push('-f', v);
  for (const s of f.set ?? []) args.push('--set', s);
  for (const s of f.setString ?? []) args.push('--set-string', s);
  if (f.kubeVersion) args.push('--kube-version', f.kubeVersion);
  for (const a of f.apiVersions ?? []) args.push('--api-versions', a);
  return args;
}

type Outcome = { ok: true; text: string } | { ok: false; message: string };

async function reference(release: string, chart: string, f: Flags): Promise<Outcome> {
  const { helm } = await helmTools();
  const home = join(FIXTURES, '..', '..', '..', 'node_modules', '.cache', 'trueup-helm-home');
  try {
    const { stdout } = await promisify(execFile)(helm, helmArgs(release, chart, f), {
      cwd: FIXTURES,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HELM_CACHE_HOME: join(home, 'cache'),
        HELM_CONFIG_HOME: join(home, 'config'),
        HELM_DATA_HOME: join(home, 'data'),
        KUBECONFIG: '/dev/null',
      },
    });
    return { ok: true, text: stdout };
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '');
    return { ok: false, message: stderr.replace(/^Error: /, '').trim() };
  }
}

async function ours(release: string, chart: string, f: Flags): Promise<Outcome & { code?: string }> {
  try {
    const result = await renderChart(await sharedEngine(), tree, chart, {
      releaseName: release,
      namespace: f.namespace ?? 'default',
      values: (f.values ?? []).map((path) => ({ path })),
      set: f.set ?? [],
      setString: f.setString ?? [],
      ...(f.kubeVersion ? { kubeVersion: f.kubeVersion } : {}),
      apiVersions: f.apiVersions ?? [],
      includeCrds: !f.skipCrds,
    });
    return { ok: true, text: helmTemplateText(result) };
  } catch (err) {
    if (!isTrueupError(err)) throw err;
    return { ok: false, message: err.message, code: err.code };
  }
}

/** Each document as [source, object], so a difference names the object. */
function objects(text: string): [string, unknown][] {
  return text
    .split(/^---\n/m)
    .filter((d) => d.trim())
    .map((d) => [/^# Source: (.*)$/m.exec(d)?.[1] ?? '?', yaml.load(d)]);
}

const renders: { name: string; chart: string; release?: string; flags: Flags }[] = [
  {
    name: 'defaults: library chart, .tgz subchart, alias, tags, import-values, crds, hooks, .Files, lookup',
    chart: 'shop',
    flags: { namespace: 'shop' },
  },
  {
    name: 'prod values: condition from global values, a second alias enabled, Capabilities given',
    chart: 'shop',
    release: 'shop',
    flags: {
      namespace: 'shop-prod',
      values: ['shop/values-prod.yaml'],
      set: ['replicaCount=7', 'env.EXTRA=a\\,b'],
      setString: ['env.BUILD=0042'],
      kubeVersion: 'v1.31.2',
      apiVersions: ['monitoring.coreos.com/v1', 'networking.k8s.io/v1/Ingress'],
    },
  },
  {
    name: 'dev values: tag and conditions disable subcharts and the migrate hook',
    chart: 'shop',
    flags: { values: ['shop/values.yaml', 'shop/values-dev.yaml'], kubeVersion: '1.28' },
  },
  { name: 'skip CRDs (helm template without --include-crds)', chart: 'shop', flags: { skipCrds: true } },
  {
    name: 'a chart archive (.tgz) rendered on its own',
    chart: 'shop/charts/cache-1.2.0.tgz',
    flags: { set: ['maxMemory=1gb'] },
  },
  { name: 'a subchart directory rendered on its own', chart: 'shop/charts/worker', flags: {} },
];

const failures: { name: string; chart: string; flags: Flags; code: string }[] = [
  {
    name: 'values.schema.json',
    chart: 'shop',
    flags: { set: ['replicaCount=100'] },
    code: 'HELM_SCHEMA_VALIDATION',
  },
  { name: 'required', chart: 'shop', flags: { set: ['strict=true'] }, code: 'HELM_TEMPLATE_ERROR' },
  { name: 'fail', chart: 'shop', flags: { set: ['forbidden=true'] }, code: 'HELM_TEMPLATE_ERROR' },
  {
    name: "the chart's kubeVersion constraint",
    chart: 'shop',
    flags: { kubeVersion: 'v1.24.0' },
    code: 'HELM_KUBE_VERSION_INCOMPATIBLE',
  },
  {
    name: 'a bad --kube-version',
    chart: 'shop',
    flags: { kubeVersion: 'latest' },
    code: 'HELM_KUBE_VERSION_INVALID',
  },
  { name: 'a bad --set', chart: 'shop', flags: { set: ['a[x]=1'] }, code: 'HELM_VALUES_INVALID' },
  { name: 'a library chart', chart: 'shop/charts/common', flags: {}, code: 'HELM_NOT_INSTALLABLE' },
  { name: 'a dependency not vendored', chart: 'missing-dep', flags: {}, code: 'HELM_DEPENDENCY_MISSING' },
  {
    name: 'a template that renders invalid YAML',
    chart: 'bad-manifest',
    flags: {},
    code: 'HELM_MANIFEST_INVALID',
  },
];

describe('Helm charts render as helm template renders them', () => {
  for (const c of renders) {
    test(c.name, async () => {
      const release = c.release ?? 'web';
      const [want, got] = await Promise.all([
        reference(release, c.chart, c.flags),
        ours(release, c.chart, c.flags),
      ]);
      assert.ok(want.ok, `helm template failed: ${want.ok ? '' : want.message}`);
      assert.ok(got.ok, `trueup failed: ${got.ok ? '' : got.message}`);
      assert.deepEqual(objects(got.text), objects(want.text));
      assert.equal(got.text, want.text);
    });
  }
});

describe('bad input fails as helm template fails', () => {
  for (const c of failures) {
    test(c.name, async () => {
      const [want, got] = await Promise.all([
        reference('web', c.chart, c.flags),
        ours('web', c.chart, c.flags),
      ]);
      assert.ok(!want.ok, 'helm template succeeded');
      assert.ok(!got.ok, 'trueup succeeded');
      assert.equal(got.code, c.code);
      // Ours names the chart first; Helm's message (sometimes with advice around it) follows.
      const ownPart = got.message.replace(/^chart \S+ in \S+: /, '');
      assert.ok(got.message.startsWith(`chart ${c.chart} in ${FIXTURES}: `), got.message);
      assert.ok(
        want.message.includes(ownPart.trim()),
        `helm said:\n${want.message}\ntrueup said:\n${ownPart}`,
      );
    });
  }
});
