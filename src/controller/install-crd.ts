/** Installs (server-side applies) the Application CRD and waits until it is Established. */

import { applicationCrd } from '../api/crd.js';
import { TrueupError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { ClusterClient } from '../kube/types.js';

export async function installApplicationCrd(
  client: ClusterClient,
  opts: { timeoutMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<void> {
  const crd = applicationCrd() as unknown as KubeObject;
  await client.apply(crd, { fieldManager: 'trueup-controller', force: true });
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const live = await client.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: crd.metadata.name as string,
    });
    const conditions = ((live?.status as { conditions?: { type: string; status: string }[] } | undefined)
      ?.conditions ?? []) as { type: string; status: string }[];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
    if (Date.now() > deadline) {
      throw new TrueupError(
        'CrdNotEstablished',
        `CustomResourceDefinition ${crd.metadata.name}: not Established in time`,
        {
          retry: 'transient',
        },
      );
    }
    await sleep(200);
  }
  client.invalidateDiscovery();
}
