/**
 * A namespaced custom resource with a status subresource (`Widget`, group churn.trueup.dev), for
 * tests and benches of status churn: what KEDA, External Secrets or an HPA do to the objects
 * trueup manages, a controller writing `status` every few seconds.
 */
import type { KubeObject } from '../../src/api/object.js';
import type { ClusterClient } from '../../src/kube/types.js';
import { eventually } from './wait.js';

export const WIDGET_API = 'churn.trueup.dev/v1';

export const widgetCrd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.churn.trueup.dev' },
  spec: {
    group: 'churn.trueup.dev',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  } as never,
};

/** Installs the CRD and waits until the server serves it. */
export async function installWidgetCrd(client: ClusterClient): Promise<void> {
  await client.apply(widgetCrd, { fieldManager: 'test', force: true });
  await eventually('the Widget CRD to be served', async () => {
    try {
      await client.list(WIDGET_API, 'Widget', { namespace: 'default' });
      return true;
    } catch {
      return false;
    }
  });
}

export const widget = (name: string, size: number): KubeObject => ({
  apiVersion: WIDGET_API,
  kind: 'Widget',
  metadata: { name },
  spec: { size } as never,
});

/** A status as a busy operator writes it: Ready stays True, an observation counter moves. */
export const churnedStatus = (tick: number) => ({
  observedTick: tick,
  lastProbe: new Date(tick * 1000).toISOString(),
  conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled', message: '' }],
});
