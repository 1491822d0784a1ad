/**
 * The dry-run verdict cache. A dry-run apply is a full admission round trip; at a thousand
 * objects per app they dominate. An "in sync" verdict is kept per object, keyed by the hash of
 * the desired object and the live resourceVersion: a re-check where neither changed needs no
 * API call (the ignored fields are part of the key: a changed ignoreDifferences compares again).
 * When only the resourceVersion moved (a controller updated status), the live
 * object's normal form is compared with the one that was in sync; equal means still in sync.
 * After an apply, the resourceVersion the apply replaced also counts as in sync: an informer still
 * holding it has not delivered the apply's echo yet, and what it holds is older than the apply.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/object.js';
import { comparable } from '../diff/drift.js';
import { canonicalJson } from '../diff/normalize.js';

interface Verdict {
  desiredHash: string;
  /** The ignored fields the verdict was reached with: other rules need another comparison. */
  ignored: string;
  resourceVersion: string;
  liveHash: string;
  /** The resourceVersion an apply replaced (the drifted object it overwrote), if any. */
  superseded?: string | undefined;
}

export function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function desiredHash(obj: KubeObject): string {
  return hashOf(canonicalJson(obj));
}

function liveHash(live: KubeObject, ignored: readonly string[]): string {
  return hashOf(canonicalJson(comparable(live, ignored)));
}

export class VerdictCache {
  #verdicts = new Map<string, Verdict>();
  hits = 0;
  misses = 0;

  /** True when `live` is known to be in sync with the desired object of hash `hash`. */
  inSync(key: string, hash: string, live: KubeObject, ignored: readonly string[]): boolean {
    const v = this.#verdicts.get(key);
    if (!v || v.desiredHash !== hash || v.ignored !== ignored.join('\n')) {
      this.misses += 1;
      return false;
    }
    const rv = String(live.metadata.resourceVersion ?? '');
    if (rv && (rv === v.resourceVersion || rv === v.superseded)) {
      this.hits += 1;
      return true;
    }
    const lh = liveHash(live, ignored);
    if (lh === v.liveHash) {
      v.resourceVersion = rv;
      this.hits += 1;
      return true;
    }
    this.misses += 1;
    return false;
  }

  /**
   * Records that `live` (the live object, or the object an apply returned) is in sync with `hash`;
   * `replaced`: the live object the apply overwrote, whose version a lagging informer may still hold.
   */
  record(
    key: string,
    hash: string,
    live: KubeObject,
    ignored: readonly string[],
    replaced?: KubeObject,
  ): void {
    const rv = String(live.metadata.resourceVersion ?? '');
    const before = replaced?.metadata.resourceVersion;
    this.#verdicts.set(key, {
      desiredHash: hash,
      ignored: ignored.join('\n'),
      resourceVersion: rv,
      liveHash: liveHash(live, ignored),
      superseded: typeof before === 'string' && before !== rv ? before : undefined,
    });
  }

  /** The resourceVersion the object was last known in sync at (applied or compared). */
  versionOf(key: string): string | undefined {
    return this.#verdicts.get(key)?.resourceVersion || undefined;
  }

  /** Whether a verdict is kept for the object (this process applied or compared it). */
  has(key: string): boolean {
    return this.#verdicts.has(key);
  }

  forget(key: string): void {
    this.#verdicts.delete(key);
  }

  clear(): void {
    this.#verdicts.clear();
  }

  get size(): number {
    return this.#verdicts.size;
  }
}
