/**
 * SourcePort over src/source's GitSource (one per process, shared by every Application). Ref
 * answers are shared for `ttlMs` across apps on the same repo and ref (1,000 apps polling one
 * repo cost one query per ttl, not 1,000); a webhook or refresh drops them (`invalidate`), and an
 * answer asked before the app (or its spec) was seen is not shared with it (`notBefore`).
 */
import type { FileTree } from '../../render/file-tree.js';
import type { GitSource } from '../../source/index.js';
import type { ResolvedRevision, SourcePort } from '../ports.js';

export class GitSourcePort implements SourcePort {
  private readonly answers = new Map<string, { repo: string; at: number; p: Promise<ResolvedRevision> }>();

  constructor(
    private readonly git: GitSource,
    private readonly ttlMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  resolve(
    repoURL: string,
    targetRevision: string,
    opts: { force: boolean; notBefore?: number | undefined },
  ): Promise<ResolvedRevision> {
    const key = `${repoURL}\n${targetRevision}`;
    const hit = this.answers.get(key);
    const fresh = hit && this.now() - hit.at < this.ttlMs && hit.at >= (opts.notBefore ?? hit.at);
    if (hit && fresh && !opts.force) return hit.p;
    const p = this.git
      .resolve({ repoURL, targetRevision })
      .then((r): ResolvedRevision => ({ revision: r.commit, display: r.text }));
    this.answers.set(key, { repo: repoURL, at: this.now(), p });
    p.catch(() => {
      if (this.answers.get(key)?.p === p) this.answers.delete(key);
    });
    return p;
  }

  tree(repoURL: string, revision: string): Promise<FileTree> {
    return this.git.tree(repoURL, revision);
  }

  invalidate(repoURL: string): void {
    for (const [k, v] of this.answers) if (v.repo === repoURL) this.answers.delete(k);
  }
}
