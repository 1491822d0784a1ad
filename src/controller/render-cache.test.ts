import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChartContext } from './ports.js';
import { renderKey } from './render-cache.js';

const base: ChartContext = {
  appName: 'web',
  destinationNamespace: 'web',
  helm: { valueFiles: ['values-prod.yaml'] },
  capabilities: { kubeVersion: 'v1.32.0', apiVersions: ['v1', 'apps/v1'] },
};
const key = (chart?: ChartContext) =>
  renderKey('https://git.example/r.git', 'abc', 'apps/web', undefined, undefined, chart);

test('the render key changes with every input of a chart render (table)', () => {
  const variants: [string, ChartContext][] = [
    ['app name (release name default)', { ...base, appName: 'web2' }],
    ['destination namespace', { ...base, destinationNamespace: 'other' }],
    ['no helm field', { ...base, helm: undefined } as ChartContext],
    ['valueFiles', { ...base, helm: { valueFiles: ['values-dev.yaml'] } }],
    ['ignoreMissingValueFiles', { ...base, helm: { ...base.helm, ignoreMissingValueFiles: true } }],
    ['values', { ...base, helm: { ...base.helm, values: 'a: 1' } }],
    ['valuesObject', { ...base, helm: { ...base.helm, valuesObject: { a: 1 } } }],
    ['parameters', { ...base, helm: { ...base.helm, parameters: [{ name: 'a', value: '1' }] } }],
    [
      'forceString',
      { ...base, helm: { ...base.helm, parameters: [{ name: 'a', value: '1', forceString: true }] } },
    ],
    ['fileParameters', { ...base, helm: { ...base.helm, fileParameters: [{ name: 'a', path: 'f' }] } }],
    ['releaseName', { ...base, helm: { ...base.helm, releaseName: 'r' } }],
    ['namespace', { ...base, helm: { ...base.helm, namespace: 'n' } }],
    ['skipCrds', { ...base, helm: { ...base.helm, skipCrds: true } }],
    ['kubeVersion', { ...base, helm: { ...base.helm, kubeVersion: 'v1.30.0' } }],
    ['apiVersions', { ...base, helm: { ...base.helm, apiVersions: ['x/v1'] } }],
    [
      'discovered kube version',
      { ...base, capabilities: { kubeVersion: 'v1.33.0', apiVersions: ['v1', 'apps/v1'] } },
    ],
    [
      'discovered API versions (a CRD installed)',
      { ...base, capabilities: { kubeVersion: 'v1.32.0', apiVersions: ['v1', 'apps/v1', 'x.io/v1'] } },
    ],
    ['discovery failed', { ...base, capabilities: new Error('down') }],
  ];
  const keys = new Set([key(base), key(undefined)]);
  for (const [name, chart] of variants) {
    const k = key(chart);
    assert.ok(!keys.has(k), `${name}: the key did not change`);
    keys.add(k);
  }
  assert.equal(key({ ...base }), key(base));
});
