/**
 * Reads kubeconfig files and merges them by kubectl's rules (client-go clientcmd's loading
 * rules), so `KUBECONFIG=a:b trueup …` talks to the cluster `kubectl` would:
 *   - clusters, users and contexts are maps by name: the first file that sets a name wins, later
 *     files cannot override it (a personal file listed first shadows a shared one);
 *   - current-context comes from the first file that sets it;
 *   - relative file paths inside an entry are relative to the file that holds the entry.
 * Pure apart from `readFile`, which the caller passes in.
 */
import { parse as parseYaml } from 'yaml';
import { KubeConfigErrorCode, kubeConfigError } from './connection.js';

export type RawFields = Record<string, unknown>;

/** One named entry (a cluster, user or context) and the file it came from. */
export interface KubeconfigEntry {
  name: string;
  fields: RawFields;
  file: string;
}

export interface MergedKubeconfig {
  /** The files read, in order (for messages). */
  files: string[];
  clusters: Map<string, KubeconfigEntry>;
  users: Map<string, KubeconfigEntry>;
  contexts: Map<string, KubeconfigEntry>;
  currentContext?: { name: string; file: string };
}

/** Reads a file as UTF-8; undefined when it does not exist (other failures throw). */
export type ReadTextFile = (path: string) => string | undefined;

/** The entries of a list of paths as KUBECONFIG spells it (`:` on POSIX), empty ones dropped. */
export function kubeconfigPaths(list: string, delimiter: string): string[] {
  return list.split(delimiter).filter((p) => p.length > 0);
}

const SECTIONS = [
  ['clusters', 'cluster'],
  ['users', 'user'],
  ['contexts', 'context'],
] as const;

function isMapping(v: unknown): v is RawFields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseFile(file: string, text: string): RawFields {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw kubeConfigError(
      KubeConfigErrorCode.Invalid,
      `kubeconfig ${file}: not YAML: ${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
  // An empty file is an empty config, as kubectl reads it.
  if (doc === null || doc === undefined) return {};
  if (!isMapping(doc))
    throw kubeConfigError(KubeConfigErrorCode.Invalid, `kubeconfig ${file}: not a mapping`);
  return doc;
}

/**
 * Reads and merges `paths` in order. `required`: every path must exist (one file named with
 * --kubeconfig); otherwise missing files are skipped as kubectl skips them in KUBECONFIG, and it
 * is an error only when none exists.
 */
export function readKubeconfigs(
  paths: string[],
  readFile: ReadTextFile,
  required: boolean,
): MergedKubeconfig {
  const merged: MergedKubeconfig = { files: [], clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const file of paths) {
    let text: string | undefined;
    try {
      text = readFile(file);
    } catch (err) {
      throw kubeConfigError(
        KubeConfigErrorCode.Invalid,
        `kubeconfig ${file}: cannot be read: ${String(err)}`,
        err,
      );
    }
    if (text === undefined) {
      if (required) throw kubeConfigError(KubeConfigErrorCode.NotFound, `kubeconfig ${file}: no such file`);
      continue;
    }
    merged.files.push(file);
    mergeInto(merged, file, parseFile(file, text));
  }
  if (merged.files.length === 0) {
    throw kubeConfigError(KubeConfigErrorCode.NotFound, `kubeconfig: none of ${paths.join(', ')} exists`);
  }
  return merged;
}

function mergeInto(merged: MergedKubeconfig, file: string, doc: RawFields): void {
  for (const [section, field] of SECTIONS) {
    const list = doc[section];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      throw kubeConfigError(KubeConfigErrorCode.Invalid, `kubeconfig ${file}: ${section} is not a list`);
    }
    list.forEach((item: unknown, i) => {
      const name = isMapping(item) ? item.name : undefined;
      if (typeof name !== 'string' || name === '') {
        throw kubeConfigError(
          KubeConfigErrorCode.Invalid,
          `kubeconfig ${file}: ${section}[${i}] has no name`,
        );
      }
      const fields = (item as RawFields)[field] ?? {};
      if (!isMapping(fields)) {
        throw kubeConfigError(
          KubeConfigErrorCode.Invalid,
          `kubeconfig ${file}: ${section} ${name}: ${field} is not a mapping`,
        );
      }
      const map = merged[section];
      // kubectl's rule: the first definition of a name wins.
      if (!map.has(name)) map.set(name, { name, fields, file });
    });
  }
  const current = doc['current-context'];
  if (current !== undefined && current !== null && typeof current !== 'string') {
    throw kubeConfigError(KubeConfigErrorCode.Invalid, `kubeconfig ${file}: current-context is not a string`);
  }
  if (!merged.currentContext && typeof current === 'string' && current !== '') {
    merged.currentContext = { name: current, file };
  }
}
