/**
 * Output order: Kustomize's legacy order by default (Namespaces, CRDs, RBAC, config, Services,
 * workloads first; webhook configurations last; then by group/version/kind, namespace, name), or
 * the order of input (`sortOptions.order: fifo`), or a legacy order with custom first/last kinds.
 */
import type { JsonValue } from '../api/object.js';
import { RenderErrorCode, renderError } from './errors.js';
import { curId, isObject, type ResId, type Resource } from './types.js';

export const ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
export const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

export interface SortSpec {
  order: 'legacy' | 'fifo';
  first: string[];
  last: string[];
}

export function parseSortOptions(v: JsonValue | undefined, file: string): SortSpec | undefined {
  if (v === undefined || v === null) return undefined;
  const fail = (m: string): never => {
    throw renderError(RenderErrorCode.InvalidKustomization, `${file}: sortOptions: ${m}`);
  };
  if (!isObject(v)) return fail('must be a mapping');
  for (const k of Object.keys(v))
    if (k !== 'order' && k !== 'legacySortOptions') fail(`unknown field "${k}"`);
  const order = v.order;
  if (order !== 'legacy' && order !== 'fifo') return fail('order must be legacy or fifo');
  const lso = v.legacySortOptions;
  if (order === 'fifo') {
    if (lso !== undefined && lso !== null) fail('legacySortOptions is only allowed with order: legacy');
    return { order, first: [], last: [] };
  }
  if (lso === undefined || lso === null) return { order, first: ORDER_FIRST, last: ORDER_LAST };
  if (!isObject(lso)) return fail('legacySortOptions must be a mapping');
  const list = (x: JsonValue | undefined, name: string): string[] => {
    if (x === undefined || x === null) return [];
    if (!Array.isArray(x) || x.some((s) => typeof s !== 'string'))
      return fail(`${name} must be a list of kinds`);
    return x as string[];
  };
  return { order, first: list(lso.orderFirst, 'orderFirst'), last: list(lso.orderLast, 'orderLast') };
}

function gvkString(id: ResId): string {
  return `${id.group || '~G'}_${id.version || '~V'}_${id.kind || '~K'}`;
}

export function sortResources(list: readonly Resource[], spec: SortSpec | undefined): Resource[] {
  const s = spec ?? { order: 'legacy', first: ORDER_FIRST, last: ORDER_LAST };
  if (s.order === 'fifo') return [...list];
  const rank = new Map<string, number>();
  for (const [i, k] of s.first.entries()) rank.set(k, -s.first.length + i);
  for (const [i, k] of s.last.entries()) rank.set(k, 1 + i);
  const keyed = list.map((r) => {
    const id = curId(r);
    return {
      r,
      rank: rank.get(id.kind) ?? 0,
      gvk: gvkString(id),
      rest: `${id.namespace || '~X'}|${id.name}`,
    };
  });
  keyed.sort((a, b) => {
    if (a.rank !== b.rank) return a.rank - b.rank;
    if (a.gvk !== b.gvk) return a.gvk < b.gvk ? -1 : 1;
    return a.rest < b.rest ? -1 : a.rest > b.rest ? 1 : 0;
  });
  return keyed.map((k) => k.r);
}
