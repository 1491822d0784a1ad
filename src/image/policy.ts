/**
 * Picks the latest tag of a scan: the tag filter (`filterTags.pattern` + `extract`), then one
 * policy (semver range, alphabetical or numerical order), with Flux's semantics. Pure.
 */
import semver from 'semver';
import type { FilterTags, PolicyChoice } from '../api/image-policy.js';
import { ImageErrorCode, imageError } from './errors.js';

/** A tag and the value the policy compares (the tag itself without `extract`). */
export interface Candidate {
  tag: string;
  value: string;
}

/**
 * Go's RE2 syntax in a JS RegExp: `(?P<name>…)` is Go's spelling of a named group. Other RE2
 * syntax JS lacks fails to compile and is reported naming the field.
 */
export function goRegExp(pattern: string, field: string): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'));
  } catch (err) {
    throw imageError(
      ImageErrorCode.InvalidPolicy,
      `${field}: ${pattern} is not a regular expression: ${String(err)}`,
    );
  }
}

/** Go's Regexp.Expand over one match: `$1`, `$name`, `${name}`, `$$`; unknown groups expand to ''. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_all, dollar, braced, bare) => {
    if (dollar === '$') return '$';
    const name = (braced ?? bare) as string;
    if (/^[0-9]+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  });
}

/** The tags the filter keeps, each with the value the policy compares. */
export function filterTags(tags: readonly string[], filter: FilterTags | undefined): Candidate[] {
  if (!filter) return tags.map((tag) => ({ tag, value: tag }));
  const re = goRegExp(filter.pattern, 'filterTags.pattern');
  const out: Candidate[] = [];
  for (const tag of tags) {
    const m = re.exec(tag);
    if (!m) continue;
    out.push({ tag, value: filter.extract ? expandTemplate(filter.extract, m) : tag });
  }
  return out;
}

/**
 * A tag as a version, as Flux's semver library reads tags: an optional `v`, and `1` or `1.2`
 * standing for `1.0.0` and `1.2.0`; prerelease and build metadata kept.
 */
export function parseVersion(text: string): semver.SemVer | undefined {
  const m = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(text);
  if (!m) return undefined;
  const full = `${m[1]}.${m[2] ?? '0'}.${m[3] ?? '0'}${m[4] ?? ''}${m[5] ?? ''}`;
  return semver.parse(full) ?? undefined;
}

/** A Flux (Masterminds) constraint as a node-semver range: `,` is AND there, a space here. */
export function parseRange(text: string): semver.Range {
  try {
    return new semver.Range(text.replace(/\s*,\s*/g, ' ').trim());
  } catch (err) {
    throw imageError(
      ImageErrorCode.InvalidPolicy,
      `policy.semver.range: ${text} is not a semver range: ${String(err)}`,
    );
  }
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The winning candidate, or undefined when none qualifies. */
export function latestCandidate(
  candidates: readonly Candidate[],
  policy: PolicyChoice,
): Candidate | undefined {
  if (policy.semver) {
    const range = parseRange(policy.semver.range);
    let best: { c: Candidate; v: semver.SemVer } | undefined;
    for (const c of candidates) {
      const v = parseVersion(c.value);
      if (!v || !range.test(v)) continue;
      // Equal versions (`v1.2.3` and `1.2.3`): the larger tag text wins, so the answer is stable.
      const cmp = best ? semver.compareBuild(v, best.v) || byString(c.tag, best.c.tag) : 1;
      if (cmp > 0) best = { c, v };
    }
    return best?.c;
  }
  if (policy.alphabetical) {
    const desc = policy.alphabetical.order === 'desc';
    let best: Candidate | undefined;
    for (const c of candidates) {
      if (!best) {
        best = c;
        continue;
      }
      const cmp = byString(c.value, best.value) || byString(c.tag, best.tag);
      if (desc ? cmp < 0 : cmp > 0) best = c;
    }
    return best;
  }
  if (policy.numerical) {
    const desc = policy.numerical.order === 'desc';
    let best: { c: Candidate; n: number } | undefined;
    for (const c of candidates) {
      const n = parseNumber(c.value);
      if (n === undefined) {
        throw imageError(
          ImageErrorCode.NotNumeric,
          `numerical policy: tag ${c.tag}${c.value === c.tag ? '' : ` (extracted ${c.value})`} is not a number; filter the tags with filterTags.pattern`,
        );
      }
      const cmp = best ? n - best.n || byString(c.tag, best.c.tag) : undefined;
      if (cmp === undefined || (desc ? cmp < 0 : cmp > 0)) best = { c, n };
    }
    return best?.c;
  }
  throw imageError(ImageErrorCode.InvalidPolicy, 'policy: none of semver, alphabetical or numerical is set');
}

/** Go's strconv.ParseFloat for the decimal forms tags use. */
function parseNumber(text: string): number | undefined {
  if (!/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) return undefined;
  return Number(text);
}

/** The latest tag under the filter and policy; a typed error naming why when there is none. */
export function selectLatestTag(
  tags: readonly string[],
  policy: PolicyChoice,
  filter: FilterTags | undefined,
): string {
  const candidates = filterTags(tags, filter);
  const best = latestCandidate(candidates, policy);
  if (!best) {
    const what = policy.semver ? `in range ${policy.semver.range}` : 'for the policy';
    const filtered = filter ? ` (${candidates.length} of ${tags.length} tags match filterTags.pattern)` : '';
    throw imageError(ImageErrorCode.NoMatchingTag, `no tag ${what} among ${tags.length} tags${filtered}`);
  }
  return best.tag;
}

/** The tags no exclusionList expression matches (Flux's default drops cosign `.sig` tags). */
export function excludeTags(tags: readonly string[], exclusionList: readonly string[]): string[] {
  const res = exclusionList.map((p, i) => goRegExp(p, `exclusionList[${i}]`));
  return tags.filter((t) => !res.some((re) => re.test(t)));
}
