/**
 * The clusters generator: one parameter set per destination cluster, as Argo CD's. The clusters
 * are the cluster Secrets of the controller's namespace (src/cluster/secret.ts's format) and the
 * controller's own cluster, `in-cluster`, which has no Secret and so no labels: a non-empty
 * selector excludes it (as in Argo CD, where the local cluster is selected by labels only once a
 * Secret describes it). Params are Argo's: `name`, `nameNormalized`, `server`, `project`,
 * `metadata.labels.<key>`, `metadata.annotations.<key>` (nested under `metadata` with goTemplate).
 */
import type { ClustersGenerator } from '../../api/application-set-generators.js';
import { IN_CLUSTER_SERVER } from '../../api/destination.js';
import type { KubeObject } from '../../api/object.js';
import type { Params } from '../params.js';
import { isEmptySelector, selectorMatches } from '../selector.js';

export const IN_CLUSTER_NAME = 'in-cluster';

/** A cluster as the generator sees it: its Secret's name, server, project, labels, annotations. */
export interface ClusterListing {
  name: string;
  server: string;
  project: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
}

const LOCAL: ClusterListing = {
  name: IN_CLUSTER_NAME,
  server: IN_CLUSTER_SERVER,
  project: '',
  labels: {},
  annotations: {},
};

/** Argo CD's `nameNormalized`: a name usable in a Kubernetes object name. */
export function normalizeClusterName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

function paramsOf(c: ClusterListing, goTemplate: boolean): Params {
  const base: Params = {
    name: c.name,
    nameNormalized: normalizeClusterName(c.name),
    server: c.server,
    project: c.project,
  };
  if (goTemplate)
    return { ...base, metadata: { labels: { ...c.labels }, annotations: { ...c.annotations } } };
  for (const [k, v] of Object.entries(c.labels)) base[`metadata.labels.${k}`] = v;
  for (const [k, v] of Object.entries(c.annotations)) base[`metadata.annotations.${k}`] = v;
  return base;
}

export function clustersParams(
  gen: ClustersGenerator,
  goTemplate: boolean,
  secrets: readonly ClusterListing[] = [],
): Params[] {
  const selected = secrets.filter((c) => !gen.selector || selectorMatches(gen.selector, c.labels));
  const local = isEmptySelector(gen.selector) ? [LOCAL] : [];
  return [...local, ...selected].map((c) => paramsOf(c, goTemplate));
}

const decoded = (data: Record<string, unknown>, key: string) => {
  const v = data[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined;
};

/** A cluster Secret as a listing; undefined without a server (it names no cluster). */
export function clusterListingOf(secret: KubeObject): ClusterListing | undefined {
  const data = (secret.data ?? {}) as Record<string, unknown>;
  const server = decoded(data, 'server');
  if (!server) return undefined;
  return {
    // As Argo CD: a Secret without `name` lists the cluster by its server.
    name: decoded(data, 'name') || server,
    server,
    project: decoded(data, 'project') ?? '',
    labels: { ...secret.metadata.labels },
    annotations: { ...secret.metadata.annotations },
  };
}
