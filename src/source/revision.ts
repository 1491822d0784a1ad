import semver from 'semver';
import { SourceErrorCode, sourceError } from './errors.js';

/** The refs a remote advertises (ls-remote), as stored in the cache state. */
export interface RefSnapshot {
  /** Full ref name → object id (for annotated tags, the tag object). */
  refs: Record<string, string>;
  /** Annotated tag ref → the commit it points to (`^{}` in ls-remote). */
  peeled: Record<string, string>;
  /** What HEAD points to (`refs/heads/main`), when the server says. */
  head?: string;
}

export const RevisionKind = {
  Head: 'head',
  Branch: 'branch',
  Tag: 'tag',
  Semver: 'semver',
  Commit: 'commit',
} as const;
export type RevisionKind = (typeof RevisionKind)[keyof typeof RevisionKind];

/** A targetRevision matched against the advertised refs. */
export type RefMatch =
  | {
      kind: 'head' | 'branch' | 'tag' | 'semver';
      /** The full ref it resolved through (`refs/heads/main`, `refs/tags/v1.2.0`). */
      ref: string;
      /** The commit (tags peeled). */
      commit: string;
    }
  /** A full or abbreviated commit id: it must be looked up among the objects. */
  | { kind: 'commit'; oid: string };

const fullSha = /^[0-9a-f]{40}$/;
const shortSha = /^[0-9a-f]{4,39}$/;

/** `main`, `v1.2.0`: the ref's short name, for the Flux-style revision text. */
export function shortRefName(ref: string): string {
  for (const prefix of ['refs/heads/', 'refs/tags/', 'refs/remotes/', 'refs/']) {
    if (ref.startsWith(prefix)) return ref.slice(prefix.length);
  }
  return ref;
}

/** Flux-style revision text for status: `main@sha1:<sha>`, or `sha1:<sha>` for a commit. */
export function revisionText(commit: string, ref?: string): string {
  return ref ? `${shortRefName(ref)}@sha1:${commit}` : `sha1:${commit}`;
}

function commitOf(snapshot: RefSnapshot, ref: string): string | undefined {
  return snapshot.peeled[ref] ?? snapshot.refs[ref];
}

/** The version a tag name stands for (`v1.2.0` and `1.2.0` both give 1.2.0), or null. */
export function tagVersion(tag: string): string | null {
  const name = shortRefName(tag);
  return semver.valid(/^[vV]\d/.test(name) ? name.slice(1) : name);
}

/** True when the text is a semver range or version (`>=1.2.0 <2.0.0`, `1.x`, `*`, `~1.2`). */
export function isSemverRange(text: string): boolean {
  return text.trim() !== '' && semver.validRange(text) !== null;
}

/** The highest tag satisfying the range, or undefined. Pre-releases only when the range names one. */
export function maxSatisfyingTag(snapshot: RefSnapshot, range: string): string | undefined {
  let best: { ref: string; version: string } | undefined;
  for (const ref of Object.keys(snapshot.refs).sort()) {
    if (!ref.startsWith('refs/tags/')) continue;
    const version = tagVersion(ref);
    if (version === null || !semver.satisfies(version, range)) continue;
    if (!best || semver.gt(version, best.version)) best = { ref, version };
  }
  return best?.ref;
}

/**
 * Matches a targetRevision against the advertised refs. Order (first match wins): empty or
 * `HEAD`; a full ref name (`refs/...`); a branch; a tag; a full commit id; a semver range over
 * tags; an abbreviated commit id. `previous` is the snapshot from the last successful fetch:
 * a branch or tag that was there and is gone gives GitRefDeleted rather than "not found".
 */
export function matchRevision(
  repo: string,
  targetRevision: string,
  snapshot: RefSnapshot,
  previous?: RefSnapshot,
): RefMatch {
  const rev = targetRevision.trim();
  if (rev === '' || rev === 'HEAD') {
    const ref = snapshot.head ?? 'HEAD';
    const commit = commitOf(snapshot, ref) ?? snapshot.refs.HEAD;
    if (!commit) {
      throw sourceError(
        SourceErrorCode.RevisionNotFound,
        `repository ${repo}: HEAD does not point to a commit`,
      );
    }
    return { kind: 'head', ref, commit };
  }
  const candidates: Array<[RefMatch['kind'], string]> = rev.startsWith('refs/')
    ? [[rev.startsWith('refs/tags/') ? 'tag' : 'branch', rev]]
    : [
        ['branch', `refs/heads/${rev}`],
        ['tag', `refs/tags/${rev}`],
      ];
  for (const [kind, ref] of candidates) {
    const commit = commitOf(snapshot, ref);
    if (commit && kind !== 'commit') return { kind, ref, commit };
  }
  if (fullSha.test(rev)) return { kind: 'commit', oid: rev };
  if (isSemverRange(rev)) {
    const ref = maxSatisfyingTag(snapshot, rev);
    if (ref) return { kind: 'semver', ref, commit: commitOf(snapshot, ref)! };
    if (!shortSha.test(rev)) {
      throw sourceError(
        SourceErrorCode.RevisionNotFound,
        `repository ${repo}: no tag matches the version range '${rev}'`,
      );
    }
  }
  if (shortSha.test(rev)) return { kind: 'commit', oid: rev };
  if (previous) {
    for (const [kind, ref] of candidates) {
      const was = commitOf(previous, ref);
      if (was) {
        throw sourceError(
          SourceErrorCode.RefDeleted,
          `repository ${repo}: ${kind} '${shortRefName(ref)}' no longer exists (it was at ${was.slice(0, 12)})`,
        );
      }
    }
  }
  throw sourceError(SourceErrorCode.RevisionNotFound, `repository ${repo}: no branch or tag named '${rev}'`);
}
