/**
 * Commit subjects, authors and times for the UI, from the Git source layer (its cache; a commit
 * not in it is fetched once). The list's rows read subjects synchronously from here; revisions
 * not known yet are looked up in the background (a few at a time) and `onLearned` tells the
 * server-sent event stream to send the rows again with their subject.
 */
import { errorMessage } from '../api/errors.js';
import type { CommitInfo } from '../source/index.js';

export interface CommitReader {
  commitInfo(repoURL: string, commit: string): Promise<CommitInfo>;
}

const FULL_SHA = /^[0-9a-f]{40}$/;
/** A failed lookup (network, credentials) is tried again after this long. */
const RETRY_MS = 60_000;

export class CommitCache {
  private readonly known = new Map<string, CommitInfo>();
  private readonly failed = new Map<string, { at: number; error: string }>();
  private readonly pending = new Map<string, Promise<CommitInfo>>();
  private readonly queue: { repoURL: string; commit: string }[] = [];
  private running = 0;

  constructor(
    private readonly reader: CommitReader,
    private readonly onLearned: (commit: string) => void = () => {},
    private readonly now: () => number = Date.now,
    private readonly concurrency = 2,
    private readonly max = 50_000,
  ) {}

  subject(commit: string): string | undefined {
    return this.known.get(commit)?.subject;
  }

  /** Queues a background lookup of a commit not known yet. */
  want(repoURL: string, commit: string): void {
    if (!FULL_SHA.test(commit) || this.known.has(commit) || this.pending.has(commit)) return;
    const f = this.failed.get(commit);
    if (f && this.now() - f.at < RETRY_MS) return;
    if (this.queue.some((q) => q.commit === commit)) return;
    this.queue.push({ repoURL, commit });
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length) {
      const next = this.queue.shift() as { repoURL: string; commit: string };
      this.running++;
      this.info(next.repoURL, next.commit)
        .then(
          () => this.onLearned(next.commit),
          () => {},
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  /** The commit's details; rejects with why it could not be read. */
  info(repoURL: string, commit: string): Promise<CommitInfo> {
    const hit = this.known.get(commit);
    if (hit) return Promise.resolve(hit);
    const f = this.failed.get(commit);
    if (f && this.now() - f.at < RETRY_MS) return Promise.reject(new Error(f.error));
    let p = this.pending.get(commit);
    if (!p) {
      p = this.reader.commitInfo(repoURL, commit);
      this.pending.set(commit, p);
      p.then(
        (info) => {
          if (this.known.size >= this.max) this.known.clear();
          this.known.set(commit, info);
          this.failed.delete(commit);
        },
        (err: unknown) => this.failed.set(commit, { at: this.now(), error: errorMessage(err) }),
      ).finally(() => this.pending.delete(commit));
    }
    return p;
  }
}
