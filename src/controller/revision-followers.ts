/**
 * Revision followers: the apps that follow the same Git repository and ref learn of a new commit
 * together. Each app polls Git on its own jittered interval, so without this a commit reaches a
 * thousand apps on `main` over a whole poll interval. With it, the first pass (of any app) that
 * resolves a revision not seen before for that repository and ref queues every other app
 * following it, once per revision: their passes find the answer the first one fetched (the
 * source shares ref answers and fetches per repository), so one fetch serves them all.
 *
 * The fan-out goes to the queue's periodic lane: it is Git news, as a poll is; the urgent lane
 * stays for events someone waits on (a drift to revert, a spec edit), which a thousand queued
 * apps would otherwise starve.
 *
 * Only Git sources follow a ref: a Helm chart's version is not a Git revision, and a requested
 * operation's revision is a one-off, not what the app follows. A ref is matched as written
 * (repoURL and targetRevision, `HEAD` when unset): two spellings of one URL are two refs.
 */

/** A Git ref apps follow: the repository URL and the targetRevision, as the spec writes them. */
export interface FollowedRef {
  repoURL: string;
  ref: string;
}

/** A followed ref and the commit a pass resolved it to. */
export interface ResolvedRef extends FollowedRef {
  revision: string;
}

interface SourceLike {
  repoURL?: unknown;
  targetRevision?: unknown;
  chart?: unknown;
}

/**
 * The Git refs an Application's spec follows (each once): every source without a chart. Read
 * from the informer's object, which the API server has not defaulted: an unset targetRevision
 * is `HEAD`, as the reconciler resolves it.
 */
export function followedRefs(
  spec: { source?: SourceLike; sources?: readonly SourceLike[] } | undefined,
): FollowedRef[] {
  const list = Array.isArray(spec?.sources) ? spec.sources : spec?.source ? [spec.source] : [];
  const out = new Map<string, FollowedRef>();
  for (const s of list) {
    if (typeof s.repoURL !== 'string' || s.repoURL === '') continue;
    if (typeof s.chart === 'string') continue;
    const ref = typeof s.targetRevision === 'string' && s.targetRevision !== '' ? s.targetRevision : 'HEAD';
    const r = { repoURL: s.repoURL, ref };
    out.set(refId(r), r);
  }
  return [...out.values()];
}

const refId = (r: FollowedRef) => `${r.repoURL}\n${r.ref}`;

/** Which apps follow which ref, kept up to date from the Application informer. */
export class RevisionIndex {
  private readonly byRef = new Map<string, Set<string>>();
  private readonly byApp = new Map<string, string[]>();

  /** `appKey` now follows `refs` (and nothing else). */
  set(appKey: string, refs: readonly FollowedRef[]): void {
    const ids = refs.map(refId);
    const before = this.byApp.get(appKey);
    if (before && before.length === ids.length && before.every((id, i) => id === ids[i])) return;
    this.delete(appKey);
    if (ids.length === 0) return;
    this.byApp.set(appKey, ids);
    for (const id of ids) {
      let apps = this.byRef.get(id);
      if (!apps) {
        apps = new Set();
        this.byRef.set(id, apps);
      }
      apps.add(appKey);
    }
  }

  /** The app is gone. */
  delete(appKey: string): void {
    for (const id of this.byApp.get(appKey) ?? []) {
      const apps = this.byRef.get(id);
      apps?.delete(appKey);
      if (apps?.size === 0) this.byRef.delete(id);
    }
    this.byApp.delete(appKey);
  }

  /** The apps following `ref`. */
  followers(ref: FollowedRef): ReadonlySet<string> {
    return this.byRef.get(refId(ref)) ?? new Set();
  }

  /** Whether any app follows `ref`. */
  followed(ref: FollowedRef): boolean {
    return this.byRef.has(refId(ref));
  }

  /** How many refs are followed (for tests and cache-size reports). */
  get refs(): number {
    return this.byRef.size;
  }
}

export interface RevisionFollowersOptions {
  index: RevisionIndex;
  /**
   * Queues these apps (periodic lane) to resolve their revision again: their recalled revision
   * must be dropped first, or their pass would reuse it and wait for the poll after all.
   */
  requeue(appKeys: readonly string[]): void;
  /** Told once per new revision of a followed ref (ApplicationSets' git generators on it). */
  onNewRevision?(ref: ResolvedRef): void;
  /**
   * How many recent revisions are remembered per ref (default 8): a pass that resolves one of
   * them (an answer that was in flight when a newer one came) is not news.
   */
  remembered?: number;
}

export class RevisionFollowers {
  /** Per followed ref: the revisions resolved lately, newest last. */
  private readonly seen = new Map<string, string[]>();

  constructor(private readonly o: RevisionFollowersOptions) {}

  /** What the index says `appKey` follows changed (an informer event). */
  track(appKey: string, refs: readonly FollowedRef[]): void {
    this.o.index.set(appKey, refs);
  }

  /** The app is gone; refs nobody follows any more are forgotten. */
  untrack(appKey: string, refs: readonly FollowedRef[]): void {
    this.o.index.delete(appKey);
    for (const r of refs) if (!this.o.index.followed(r)) this.seen.delete(refId(r));
  }

  /**
   * A pass of `appKey` resolved these refs. For each ref followed by an index entry whose
   * revision is new (not among the ones seen lately), queues every other follower once and tells
   * onNewRevision. The first revision seen of a ref is recorded only: a start queues every app
   * anyway. Returns the apps queued.
   */
  resolved(appKey: string, refs: readonly ResolvedRef[]): string[] {
    const queued = new Set<string>();
    for (const r of refs) {
      const id = refId(r);
      if (!this.o.index.followed(r)) continue;
      const recent = this.seen.get(id);
      if (!recent) {
        this.seen.set(id, [r.revision]);
        continue;
      }
      if (recent.includes(r.revision)) continue;
      recent.push(r.revision);
      if (recent.length > (this.o.remembered ?? 8)) recent.shift();
      for (const k of this.o.index.followers(r)) if (k !== appKey) queued.add(k);
      this.o.onNewRevision?.(r);
    }
    if (queued.size > 0) this.o.requeue([...queued]);
    return [...queued];
  }

  /** Refs with a remembered revision (for tests: bounded by the refs followed). */
  get refsSeen(): number {
    return this.seen.size;
  }
}
