/**
 * Where a chart archive is downloaded from, and whether the repository's credentials go there.
 * Pure.
 */

/**
 * An index entry's URL against the repository URL, as Helm resolves it: absolute URLs as they
 * are; a relative one below the repository URL (a trailing `/` added first, so `charts` +
 * `web-1.0.0.tgz` is `charts/web-1.0.0.tgz`), keeping the repository URL's query when the
 * entry has none (signed-URL repositories).
 */
export function resolveChartUrl(repoUrl: string, entryUrl: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entryUrl)) return entryUrl;
  const base = new URL(repoUrl);
  const query = base.search;
  base.search = '';
  base.hash = '';
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const resolved = new URL(entryUrl, base);
  if (!resolved.search && query) resolved.search = query;
  return resolved.toString();
}

/** The repository's index.yaml URL. */
export function indexUrl(repoUrl: string): string {
  return resolveChartUrl(repoUrl, 'index.yaml');
}

/**
 * Credentials go to the archive's host only when it is the repository's own (scheme, host and
 * port), unless `passCredentials` (Helm's `--pass-credentials`, Argo CD's helm.passCredentials):
 * a chart hosted elsewhere must not receive the repository's password.
 */
export function sendsCredentials(repoUrl: string, archiveUrl: string, passCredentials: boolean): boolean {
  if (passCredentials) return true;
  return new URL(repoUrl).origin === new URL(archiveUrl).origin;
}
