/**
 * Kustomize's `helmCharts:` through the Helm engine, compared with what `kubectl kustomize
 * --enable-helm` gives. kubectl here has no Helm, so the reference is built as kustomize builds
 * it: the reference `helm template` (same Helm module) with the flags the generator passes, its
 * output put where the generator's output goes (a resource after the kustomization's own), then
 * `kubectl kustomize` for the layering (namespace, labels, overlay prefix and patches). The
 * values the generator hands helm after valuesMerge are written by hand in the fixture
 * (merged-values-*.yaml), so the merge rules are checked too.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { isTrueupError } from '../../src/api/errors.js';
import { main } from '../../src/cli/main.js';
import { kustomizeChartInflator } from '../../src/helm/kustomize-charts.js';
import { DiskTree } from '../../src/render/disk-tree.js';
import { renderTree } from '../../src/render/index.js';
import { emitYamlDocuments } from '../../src/render/yaml/emit.js';
import { helmTools, referenceHelm, sharedEngine } from '../support/helm.js';

const F = join(import.meta.dirname, '..', 'fixtures', 'kustomize-helm');
const tmp = mkdtempSync(join(tmpdir(), 'trueup-kustomize-helm-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const run = promisify(execFile);

const engineMissing = await helmTools().then(
  () => false as const,
  (err: Error) => `the Helm engine and reference helm are not built: ${err.message}`,
);

async function kubectlKustomize(dir: string): Promise<string> {
  return (await run('kubectl', ['kustomize', dir], { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

async function ours(dir: string): Promise<string> {
  const objects = await renderTree(new DiskTree(F), dir, {
    helmCharts: kustomizeChartInflator(sharedEngine),
  });
  return emitYamlDocuments(objects);
}

describe('helmCharts: against helm template + kubectl kustomize', { skip: engineMissing }, () => {
  test('a repo chart vendored as kustomize pulls it, valuesFile + valuesInline (override) + additionalValuesFiles, CRDs, no tests, Capabilities; an overlay patches its objects', async () => {
    const helmOut = await referenceHelm(
      [
        'template',
        'shop',
        join(F, 'base/charts/web-0.1.0/web'),
        '--namespace',
        'shop',
        '--values',
        join(F, 'merged-values-override.yaml'),
        '-f',
        join(F, 'base/extra-values.yaml'),
        '--api-versions',
        'monitoring.example.com/v1',
        '--kube-version',
        'v1.31.0',
        '--include-crds',
        '--skip-tests',
      ],
      F,
    );
    // The mirror: the base with its helmCharts replaced by helm's output as the last resource.
    const mirror = join(tmp, 'repo');
    cpSync(join(F, 'overlay'), join(mirror, 'overlay'), { recursive: true });
    cpSync(join(F, 'base/extra.yaml'), join(mirror, 'base/extra.yaml'));
    writeFileSync(join(mirror, 'base/helm.yaml'), helmOut);
    const base = readFileSync(join(F, 'base/kustomization.yaml'), 'utf8');
    writeFileSync(
      join(mirror, 'base/kustomization.yaml'),
      `${base.slice(0, base.indexOf('helmCharts:')).replace('  - extra.yaml\n', '  - extra.yaml\n  - helm.yaml\n')}`,
    );
    const want = await kubectlKustomize(join(mirror, 'overlay'));
    assert.match(want, /replicas: 5/, 'the reference is patched');
    assert.match(want, /name: prod-shop-config/);
    assert.doesNotMatch(want, /helm.sh\/hook: test/);
    assert.equal(await ours('overlay'), want);
  });

  test('chartHome from helmGlobals, valuesMerge replace and merge, skipHooks, default release namespace', async () => {
    const inline = join(tmp, 'inline-replace.yaml');
    writeFileSync(inline, 'mode: replaced\n');
    const t1 = await referenceHelm(
      ['template', 't1', join(F, 'local/vendor/tools'), '-f', inline, '--no-hooks'],
      F,
    );
    const t2 = await referenceHelm(
      ['template', 't2', join(F, 'local/vendor/tools'), '-f', join(F, 'merged-values-merge.yaml')],
      F,
    );
    const mirror = join(tmp, 'local');
    cpSync(join(F, 'local'), mirror, { recursive: true });
    rmSync(join(mirror, 'vendor'), { recursive: true });
    writeFileSync(join(mirror, 't1.yaml'), t1);
    writeFileSync(join(mirror, 't2.yaml'), t2);
    writeFileSync(join(mirror, 'kustomization.yaml'), 'resources: [t1.yaml, t2.yaml]\n');
    const want = await kubectlKustomize(mirror);
    assert.match(want, /name: t2-hook/, 'hooks stay without skipHooks');
    assert.doesNotMatch(want, /name: t1-hook/);
    assert.equal(await ours('local'), want);
  });

  test('`trueup render DIR` inflates the charts with the built engine', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['render', '--root', F, join(F, 'overlay')], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
    });
    assert.equal(code, 0, err.join(''));
    assert.equal(out.join(''), await ours('overlay'));
  });

  test('a chart template error names the chart; the kustomization is named for a missing chart', async () => {
    const broken = join(tmp, 'broken');
    cpSync(join(F, 'local'), broken, { recursive: true });
    writeFileSync(join(broken, 'vendor/tools/templates/bad.yaml'), '{{ fail "no" }}\n');
    await assert.rejects(
      renderTree(new DiskTree(tmp), 'broken', { helmCharts: kustomizeChartInflator(sharedEngine) }),
      (e: unknown) => isTrueupError(e) && /vendor\/tools/.test(e.message) && /no/.test(e.message),
    );
  });
});
