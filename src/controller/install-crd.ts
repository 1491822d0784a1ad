/** Installs (server-side applies) every CRD trueup ships and waits until each is Established. */

import { CRD_FILES } from '../api/crds.js';
import { TrueupError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { ClusterClient } from '../kube/types.js';

export async function installCrds(
  client: ClusterClient,
  opts: { timeoutMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<void> {
  const crds = CRD_FILES.map((e) => e.crd() as unknown as KubeObject);
  for (const crd of crds) await client.apply(crd, { fieldManager: 'trueup-controller', force: true });
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (const crd of crds) {
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
          { retry: 'transient' },
        );
      }
      await sleep(200);
    }
  }
  client.invalidateDiscovery();
}
