/**
 * `trueup render CHART [Helm flags]` prints what `helm template NAME CHART --include-crds`
 * prints, through main() as a user runs it (the engine found in the cache, loaded, closed).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { referenceHelm } from '../support/helm.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'helm');
const at = (p: string) => join(FIXTURES, p);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe('trueup render CHART', () => {
  test('with values files, --set, --set-string, --kube-version and --api-versions', async () => {
    const flags = [
      '-n',
      'shop-prod',
      '-f',
      `${at('shop/values.yaml')},${at('shop/values-prod.yaml')}`,
      '--set',
      'replicaCount=3,image.tag=v9',
      '--set-string',
      'env.BUILD=007',
      '--kube-version',
      'v1.30.1',
      '-a',
      'monitoring.coreos.com/v1',
      '--api-versions',
      'networking.k8s.io/v1/Ingress',
    ];
    const want = await referenceHelm(['template', 'shop', at('shop'), '--include-crds', ...flags]);
    const c = capture();
    const code = await main(
      ['render', at('shop'), '--root', FIXTURES, '--release-name', 'shop', ...flags],
      c.io,
    );
    assert.equal(c.err.join(''), '');
    assert.equal(code, 0);
    assert.equal(c.out.join(''), want);
  });

  test('a chart archive with --skip-crds, and Helm warnings on stderr', async () => {
    const want = await referenceHelm([
      'template',
      'release-name',
      at('shop/charts/cache-1.2.0.tgz'),
      '--set',
      'image.x=1',
    ]);
    const c = capture();
    const code = await main(
      ['render', at('shop/charts/cache-1.2.0.tgz'), '--root', FIXTURES, '--skip-crds', '--set', 'image.x=1'],
      c.io,
    );
    assert.equal(code, 0);
    assert.equal(c.out.join(''), want);
    // helm template logs the same line, prefixed with coalesce.go:237.
    assert.equal(c.err.join(''), 'warning: skipped value for cache.image: Not a table.\n');
  });

  test('a template error: the chart named, the code given, nothing on stdout', async () => {
    const c = capture();
    const code = await main(['render', at('shop'), '--root', FIXTURES, '--set', 'forbidden=true'], c.io);
    assert.equal(code, 1);
    assert.equal(c.out.join(''), '');
    assert.match(
      c.err.join(''),
      /^trueup: chart shop in .*fixtures\/helm: execution error at \(shop\/templates\/guards\.yaml:5:4\): the value 'forbidden' must not be set \[HELM_TEMPLATE_ERROR\]\n$/,
    );
  });
});

describe('refused before any render', () => {
  const cases: { name: string; args: string[]; err: RegExp }[] = [
    {
      name: 'a values file outside the render root',
      args: ['render', at('shop'), '--root', at('shop'), '-f', at('missing-dep/Chart.yaml')],
      err: /values file .*missing-dep\/Chart\.yaml: not inside the render root .*\/shop \(see --root\) \[HELM_PATH_ESCAPES\]/,
    },
    {
      name: 'a values file that does not exist',
      args: ['render', at('shop'), '--root', FIXTURES, '-f', at('shop/values-nope.yaml')],
      err: /values-nope\.yaml: no such values file \[HELM_FILE_MISSING\]/,
    },
    {
      name: 'Helm flags on a directory that is not a chart',
      args: ['render', FIXTURES, '--set', 'a=b', '-n', 'x'],
      err: /render: --namespace, --set given, but .*fixtures\/helm is not a Helm chart \(no Chart\.yaml\) \[CLI_USAGE\]/,
    },
    {
      name: 'Helm flags without a chart or --repo',
      args: ['render', '--skip-crds'],
      err: /render: --skip-crds need a chart directory, or --repo \[CLI_USAGE\]/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const io = capture();
      assert.equal(await main(c.args, io.io), 1);
      assert.equal(io.out.join(''), '');
      assert.match(io.err.join(''), c.err);
    });
  }

  test('an engine that is not installed: how to build it', async () => {
    const saved = process.env.TRUEUP_HELM_ENGINE;
    process.env.TRUEUP_HELM_ENGINE = at('no-such-engine.wasm');
    try {
      const io = capture();
      assert.equal(await main(['render', at('shop'), '--root', FIXTURES], io.io), 1);
      assert.match(
        io.err.join(''),
        /the Helm engine is not installed: TRUEUP_HELM_ENGINE=.*no-such-engine\.wasm does not exist; build it with `bash helm\/build\.sh`.*\[HELM_ENGINE_MISSING\]/,
      );
    } finally {
      if (saved === undefined) delete process.env.TRUEUP_HELM_ENGINE;
      else process.env.TRUEUP_HELM_ENGINE = saved;
    }
  });
});
