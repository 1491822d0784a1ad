/**
 * Setter edits over a commit's tree in a Git object database (no working tree): every
 * `*.yaml`/`*.yml` blob under the update path is read, edited by applySetters, and the changed
 * blobs are written back with new trees up to the root. Returns the new root tree, or the same
 * one when nothing changed.
 */
import type * as fsType from 'node:fs';
import git from 'isomorphic-git';
import type { ImageRef } from '../api/image-policy.js';
import { ImageErrorCode, imageError } from './errors.js';
import { applySetters, type SetterChange } from './setters.js';

export interface ObjectStore {
  fs: typeof fsType;
  gitdir: string;
}

interface TreeEntry {
  mode: string;
  path: string;
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

const isYaml = (name: string) => /\.ya?ml$/i.test(name);
/** Regular files only: symlinks (120000) and submodules (160000) are never followed. */
const isFile = (e: TreeEntry) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755');

/** `./apps/web/` → ['apps', 'web']. */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

/**
 * Edits the tree `treeOid` (the whole repository) under `path`; `changes` lists what changed,
 * file paths relative to the repository root.
 */
export async function editTree(
  store: ObjectStore,
  treeOid: string,
  path: string,
  refs: ReadonlyMap<string, ImageRef>,
): Promise<{ tree: string; changes: SetterChange[] }> {
  const changes: SetterChange[] = [];
  const { fs, gitdir } = store;

  const editFiles = async (oid: string, prefix: string): Promise<string> => {
    const { tree } = await git.readTree({ fs, gitdir, oid });
    let changed = false;
    const entries: TreeEntry[] = [];
    for (const e of tree as TreeEntry[]) {
      const full = prefix ? `${prefix}/${e.path}` : e.path;
      let next = e.oid;
      if (e.type === 'tree') next = await editFiles(e.oid, full);
      else if (isFile(e) && isYaml(e.path)) {
        const { blob } = await git.readBlob({ fs, gitdir, oid: e.oid });
        const text = Buffer.from(blob).toString('utf8');
        const result = applySetters(text, full, refs);
        if (result.changes.length > 0) {
          changes.push(...result.changes);
          next = await git.writeBlob({ fs, gitdir, blob: Buffer.from(result.text, 'utf8') });
        }
      }
      if (next !== e.oid) changed = true;
      entries.push({ ...e, oid: next });
    }
    return changed ? git.writeTree({ fs, gitdir, tree: entries }) : oid;
  };

  /** Descends to `path`, edits there, and rewrites the trees on the way back up. */
  const descend = async (oid: string, segments: string[], prefix: string): Promise<string> => {
    if (segments.length === 0) return editFiles(oid, prefix);
    const [head, ...rest] = segments as [string, ...string[]];
    const { tree } = await git.readTree({ fs, gitdir, oid });
    const entry = (tree as TreeEntry[]).find((e) => e.path === head);
    if (entry?.type !== 'tree') {
      const where = prefix ? `${prefix}/${head}` : head;
      throw imageError(
        ImageErrorCode.PathNotFound,
        `update.path ${path}: ${where} is not a directory of the branch`,
      );
    }
    const child = await descend(entry.oid, rest, prefix ? `${prefix}/${head}` : head);
    if (child === entry.oid) return oid;
    const entries = (tree as TreeEntry[]).map((e) => (e.path === head ? { ...e, oid: child } : e));
    return git.writeTree({ fs, gitdir, tree: entries });
  };

  const tree = await descend(treeOid, pathSegments(path), '');
  return { tree, changes };
}
