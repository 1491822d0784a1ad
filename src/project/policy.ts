/**
 * What an AppProject permits, as pure checks: source repositories, destinations, the namespace
 * an Application lives in, and the kinds it deploys. Each refusal names the project, the rule
 * (the spec field) and the object, so the Application's condition tells a person what to change.
 * Semantics follow Argo CD: globs (`*`, `?`, `[...]`), `!` entries deny and win over allows, no
 * cluster-scoped kind unless whitelisted, every namespaced kind unless a whitelist is set.
 */
import type { AppProjectSpec, GroupKind } from '../api/app-project.js';

export interface ProjectViolation {
  /** The AppProject field that refuses (`sourceRepos`, `destinations`, ...). */
  rule: string;
  message: string;
}

export interface AppDestination {
  server: string;
  name: string;
  namespace: string;
}

/** An object as planned: an empty namespace means cluster-scoped. */
export interface PlannedKind {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

const globCache = new Map<string, RegExp>();

/** Glob match over the whole value: `*` any run of characters (`/` included), `?` one, `[...]` a class. */
export function globMatch(pattern: string, value: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    let src = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i] as string;
      if (c === '*') src += '.*';
      else if (c === '?') src += '.';
      else if (c === '[') {
        const end = pattern.indexOf(']', i + 1);
        if (end < 0) src += '\\[';
        else {
          const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
          src += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
          i = end;
        }
      } else src += c.replace(/[.+^${}()|\\/]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`, 's');
    if (globCache.size > 1024) globCache.clear();
    globCache.set(pattern, re);
  }
  return re.test(value);
}

/** Repository URLs compare without case, a trailing `/` or `.git` (as Argo CD normalises them). */
export function normalizeRepoURL(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

/** Allowed when no `!` entry matches and some plain entry does. */
function permittedBy(entries: readonly string[], value: string, normalize = (s: string) => s): boolean {
  let allowed = false;
  for (const entry of entries) {
    if (entry.startsWith('!')) {
      if (globMatch(normalize(entry.slice(1)), value)) return false;
    } else if (globMatch(normalize(entry), value)) allowed = true;
  }
  return allowed;
}

export function checkSourceRepos(project: string, spec: AppProjectSpec, repoURLs: readonly string[]) {
  const out: ProjectViolation[] = [];
  for (const url of repoURLs) {
    if (!permittedBy(spec.sourceRepos ?? [], normalizeRepoURL(url), normalizeRepoURL))
      out.push({
        rule: 'sourceRepos',
        message: `project ${project}: source repository ${url} is not permitted (sourceRepos)`,
      });
  }
  return out;
}

function destinationMatches(
  entry: { server?: string | undefined; name?: string | undefined },
  dest: AppDestination,
  deny: boolean,
): boolean {
  const server = entry.server ?? '';
  const name = entry.name ?? '';
  const strip = (s: string) => (deny && s.startsWith('!') ? s.slice(1) : s);
  return (
    (server !== '' && globMatch(strip(server), dest.server)) ||
    (name !== '' && dest.name !== '' && globMatch(strip(name), dest.name))
  );
}

/**
 * Is (cluster, namespace) a permitted destination? `namespace` '' is a cluster-scoped object:
 * only the cluster must be permitted, and namespace deny entries do not apply to it.
 */
export function destinationPermitted(spec: AppProjectSpec, dest: AppDestination): boolean {
  let allowed = false;
  for (const entry of spec.destinations ?? []) {
    const ns = entry.namespace ?? '';
    const nsDeny = ns.startsWith('!');
    const clusterDeny = (entry.server ?? '').startsWith('!') || (entry.name ?? '').startsWith('!');
    if (!destinationMatches(entry, dest, clusterDeny)) continue;
    if (clusterDeny) return false;
    if (dest.namespace === '') {
      if (!nsDeny) allowed = true;
      continue;
    }
    if (nsDeny) {
      if (globMatch(ns.slice(1), dest.namespace)) return false;
    } else if (globMatch(ns, dest.namespace)) allowed = true;
  }
  return allowed;
}

export function checkDestination(project: string, spec: AppProjectSpec, dest: AppDestination) {
  if (destinationPermitted(spec, dest)) return [];
  const where = dest.namespace ? `namespace ${dest.namespace} of ${dest.server}` : dest.server;
  return [
    {
      rule: 'destinations',
      message: `project ${project}: destination ${where} is not permitted (destinations)`,
    },
  ];
}

/** Applications outside the controller's namespace need their namespace in sourceNamespaces. */
export function checkSourceNamespace(
  project: string,
  spec: AppProjectSpec,
  appNamespace: string,
  controllerNamespace: string,
) {
  if (appNamespace === controllerNamespace) return [];
  if ((spec.sourceNamespaces ?? []).some((p) => globMatch(p, appNamespace))) return [];
  return [
    {
      rule: 'sourceNamespaces',
      message: `project ${project}: Applications in namespace ${appNamespace} may not use it (sourceNamespaces)`,
    },
  ];
}

const kindMatches = (list: readonly GroupKind[] | undefined, group: string, kind: string) =>
  (list ?? []).some((gk) => globMatch(gk.group, group) && globMatch(gk.kind, kind));

function kindLabel(o: PlannedKind): string {
  const gk = o.group ? `${o.kind}.${o.group}` : o.kind;
  return o.namespace ? `${gk} ${o.namespace}/${o.name}` : `${gk} ${o.name}`;
}

/** The kinds and namespaces of what an app deploys (hooks included). */
export function checkObjects(
  project: string,
  spec: AppProjectSpec,
  objects: readonly PlannedKind[],
  cluster: { server: string; name: string },
): ProjectViolation[] {
  const out: ProjectViolation[] = [];
  for (const o of objects) {
    const label = kindLabel(o);
    if (o.namespace === '') {
      if (!kindMatches(spec.clusterResourceWhitelist, o.group, o.kind))
        out.push({
          rule: 'clusterResourceWhitelist',
          message: `project ${project}: cluster-scoped ${label} is not permitted (clusterResourceWhitelist)`,
        });
      else if (kindMatches(spec.clusterResourceBlacklist, o.group, o.kind))
        out.push({
          rule: 'clusterResourceBlacklist',
          message: `project ${project}: cluster-scoped ${label} is denied (clusterResourceBlacklist)`,
        });
      continue;
    }
    if (spec.namespaceResourceWhitelist && !kindMatches(spec.namespaceResourceWhitelist, o.group, o.kind))
      out.push({
        rule: 'namespaceResourceWhitelist',
        message: `project ${project}: ${label} is not permitted (namespaceResourceWhitelist)`,
      });
    else if (kindMatches(spec.namespaceResourceBlacklist, o.group, o.kind))
      out.push({
        rule: 'namespaceResourceBlacklist',
        message: `project ${project}: ${label} is denied (namespaceResourceBlacklist)`,
      });
    else if (!destinationPermitted(spec, { ...cluster, namespace: o.namespace }))
      out.push({
        rule: 'destinations',
        message: `project ${project}: ${label} is in a namespace that is not permitted (destinations)`,
      });
  }
  return out;
}
