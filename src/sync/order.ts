/**
 * Apply order: hooks phase, then sync wave (`trueup.dev/sync-wave`, integer, negative allowed),
 * then kind (prerequisites such as Namespaces, CRDs and RBAC before the workloads that use
 * them), then name. Prune goes in the reverse order.
 */

import { TrueupError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { ObjectAnnotation, readAnnotation } from './annotations.js';
import { helmDeletePolicies, helmHookPhase, helmHookWeight } from './helm-hooks.js';

const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'PriorityClass',
  'IngressClass',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

/** Kinds applied in the first stage of a wave, before everything else in it. */
const PREREQUISITES = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'ServiceAccount',
  'PriorityClass',
  'StorageClass',
  'IngressClass',
  'ResourceQuota',
  'LimitRange',
]);

export function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

export function isPrerequisite(kind: string): boolean {
  return PREREQUISITES.has(kind);
}

export const HookType = {
  PreSync: 'PreSync',
  Sync: 'Sync',
  PostSync: 'PostSync',
  SyncFail: 'SyncFail',
  Skip: 'Skip',
} as const;
export type HookType = (typeof HookType)[keyof typeof HookType];

export const HookDeletePolicy = {
  HookSucceeded: 'HookSucceeded',
  HookFailed: 'HookFailed',
  BeforeHookCreation: 'BeforeHookCreation',
} as const;
export type HookDeletePolicy = (typeof HookDeletePolicy)[keyof typeof HookDeletePolicy];

/** The hook type named by the annotation, or undefined for an ordinary object. */
export function hookOf(obj: KubeObject, where: string): HookType | undefined {
  const found = readAnnotation(obj, ObjectAnnotation.Hook);
  // Helm's hook annotation counts only when neither ours nor Argo CD's is there (as Argo CD).
  if (found === undefined) return helmHookPhase(obj, where);
  const text = found.value;
  const first = text.split(',')[0]?.trim() ?? '';
  if (!Object.hasOwn(HookType, first)) {
    throw new TrueupError(
      'HookInvalid',
      `${where}: ${found.key} "${text}" is not one of ${Object.keys(HookType).join(', ')}`,
    );
  }
  return first as HookType;
}

/** Ours (or Argo CD's) and Helm's policies together, as Argo CD; BeforeHookCreation when none. */
export function hookDeletePolicies(obj: KubeObject, where: string): HookDeletePolicy[] {
  const found = readAnnotation(obj, ObjectAnnotation.HookDeletePolicy);
  const text = found?.value;
  const helm = helmDeletePolicies(obj, where);
  if (!found || !text) return helm.length ? [...new Set(helm)] : [HookDeletePolicy.BeforeHookCreation];
  const ours = text.split(',').map((p) => {
    const v = p.trim();
    if (!Object.hasOwn(HookDeletePolicy, v)) {
      throw new TrueupError(
        'HookInvalid',
        `${where}: ${found.key} "${v}" is not one of ${Object.keys(HookDeletePolicy).join(', ')}`,
      );
    }
    return v as HookDeletePolicy;
  });
  return [...new Set([...ours, ...helm])];
}

export function waveOf(obj: KubeObject, where: string): number {
  const found = readAnnotation(obj, ObjectAnnotation.SyncWave);
  const text = found?.value;
  // Without a sync-wave, Helm's hook weight is the wave (as Argo CD).
  if (!found) return helmHookWeight(obj, where) ?? 0;
  if (text === undefined || text.trim() === '') return 0;
  const n = Number(text.trim());
  if (!Number.isInteger(n))
    throw new TrueupError('SyncWaveInvalid', `${where}: ${found.key} "${text}" is not an integer`);
  return n;
}

export interface Orderable {
  wave: number;
  kind: string;
  namespace: string;
  name: string;
}

export function compareOrder(a: Orderable, b: Orderable): number {
  return (
    a.wave - b.wave ||
    kindRank(a.kind) - kindRank(b.kind) ||
    (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
    (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}
