/**
 * The resource tree of one app, pure: its managed objects (status.resources, with the live
 * object when it exists) and, under each, what it owns by ownerReferences (Deployment →
 * ReplicaSet → Pod, Job → Pod, StatefulSet/DaemonSet → Pod, …), each with its health.
 */
import type { ResourceStatus } from '../api/application-status.js';
import { groupOf, type KubeObject, versionOf } from '../api/object.js';
import { assessHealth } from '../health/index.js';
import type { TreeNode } from './shared/api-types.js';

/** Kinds whose owned objects the tree reads, by the owner's `group/Kind`. */
export const OWNED_KINDS: Record<string, readonly { apiVersion: string; kind: string }[]> = {
  'apps/Deployment': [{ apiVersion: 'apps/v1', kind: 'ReplicaSet' }],
  'apps/ReplicaSet': [{ apiVersion: 'v1', kind: 'Pod' }],
  'apps/StatefulSet': [{ apiVersion: 'v1', kind: 'Pod' }],
  'apps/DaemonSet': [{ apiVersion: 'v1', kind: 'Pod' }],
  'batch/Job': [{ apiVersion: 'v1', kind: 'Pod' }],
  'batch/CronJob': [{ apiVersion: 'batch/v1', kind: 'Job' }],
};

/** The kinds to list (once each, per namespace) to find everything the given owners may own, transitively. */
export function ownedKindsOf(ownerKinds: Iterable<string>): { apiVersion: string; kind: string }[] {
  const out = new Map<string, { apiVersion: string; kind: string }>();
  const todo = [...ownerKinds];
  while (todo.length) {
    const k = todo.pop() as string;
    for (const child of OWNED_KINDS[k] ?? []) {
      const key = `${groupOf(child.apiVersion)}/${child.kind}`;
      if (out.has(key)) continue;
      out.set(key, child);
      todo.push(key);
    }
  }
  return [...out.values()];
}

const byKindName = (a: TreeNode, b: TreeNode) =>
  a.kind.localeCompare(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

function nodeOf(obj: KubeObject, managed: boolean): TreeNode {
  const h = assessHealth(obj);
  return {
    group: groupOf(obj.apiVersion),
    version: versionOf(obj.apiVersion),
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    health: h.status,
    healthMessage: h.message,
    managed,
    children: [],
  };
}

/**
 * Builds the tree. `live(r)` is the managed object as read (undefined: missing); `owned` are the
 * candidate owned objects (listed by kind in the namespaces concerned), attached by owner uid.
 */
export function buildTree(
  resources: readonly ResourceStatus[],
  live: (r: ResourceStatus) => KubeObject | undefined,
  owned: readonly KubeObject[],
): TreeNode[] {
  const byOwner = new Map<string, KubeObject[]>();
  for (const o of owned) {
    const refs = o.metadata.ownerReferences;
    for (const ref of Array.isArray(refs) ? (refs as { uid?: unknown }[]) : []) {
      if (typeof ref.uid !== 'string') continue;
      const list = byOwner.get(ref.uid) ?? [];
      list.push(o);
      byOwner.set(ref.uid, list);
    }
  }
  const seen = new Set<string>();
  const attach = (node: TreeNode, obj: KubeObject, depth: number) => {
    const uid = typeof obj.metadata.uid === 'string' ? obj.metadata.uid : undefined;
    if (!uid || seen.has(uid) || depth > 8) return;
    seen.add(uid);
    for (const child of byOwner.get(uid) ?? []) {
      if (seen.has(String(child.metadata.uid))) continue;
      const c = nodeOf(child, false);
      attach(c, child, depth + 1);
      node.children.push(c);
    }
    node.children.sort(byKindName);
  };
  const nodes = resources.map((r) => {
    const obj = live(r);
    const base: TreeNode = obj
      ? nodeOf(obj, true)
      : {
          group: r.group ?? '',
          version: r.version ?? 'v1',
          kind: r.kind,
          namespace: r.namespace ?? '',
          name: r.name,
          health: 'Missing',
          healthMessage: r.health?.message ?? 'not in the cluster',
          managed: true,
          children: [],
        };
    if (r.status) base.sync = r.status;
    if (r.requiresPruning) base.requiresPruning = true;
    if (obj) attach(base, obj, 0);
    return base;
  });
  return nodes.sort(byKindName);
}
