/**
 * Reads the resource tree of the open app on demand: each managed object once (GET), then each
 * owned kind once per namespace concerned (LIST), never a watch. The tree itself is built by
 * tree.ts.
 */
import type { Application } from '../api/application.js';
import type { ResourceStatus } from '../api/application-status.js';
import { errorMessage } from '../api/errors.js';
import { groupOf, type KubeObject } from '../api/object.js';
import type { ClusterClient } from '../kube/types.js';
import type { TreeAnswer } from './shared/api-types.js';
import { buildTree, ownedKindsOf } from './tree.js';

const apiVersionOf = (r: ResourceStatus) =>
  r.group ? `${r.group}/${r.version ?? 'v1'}` : (r.version ?? 'v1');
const keyOf = (r: ResourceStatus) => `${r.group ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

/** Runs `f` over `items`, `limit` at a time. */
async function each<T>(items: readonly T[], limit: number, f: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (i < items.length) await f(items[i++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function readTree(client: ClusterClient, app: Application): Promise<TreeAnswer> {
  const resources = app.status?.resources ?? [];
  const warnings: string[] = [];
  const live = new Map<string, KubeObject>();
  await each(resources, 8, async (r) => {
    try {
      const obj = await client.get({
        apiVersion: apiVersionOf(r),
        kind: r.kind,
        ...(r.namespace ? { namespace: r.namespace } : {}),
        name: r.name,
      });
      if (obj) live.set(keyOf(r), obj);
    } catch (err) {
      warnings.push(`${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${errorMessage(err)}`);
    }
  });
  const owners = [...live.values()];
  const namespaces = [...new Set(owners.map((o) => o.metadata.namespace ?? '').filter(Boolean))];
  const kinds = ownedKindsOf(new Set(owners.map((o) => `${groupOf(o.apiVersion)}/${o.kind}`)));
  const owned: KubeObject[] = [];
  const lists = kinds.flatMap((k) => namespaces.map((namespace) => ({ ...k, namespace })));
  await each(lists, 4, async (l) => {
    try {
      const res = await client.list(l.apiVersion, l.kind, { namespace: l.namespace });
      for (const item of res.items) owned.push({ ...item, apiVersion: l.apiVersion, kind: l.kind });
    } catch (err) {
      warnings.push(`${l.kind} in ${l.namespace}: ${errorMessage(err)}`);
    }
  });
  return { nodes: buildTree(resources, (r) => live.get(keyOf(r)), owned), warnings };
}
