/**
 * What Helm's `.Capabilities` needs of a cluster, read from discovery: the server's version
 * (`GET /version`) and the group versions it serves (`GET /api`, `GET /apis`). Pure parsers
 * here; the client (client.ts) makes the three requests.
 */

export interface ServerCapabilities {
  /** `vMAJOR.MINOR.PATCH` (build metadata and vendor suffixes cut: Helm compares it as semver). */
  kubeVersion: string;
  /** `v1`, `apps/v1`, ... every served group version, in discovery order. */
  apiVersions: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `v1.32.3` from a `/version` answer (`gitVersion` v1.32.3-eks-1234 → v1.32.3), or undefined. */
export function kubeVersionOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const git = typeof body.gitVersion === 'string' ? body.gitVersion : '';
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(git);
  if (m) return `v${m[1]}.${m[2]}.${m[3]}`;
  const major = typeof body.major === 'string' ? body.major.replace(/\D+$/, '') : '';
  const minor = typeof body.minor === 'string' ? body.minor.replace(/\D+$/, '') : '';
  return /^\d+$/.test(major) && /^\d+$/.test(minor) ? `v${major}.${minor}.0` : undefined;
}

/** The group versions of a `/api` (APIVersions) and a `/apis` (APIGroupList) answer. */
export function apiVersionsOf(core: unknown, groups: unknown): string[] {
  const out: string[] = [];
  if (isObject(core) && Array.isArray(core.versions))
    for (const v of core.versions) if (typeof v === 'string') out.push(v);
  if (isObject(groups) && Array.isArray(groups.groups))
    for (const g of groups.groups) {
      if (!isObject(g) || !Array.isArray(g.versions)) continue;
      for (const v of g.versions)
        if (isObject(v) && typeof v.groupVersion === 'string') out.push(v.groupVersion);
    }
  return [...new Set(out)];
}
