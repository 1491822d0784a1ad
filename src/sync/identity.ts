/**
 * One identity for an object across the sync engine, the controller and the CLI: group,
 * version, kind, namespace (empty when cluster-scoped) and name. The version is carried so the
 * object can be read back (an inventory entry must name a served version), but two ids that
 * differ only in version are the same object: keys leave the version out.
 */
import { describeRef, groupOf, type KubeObject, refKey, versionOf } from '../api/object.js';
import type { ObjectAddress } from '../kube/types.js';

export interface ObjectId {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The objects an app applied last time (status.resources, or the CLI's ConfigMap). */
export type Inventory = readonly ObjectId[];

export function idOf(obj: KubeObject): ObjectId {
  return {
    group: groupOf(obj.apiVersion),
    version: versionOf(obj.apiVersion),
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
  };
}

export function idFromAddress(a: ObjectAddress): ObjectId {
  return {
    group: groupOf(a.apiVersion),
    version: versionOf(a.apiVersion),
    kind: a.kind,
    namespace: a.namespace ?? '',
    name: a.name,
  };
}

export function apiVersionOf(id: Pick<ObjectId, 'group' | 'version'>): string {
  return id.group ? `${id.group}/${id.version}` : id.version;
}

export function addressOf(id: ObjectId): ObjectAddress {
  const a: ObjectAddress = { apiVersion: apiVersionOf(id), kind: id.kind, name: id.name };
  if (id.namespace) a.namespace = id.namespace;
  return a;
}

/** `group/Kind/namespace/name`: the same key `refKey` gives (version left out). */
export function idKey(id: ObjectId): string {
  return refKey(id);
}

export function describeId(id: ObjectId): string {
  return describeRef(id);
}

/** Sorted by key, one entry per key (the last wins). */
export function sortIds(ids: Inventory): ObjectId[] {
  const byKey = new Map(ids.map((e) => [idKey(e), e]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k) as ObjectId);
}
