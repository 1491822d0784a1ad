/**
 * From rendered objects to sync items: kind resolved by discovery (or by a CRD in the same
 * render), namespace defaulted or dropped, tracking annotation added, options, wave and hook
 * read. Problems become items marked invalid, so one bad object does not hide the others.
 */
import { Annotation } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import { describeRef, groupOf, type JsonObject, type KubeObject, refKey, versionOf } from '../api/object.js';
import { formatTrackingId } from '../api/tracking.js';
import type { Comparison } from '../diff/drift.js';
import { isKubeApiError, KubeErrorCode } from '../kube/errors.js';
import type { ClusterClient, ObjectAddress } from '../kube/types.js';
import { desiredHash } from './cache.js';
import type { ObjectId } from './identity.js';
import { objectSyncOptions, type SyncOptions } from './options.js';
import { type HookDeletePolicy, type HookType, hookDeletePolicies, hookOf, waveOf } from './order.js';
import type { AppIdentity } from './types.js';

/** What preparing an object found: an ordinary object to plan, a hook, or an invalid one. */
export const Prepared = {
  Object: 'object',
  Hook: 'hook',
  Invalid: 'invalid',
} as const;
export type Prepared = (typeof Prepared)[keyof typeof Prepared];

/** One rendered object made ready to plan and to write; the plan adds what it read (`live`…). */
export interface Item {
  desired: KubeObject;
  ref: ObjectId;
  address: ObjectAddress;
  where: string;
  key: string;
  options: SyncOptions;
  hook?: HookType;
  hookPolicies: HookDeletePolicy[];
  wave: number;
  /** The kind is served only once a CRD of this render is established. */
  pendingCrd: boolean;
  hash: string;
  live?: KubeObject | undefined;
  ignored: string[];
  prepared: Prepared;
  comparison?: Comparison;
  message: string;
}

function crdServes(crd: KubeObject, group: string, version: string, kind: string): JsonObject | undefined {
  if (crd.kind !== 'CustomResourceDefinition' || groupOf(crd.apiVersion) !== 'apiextensions.k8s.io')
    return undefined;
  const spec = crd.spec as JsonObject | undefined;
  const names = spec?.names as JsonObject | undefined;
  if (!spec || spec.group !== group || names?.kind !== kind) return undefined;
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  return versions.some((v) => (v as JsonObject)?.name === version) ? spec : undefined;
}

export async function prepareItems(
  objects: readonly KubeObject[],
  ctx: { client: ClusterClient; app: AppIdentity; destinationNamespace: string; appOptions: SyncOptions },
): Promise<Item[]> {
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const items: Item[] = [];
  const seen = new Set<string>();
  for (const raw of objects) {
    const desired = structuredClone(raw);
    desired.metadata = { ...desired.metadata };
    let where = describeRef({
      group: groupOf(desired.apiVersion),
      kind: desired.kind,
      namespace: desired.metadata.namespace ?? '',
      name: desired.metadata.name ?? desired.metadata.generateName ?? '',
    });
    const item: Item = {
      desired,
      ref: {
        group: groupOf(desired.apiVersion),
        version: versionOf(desired.apiVersion),
        kind: desired.kind,
        namespace: '',
        name: desired.metadata.name ?? '',
      },
      address: { apiVersion: desired.apiVersion, kind: desired.kind, name: desired.metadata.name ?? '' },
      where,
      key: '',
      options: ctx.appOptions,
      hookPolicies: [],
      wave: 0,
      pendingCrd: false,
      hash: '',
      ignored: [],
      prepared: Prepared.Invalid,
      message: '',
    };
    items.push(item);
    try {
      const hook = hookOf(desired, where);
      if (hook) item.hook = hook;
      if (hook === 'Skip') {
        items.pop();
        continue;
      }
      item.options = objectSyncOptions(desired, ctx.appOptions, where);
      item.wave = waveOf(desired, where);
      if (item.hook) item.hookPolicies = hookDeletePolicies(desired, where);
      if (!desired.metadata.name && !(item.hook && desired.metadata.generateName)) {
        throw new Error('metadata.name is missing');
      }
      let namespaced: boolean;
      try {
        namespaced = (await ctx.client.mapping(desired.apiVersion, desired.kind)).namespaced;
      } catch (err) {
        if (!isKubeApiError(err, KubeErrorCode.KindUnknown)) throw err;
        const group = groupOf(desired.apiVersion);
        const spec = crds
          .map((c) => crdServes(c, group, versionOf(desired.apiVersion), desired.kind))
          .find(Boolean);
        if (spec) namespaced = spec.scope !== 'Cluster';
        else if (item.options.skipDryRunOnMissingResource) {
          // Served later (an operator installs the CRD): planned as a create without a dry run.
          // Its scope is unknown: namespaced unless the object names no namespace and none is set.
          namespaced = desired.metadata.namespace !== undefined || ctx.destinationNamespace !== '';
        } else throw err;
        item.pendingCrd = true;
      }
      if (namespaced) desired.metadata.namespace = desired.metadata.namespace || ctx.destinationNamespace;
      else delete desired.metadata.namespace;
      const namespace = desired.metadata.namespace ?? '';
      item.ref = { ...item.ref, namespace };
      item.address = { ...item.address, namespace };
      if (!namespaced) delete item.address.namespace;
      where = describeRef(item.ref);
      item.where = where;
      item.key = refKey(item.ref);
      if (desired.metadata.name) {
        desired.metadata.annotations = {
          ...desired.metadata.annotations,
          [Annotation.TrackingId]: formatTrackingId(ctx.app.namespace, ctx.app.name, item.ref),
        };
      }
      if (!item.hook && seen.has(item.key)) throw new Error('defined more than once in the render');
      seen.add(item.key);
      item.hash = desiredHash(desired);
      item.prepared = item.hook ? Prepared.Hook : Prepared.Object;
    } catch (err) {
      item.prepared = Prepared.Invalid;
      const msg = errorMessage(err);
      item.message = msg.startsWith(where) ? msg : `${where}: ${msg}`;
    }
  }
  return items;
}
