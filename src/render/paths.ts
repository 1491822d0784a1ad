/**
 * POSIX path helpers for tree-relative paths ('' is the tree root, never a leading slash).
 * `resolve` returns undefined when a path climbs above the tree's root.
 */

/** An empty, `.` or `..` part: a path without one is its own normal form (most paths of a render). */
const NOT_NORMAL = /(?:^|\/)\.{0,2}(?:\/|$)/;

/** Normalises `a/./b/../c` to `a/c`; undefined when `..` leaves the root. */
export function normalize(path: string): string | undefined {
  if (!NOT_NORMAL.test(path)) return path;
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

export function join(dir: string, rel: string): string | undefined {
  if (rel.startsWith('/')) return undefined;
  return normalize(dir ? `${dir}/${rel}` : rel);
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True when `path` is `root` or below it. */
export function isWithin(root: string, path: string): boolean {
  return root === '' || path === root || path.startsWith(`${root}/`);
}

/** For messages: `path` or `.` for the root. */
export function show(path: string): string {
  return path === '' ? '.' : path;
}

/** Remote resources (URLs, git specs) the renderer refuses. */
export function isRemote(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    /^git@/.test(entry) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry)
  );
}
