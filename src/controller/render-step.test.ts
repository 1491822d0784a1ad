import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryTree } from '../../test/support/memory-tree.js';
import { application } from '../../test/support/reconciler-harness.js';
import type { ApplicationSpec } from '../api/application.js';
import type { KubeObject } from '../api/object.js';
import { chartRefOf } from './app-facts.js';
import type { ChartContext, ChartRef, RenderPort, SourcePort } from './ports.js';
import { RenderCache } from './render-cache.js';
import { renderApp } from './render-step.js';

/** Two charts of one repository at the same version: each renders its own tree, as a chart. */
test('chart sources: the chart reaches the source port, the render cache keeps charts apart, a chart always renders as one', async () => {
  const trees: string[] = [];
  const source: SourcePort = {
    resolve: async () => ({ revision: '1.0.0' }),
    tree: async (_repo, rev, chart?: ChartRef) => {
      trees.push(`${chart?.name}@${rev} pass=${chart?.passCredentials}`);
      return new MemoryTree({ 'Chart.yaml': `name: ${chart?.name}\n` }, `chart ${chart?.name}`);
    },
  };
  const contexts: (ChartContext | undefined)[] = [];
  const render: RenderPort = {
    render: async (tree, path, _k, _d, chart) => {
      contexts.push(chart);
      const text = new TextDecoder().decode(await tree.readFile('Chart.yaml'));
      return [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: text.slice(6).trim() },
          path,
        } as unknown as KubeObject,
      ];
    },
  };
  const d = { source, render, renderCache: new RenderCache(8) };
  const appOf = (chart: string, helm?: NonNullable<ApplicationSpec['source']>['helm']) =>
    application({
      source: {
        repoURL: 'oci://registry.example/charts',
        chart,
        targetRevision: '1.*',
        path: '.',
        ...(helm ? { helm } : {}),
      },
    });
  const names: string[] = [];
  for (const app of [appOf('web'), appOf('db'), appOf('web'), appOf('db', { passCredentials: true })]) {
    const spec = app.spec as ApplicationSpec;
    const { objects } = await renderApp(d, app, spec, '1.0.0');
    names.push(String(objects[0]?.metadata.name));
  }
  assert.deepEqual(names, ['web', 'db', 'web', 'db']);
  assert.deepEqual(
    trees,
    ['web@1.0.0 pass=undefined', 'db@1.0.0 pass=undefined', 'db@1.0.0 pass=true'],
    'same repository, version and helm fields: the chart name keeps the renders apart; the third is a cache hit',
  );
  // No helm field set: still rendered as a chart (an empty helm section), with the app's defaults.
  assert.deepEqual(contexts[0], { helm: {}, appName: 'web', destinationNamespace: 'web' });
  assert.deepEqual(chartRefOf((appOf('db', { passCredentials: false }).spec as ApplicationSpec).source), {
    name: 'db',
    passCredentials: false,
  });
  assert.equal(chartRefOf((application().spec as ApplicationSpec).source), undefined);
});
