/**
 * Label hygiene for metrics: no credential ever reaches a label, and labels whose values come
 * from user input (repository URLs) stay bounded.
 */

/**
 * A repository URL fit for a label: userinfo (`user:token@`), query and fragment removed.
 * Handles URLs (`https://`, `ssh://`, `git://`, `http://`) and scp-like `user@host:path`.
 * Anything unparseable becomes `invalid` rather than risking a secret in a label.
 */
export function sanitizeRepoURL(raw: string): string {
  const input = raw.trim();
  if (input === '') return '';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    try {
      const url = new URL(input);
      url.username = '';
      url.password = '';
      url.search = '';
      url.hash = '';
      return url.toString();
    } catch {
      return 'invalid';
    }
  }
  // scp-like: [user@]host:path (no scheme).
  const scp = /^(?:[^@/]+@)?([^:/]+):(.*)$/.exec(input);
  if (scp) {
    const path = (scp[2] ?? '').replace(/[?#].*$/, '');
    return `${scp[1]}:${path}`;
  }
  // A plain path (local repository): keep it, minus anything after ? or #.
  return input.includes('@') ? 'invalid' : input.replace(/[?#].*$/, '');
}

/** The label value used once a bounded label has seen its maximum of distinct values. */
export const OVERFLOW_LABEL = '_other';

/**
 * Keeps at most `max` distinct values for one label; later newcomers map to `_other`.
 * Values already admitted keep their own series.
 */
export class BoundedLabel {
  readonly #seen = new Set<string>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  value(candidate: string): string {
    if (this.#seen.has(candidate)) return candidate;
    if (this.#seen.size >= this.#max) return OVERFLOW_LABEL;
    this.#seen.add(candidate);
    return candidate;
  }
}
