/**
 * Status churn costs nothing: when something else keeps writing the `status` of the objects an
 * app manages (KEDA, External Secrets, HPAs do, every few seconds), the app is not planned
 * again (no reconcile, so no dry-run, apply or status write) unless the object's health changes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testNamespace } from '../support/cluster.js';
import { countingReconciles } from '../support/counting-metrics.js';
import { churnedStatus, installWidgetCrd, WIDGET_API, widget } from '../support/widget-crd.js';
import { appManifest, condition, e2eEnv, waitFor, yaml } from './support.js';

const env = await e2eEnv('churn');
await installWidgetCrd(env.client);
const dest = await testNamespace('churn-dest');
const repo = await env.git.createRepo('churn');
await repo.commit({
  'app/kustomization.yaml': yaml({ resources: ['w.yaml'] }),
  'app/w.yaml': [widget('w0', 1), widget('w1', 2)].map((w) => yaml(w)).join('\n---\n'),
});

const counting = countingReconciles();
const { metrics } = counting;

test('status-only changes of managed objects do not reconcile the app unless health changes', async () => {
  const controller = await env.controller({ metrics });
  const ready = (status: 'True' | 'False') => ({
    conditions: [{ type: 'Ready', status, reason: 'Test', message: '' }],
  });
  const address = (name: string) => ({ apiVersion: WIDGET_API, kind: 'Widget', namespace: dest, name });
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(appManifest('churn', env.appNs, env.git.url('churn'), 'app', dest)),
  );
  await waitFor('the app Synced', async () => {
    const app = await env.app('churn');
    return app?.status?.sync?.status === 'Synced' && condition(app, 'Ready')?.status === 'True' && app;
  });
  for (const n of ['w0', 'w1'])
    await env.client.patchStatus(address(n), churnedStatus(0), { fieldManager: 'operator' });
  await waitFor('the controller to see Ready widgets', async () =>
    ['w0', 'w1'].every(
      (n) => (controller.lookup(address(n))?.status as { conditions?: unknown[] } | undefined)?.conditions,
    ),
  );
  // Idle is not enough: a pass during the sync may have left a re-check (progressInterval, 1 s)
  // pending, which would run among the writes below and be counted. Wait until only the poll
  // (minutes away) is ahead of the app.
  const key = `${env.appNs}/churn`;
  await waitFor('the controller idle, with only the poll ahead of the app', async () => {
    await controller.queue.whenIdle();
    const due = controller.queue.dueIn(key);
    return (
      controller.queue.depth === 0 && controller.queue.inFlight === 0 && due !== undefined && due > 60_000
    );
  });

  const before = { reconciles: counting.passes() };
  let last = '';
  for (let tick = 1; tick <= 10; tick++) {
    for (const n of ['w0', 'w1']) {
      const o = await env.client.patchStatus(address(n), churnedStatus(tick), { fieldManager: 'operator' });
      last = String(o.metadata.resourceVersion);
    }
  }
  await waitFor('the controller to see the last status', async () =>
    controller.lookup(address('w1'))?.metadata.resourceVersion === last ? true : undefined,
  );
  await controller.queue.whenIdle();
  assert.equal(counting.passes() - before.reconciles, 0, 'twenty status writes, no reconcile');

  // A status change that changes health does reach the app.
  await env.client.patchStatus(address('w0'), ready('False'), { fieldManager: 'operator' });
  await waitFor('the app to see the widget unready', async () => {
    const app = await env.app('churn');
    return app?.status?.health?.status === 'Progressing' && app;
  });
  assert.ok(counting.passes() > before.reconciles, 'the health change was reconciled');
});
