/**
 * The clusters generator over the one destination trueup has: the in-cluster API server, which
 * Argo CD lists as `in-cluster` when no cluster Secret names it. Its params are Argo's (`name`,
 * `nameNormalized`, `server`, `project`, `metadata.labels.*`, `metadata.annotations.*`); it has
 * no labels, so (as in Argo CD) a non-empty selector excludes it.
 */

import { IN_CLUSTER_SERVER } from '../../api/application.js';
import type { ClustersGenerator } from '../../api/application-set.js';
import type { Params } from '../params.js';
import { isEmptySelector } from '../selector.js';

export const IN_CLUSTER_NAME = 'in-cluster';

export function clustersParams(gen: ClustersGenerator, goTemplate: boolean): Params[] {
  if (!isEmptySelector(gen.selector)) return [];
  const base: Params = {
    name: IN_CLUSTER_NAME,
    nameNormalized: IN_CLUSTER_NAME,
    server: IN_CLUSTER_SERVER,
    project: '',
  };
  return [goTemplate ? { ...base, metadata: { labels: {}, annotations: {} } } : base];
}
