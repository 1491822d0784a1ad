/**
 * Reads the live objects for a set of items with as few requests as possible: what `known`
 * answers (the controller's informers: the object, or null for one that does not exist) costs
 * nothing; for the rest, one LIST per kind and namespace when several objects share them, a GET
 * otherwise.
 */
import type { KubeObject } from '../api/object.js';
import { groupOf, refKey } from '../api/object.js';
import type { ClusterClient, ObjectAddress } from '../kube/types.js';
import { mapLimit } from './limit.js';

const LIST_THRESHOLD = 4;

export async function fetchLive(
  client: ClusterClient,
  addresses: readonly ObjectAddress[],
  concurrency: number,
  known: (address: ObjectAddress) => KubeObject | null | undefined = () => undefined,
): Promise<Map<string, KubeObject>> {
  const groups = new Map<string, ObjectAddress[]>();
  const out = new Map<string, KubeObject>();
  const keyOf = (a: ObjectAddress) =>
    refKey({ group: groupOf(a.apiVersion), kind: a.kind, namespace: a.namespace ?? '', name: a.name });
  for (const a of addresses) {
    const local = known(a);
    if (local === null) continue;
    if (local) {
      out.set(keyOf(a), local);
      continue;
    }
    const k = `${a.apiVersion}|${a.kind}|${a.namespace ?? ''}`;
    const g = groups.get(k);
    if (g) g.push(a);
    else groups.set(k, [a]);
  }
  const tasks: (() => Promise<void>)[] = [];
  for (const list of groups.values()) {
    const first = list[0] as ObjectAddress;
    if (list.length >= LIST_THRESHOLD) {
      tasks.push(async () => {
        const wanted = new Set(list.map((a) => a.name));
        const opts = first.namespace ? { namespace: first.namespace } : {};
        const res = await client.list(first.apiVersion, first.kind, opts);
        for (const o of res.items) {
          if (!wanted.has(o.metadata.name ?? '')) continue;
          out.set(
            keyOf({
              apiVersion: first.apiVersion,
              kind: first.kind,
              namespace: o.metadata.namespace ?? '',
              name: o.metadata.name ?? '',
            }),
            o,
          );
        }
      });
    } else {
      for (const a of list) {
        tasks.push(async () => {
          const o = await client.get(a);
          if (o) out.set(keyOf(a), o);
        });
      }
    }
  }
  await mapLimit(tasks, concurrency, (t) => t());
  return out;
}
