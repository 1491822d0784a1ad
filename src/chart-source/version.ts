/**
 * targetRevision → one chart version, as Argo CD resolves it: an exact version wins; otherwise
 * the text is a semver constraint (`1.2.*`, `^1.2`, `>=1.0.0 <2.0.0`, Masterminds' comma form
 * `>=1.0.0, <2.0.0`, `*`) and the highest version satisfying it is taken, pre-releases only
 * when the constraint names one. Pure.
 */
import semver from 'semver';
import { ChartErrorCode, chartError } from './errors.js';

/** Masterminds/semver (Helm's) writes AND as a comma; node-semver as a space. */
export function constraintRange(text: string): semver.Range | undefined {
  const spelled = text.trim().replace(/\s*,\s*/g, ' ');
  try {
    return new semver.Range(spelled === '' || spelled === 'latest' ? '*' : spelled, { loose: true });
  } catch {
    return undefined;
  }
}

export function resolveVersion(targetRevision: string, versions: readonly string[], label: string): string {
  const wanted = targetRevision.trim();
  if (versions.includes(wanted)) return wanted;
  // `v1.2.3` and `1.2.3` name one version (Helm's lookup is semver-equal too).
  const exact = semver.valid(wanted, { loose: true });
  if (exact) {
    const same = versions.find((v) => semver.valid(v, { loose: true }) === exact);
    if (same) return same;
  }
  const range = constraintRange(wanted);
  if (!range)
    throw chartError(
      ChartErrorCode.VersionNotFound,
      `${label}: ${wanted} is neither a version of the chart nor a semver constraint`,
    );
  const valid = versions.filter((v) => semver.valid(v, { loose: true }) !== null);
  const best = semver.maxSatisfying(valid, range, { loose: true });
  if (!best) {
    const latest = semver.rsort([...valid], { loose: true }).slice(0, 5);
    throw chartError(
      ChartErrorCode.VersionNotFound,
      `${label}: no version matches ${wanted}${latest.length ? ` (latest: ${latest.join(', ')})` : ' (the chart has no semver versions)'}`,
    );
  }
  return best;
}
