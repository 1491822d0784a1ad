/**
 * Rendered objects by (repo, revision, path, overrides): rendering is pure, so one render per
 * key serves every reconcile and every app with the same input. Bounded LRU; a pending render
 * is shared (single-flight); failures are not cached.
 */
import type { ApplicationSource, KustomizeOverrides } from '../api/application.js';
import type { KubeObject } from '../api/object.js';

export function renderKey(
  repoURL: string,
  revision: string,
  path: string,
  overrides: KustomizeOverrides | undefined,
  directory?: ApplicationSource['directory'],
  /** Digest of the age identities the render decrypts with ('' for none): never the keys. */
  keysDigest = '',
): string {
  return JSON.stringify([repoURL, revision, path, overrides ?? null, directory ?? null, keysDigest]);
}

export class RenderCache {
  private readonly entries = new Map<string, Promise<readonly KubeObject[]>>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  get(key: string, render: () => Promise<readonly KubeObject[]>): Promise<readonly KubeObject[]> {
    const found = this.entries.get(key);
    if (found) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    this.misses++;
    const p = render();
    this.entries.set(key, p);
    p.catch(() => {
      if (this.entries.get(key) === p) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return p;
  }

  clear(): void {
    this.entries.clear();
  }
}
