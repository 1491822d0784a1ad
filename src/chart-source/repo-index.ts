/**
 * A Helm repository's index.yaml (`apiVersion: v1`, `entries: {name: [ChartVersion]}`): the
 * versions of one chart, with their archive URLs and digests. Pure.
 */
import { FAILSAFE_SCHEMA, load } from 'js-yaml';
import { ChartErrorCode, chartError } from './errors.js';

export interface IndexEntry {
  name: string;
  version: string;
  /** Archive URLs as written (relative to the repository URL, or absolute); the first is used. */
  urls: string[];
  /** The archive's sha256 in hex, when the index has one (`helm repo index` always writes it). */
  digest?: string;
}

/** name → its versions, as listed. `label` names the repository in messages. */
export type RepoIndex = ReadonlyMap<string, readonly IndexEntry[]>;

export function parseRepoIndex(text: string, label: string): RepoIndex {
  let doc: unknown;
  try {
    // Every scalar a string: an unquoted version such as 1.10 stays 1.10 (not the number 1.1).
    doc = load(text, { schema: FAILSAFE_SCHEMA, json: true });
  } catch (err) {
    throw chartError(
      ChartErrorCode.IndexInvalid,
      `${label}: index.yaml is not YAML: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const entries = (doc as { entries?: unknown } | null)?.entries;
  if (
    typeof doc !== 'object' ||
    doc === null ||
    typeof entries !== 'object' ||
    entries === null ||
    Array.isArray(entries)
  )
    throw chartError(
      ChartErrorCode.IndexInvalid,
      `${label}: index.yaml has no entries map (not a Helm repository index)`,
    );
  const out = new Map<string, IndexEntry[]>();
  for (const [name, list] of Object.entries(entries as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    const versions: IndexEntry[] = [];
    for (const raw of list) {
      if (typeof raw !== 'object' || raw === null) continue;
      const e = raw as Record<string, unknown>;
      const version = e.version;
      const urls = Array.isArray(e.urls)
        ? e.urls.filter((u): u is string => typeof u === 'string' && u !== '')
        : [];
      if (typeof version !== 'string' || urls.length === 0) continue;
      const digest =
        typeof e.digest === 'string' && /^[a-f0-9]{64}$/i.test(e.digest) ? e.digest.toLowerCase() : undefined;
      versions.push({ name, version, urls, ...(digest ? { digest } : {}) });
    }
    out.set(name, versions);
  }
  return out;
}
