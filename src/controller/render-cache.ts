/**
 * Rendered objects by (repo, revision, path, overrides, and a chart's inputs): rendering is pure, so one render per
 * key serves every reconcile and every app with the same input. Bounded LRU; a pending render
 * is shared (single-flight); failures are not cached.
 */
import type { ApplicationSource } from '../api/application-source.js';
import type { KustomizeOverrides } from '../api/kustomize-source.js';
import type { KubeObject } from '../api/object.js';
import type { PlainSecret } from '../secrets/plain-secrets.js';
import type { ChartContext } from './ports.js';

/** A render's result: the objects, and the Secrets among them holding cleartext from Git. */
export interface RenderedApp {
  objects: readonly KubeObject[];
  plainSecrets: readonly PlainSecret[];
}

export function renderKey(
  repoURL: string,
  revision: string,
  path: string,
  overrides: KustomizeOverrides | undefined,
  directory?: ApplicationSource['directory'],
  chart?: ChartContext,
  /** The Secret (namespace/name) spec.decryption reads its age keys from; '' for none. */
  decryptionSecret = '',
): string {
  // Every input of a chart render: the helm fields, the release name and namespace defaults,
  // and the Capabilities (a failed discovery is never cached: the render fails).
  const caps = chart?.capabilities instanceof Error ? 'unknown' : (chart?.capabilities ?? null);
  const helm = chart ? [chart.helm ?? null, chart.appName, chart.destinationNamespace, caps] : null;
  return JSON.stringify([
    repoURL,
    revision,
    path,
    overrides ?? null,
    directory ?? null,
    helm,
    decryptionSecret,
  ]);
}

export class RenderCache {
  private readonly entries = new Map<string, Promise<RenderedApp>>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  get(key: string, render: () => Promise<RenderedApp>): Promise<RenderedApp> {
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

  /** Entries held (at most the capacity): read by the soak bench. */
  get size(): number {
    return this.entries.size;
  }
}
