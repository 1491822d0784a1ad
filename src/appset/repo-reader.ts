/**
 * The git generator's view of a repository, over the controller's SourcePort (src/source: one
 * fetch per repository and revision, shared with Applications; ref answers shared for a few
 * seconds and dropped by a webhook push). A commit's directory and file listings are kept
 * (small LRU), so re-evaluating a set on an unchanged commit walks nothing.
 */
import type { SourcePort } from '../controller/ports.js';
import type { FileTree } from '../render/file-tree.js';
import type { RepoReader, RepoSnapshot } from './generate.js';

interface Listing {
  directories: string[];
  files: string[];
}

/** Every directory (no hidden ones, not the root) and every file of a tree, sorted. */
export async function listTree(tree: FileTree): Promise<Listing> {
  const directories: string[] = [];
  const files: string[] = [];
  const walk = async (dir: string, hidden: boolean): Promise<void> => {
    for (const name of await tree.listDir(dir)) {
      const path = dir ? `${dir}/${name}` : name;
      const st = await tree.stat(path);
      if (st?.kind === 'dir') {
        const isHidden = hidden || name.startsWith('.');
        // Argo CD's directory listing skips hidden directories; git ls-files lists their files.
        if (!isHidden) directories.push(path);
        if (name !== '.git') await walk(path, isHidden);
      } else if (st?.kind === 'file') files.push(path);
    }
  };
  await walk('', false);
  const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { directories: directories.sort(byCodePoint), files: files.sort(byCodePoint) };
}

export class SourceRepoReader implements RepoReader {
  private readonly listings = new Map<string, Promise<Listing>>();

  constructor(
    private readonly source: SourcePort,
    private readonly maxListings = 32,
  ) {}

  async snapshot(repoURL: string, revision: string): Promise<RepoSnapshot> {
    const { revision: commit } = await this.source.resolve(repoURL, revision, { force: false });
    const tree = await this.source.tree(repoURL, commit);
    const key = `${repoURL}\n${commit}`;
    let listing = this.listings.get(key);
    if (listing) this.listings.delete(key);
    else {
      listing = listTree(tree);
      listing.catch(() => this.listings.delete(key));
    }
    this.listings.set(key, listing);
    while (this.listings.size > this.maxListings) {
      const oldest = this.listings.keys().next().value as string;
      this.listings.delete(oldest);
    }
    const l = listing;
    return {
      commit,
      directories: async () => (await l).directories,
      files: async () => (await l).files,
      readText: async (path) => new TextDecoder().decode(await tree.readFile(path)),
    };
  }
}
