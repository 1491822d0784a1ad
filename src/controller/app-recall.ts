/**
 * What the reconciler recalls of each app between passes: the revision it last resolved (so a
 * pass within the poll interval does not ask Git again) and the status it last wrote (while the
 * informer's copy lags behind that write). Caches only, never decisions: a restarted process
 * that recalls nothing costs one Git query and one read of the informer, not a wrong action.
 */
import type { ApplicationStatus } from '../api/application.js';
import type { ResolvedSources } from './sources.js';

interface Recall {
  sourceKey: string;
  revision: string;
  display: string;
  /** With spec.sources: each source's revision. */
  revisions?: string[] | undefined;
  resolvedAt: number;
  /**
   * The status this controller last wrote, while the informer's copy may lag behind it: dropped
   * once the informer holds the object that write made (`lastStatusVersion`), so ten thousand
   * idle apps do not each keep a second copy of their status.
   */
  lastStatus?: ApplicationStatus | undefined;
  lastStatusVersion?: string | undefined;
}

export class AppRecall {
  private readonly recall = new Map<string, Recall>();
  /** Per app: the resourceVersion the informer last delivered (see `seen`). */
  private readonly seenVersions = new Map<string, string>();
  /** Per app: how many times it was expired (see `resolving`). */
  private readonly expiries = new Map<string, number>();
  /** Per app: when it (or its current spec) was first seen (see `learned`). */
  private readonly learnedAt = new Map<string, number>();

  /**
   * The app, or a new generation of it, was seen at `now`: its revision is resolved from no
   * shared answer asked before then (a commit pushed just before the app was created counts).
   */
  learned(key: string, now: number): void {
    this.learnedAt.set(key, now);
  }

  /** When the app or its current spec was seen: shared answers older than this are not reused. */
  notBefore(key: string): number | undefined {
    return this.learnedAt.get(key);
  }

  /** The next pass of the app resolves its revision again (webhook, refresh, a revision followed). */
  expire(key: string): void {
    const m = this.recall.get(key);
    if (m) m.resolvedAt = Number.NEGATIVE_INFINITY;
    this.expiries.set(key, (this.expiries.get(key) ?? 0) + 1);
  }

  /**
   * A resolve of the app starts: the token to hand to rememberResolved. An expire while that
   * resolve runs (a new revision announced while this pass asks Git) makes its answer possibly
   * older than the news: it is used by this pass but not recalled as fresh, so the pass the
   * expire queued asks again instead of reusing it until the next poll.
   */
  resolving(key: string): number {
    return this.expiries.get(key) ?? 0;
  }

  /** Forget an app that no longer exists. */
  forget(key: string): void {
    this.recall.delete(key);
    this.seenVersions.delete(key);
    this.expiries.delete(key);
    this.learnedAt.delete(key);
  }

  /** How many apps' last written status is still held (the informer lags on them). */
  heldStatuses(): number {
    let n = 0;
    for (const r of this.recall.values()) if (r.lastStatus) n++;
    return n;
  }

  /**
   * The informer holds this version of the app: when it is the one our last status write made,
   * the informer's copy has that status and ours is no longer needed.
   */
  seen(key: string, resourceVersion: string | undefined): void {
    // The watch may deliver our write before the write's answer comes back: `wrote` looks here.
    if (resourceVersion !== undefined) this.seenVersions.set(key, resourceVersion);
    const r = this.recall.get(key);
    if (r?.lastStatus && resourceVersion !== undefined && r.lastStatusVersion === resourceVersion)
      this.recall.set(key, { ...r, lastStatus: undefined, lastStatusVersion: undefined });
  }

  /** The status last written for the app, while the informer has not delivered that write yet. */
  lastStatus(key: string): ApplicationStatus | undefined {
    return this.recall.get(key)?.lastStatus;
  }

  /** The revision resolved for `sourceKey` no longer than `maxAgeMs` ago, if any. */
  resolved(key: string, sourceKey: string, now: number, maxAgeMs: number): ResolvedSources | undefined {
    const mem = this.recall.get(key);
    if (!mem || mem.sourceKey !== sourceKey || now - mem.resolvedAt >= maxAgeMs) return undefined;
    return {
      revision: mem.revision,
      display: mem.display,
      ...(mem.revisions ? { revisions: mem.revisions } : {}),
    };
  }

  /** The revision `sourceKey` resolved to, at `now`, by the resolve that `resolving` gave `token`. */
  rememberResolved(key: string, sourceKey: string, r: ResolvedSources, now: number, token: number): void {
    this.recall.set(key, {
      ...this.recall.get(key),
      sourceKey,
      revision: r.revision,
      display: r.display,
      revisions: r.revisions,
      resolvedAt: token === this.resolving(key) ? now : Number.NEGATIVE_INFINITY,
    });
  }

  /**
   * A status write made resourceVersion `written` (undefined: unknown). Kept until the informer
   * delivers that version, unless it already has.
   */
  wrote(key: string, status: ApplicationStatus, written: string | undefined): void {
    const r = this.recall.get(key) ?? { sourceKey: '', revision: '', display: '', resolvedAt: 0 };
    if (written !== undefined && this.seenVersions.get(key) === written)
      this.recall.set(key, { ...r, lastStatus: undefined, lastStatusVersion: undefined });
    else this.recall.set(key, { ...r, lastStatus: structuredClone(status), lastStatusVersion: written });
  }

  /** The app's finalizer is done: its resolution and status are no longer needed. */
  finalized(key: string): void {
    this.recall.delete(key);
  }
}
