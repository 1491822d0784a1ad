/**
 * The Git side of an ImageUpdateAutomation: fetch the branch into a work repository (an
 * isomorphic-git object database on disk, no working tree), apply the setter edits to its head,
 * commit with the automation's author and message, push. A push that loses a race (the branch
 * moved: non-fast-forward) fetches again, re-applies the edits on the new head and retries, a
 * bounded number of times. Nothing changed → no commit, no push.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import git, { type HttpClient as IsoHttpClient } from 'isomorphic-git';
import { isTrueupError } from '../api/errors.js';
import type { ImageRef } from '../api/image-policy.js';
import { authorizationHeader, lookupCredentials, type SecretSource } from '../source/credentials.js';
import { type HttpClient, HttpOperation } from '../source/http.js';
import { gitFailure } from '../source/repo.js';
import { parseRepoUrl, redactUrl } from '../source/url.js';
import { ImageErrorCode, imageError } from './errors.js';
import type { SetterChange } from './setters.js';
import { editTree } from './tree-edit.js';

export interface GitUpdateRequest {
  repoURL: string;
  /** git.checkout.ref.branch */
  branch: string;
  /** git.push.branch, else `branch`. */
  pushBranch: string;
  /** update.path */
  path: string;
  refs: ReadonlyMap<string, ImageRef>;
  author: { name: string; email: string };
  /** The commit message for these changes (the automation's template). */
  message: (changes: readonly SetterChange[]) => Promise<string>;
  /** Commit time (seconds are what Git keeps). */
  now: Date;
}

export type GitUpdateResult =
  /** The files already say what the policies say. */
  | { kind: 'unchanged'; revision: string }
  | { kind: 'pushed'; commit: string; revision: string; changes: SetterChange[]; attempts: number };

export interface GitUpdaterOptions {
  /** Work repositories live in `<workDir>/<hash of the URL>`. */
  workDir: string;
  http: HttpClient;
  secrets?: SecretSource;
  /** One fetch or push may take this long (default 2 minutes). */
  timeoutMs?: number;
  /** Push attempts before giving up with ImagePushConflict (default 5). */
  maxAttempts?: number;
}

export class GitUpdater {
  /** One update per work repository at a time (two automations on one repository queue up). */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly o: GitUpdaterOptions) {}

  async update(req: GitUpdateRequest): Promise<GitUpdateResult> {
    const url = parseRepoUrl(req.repoURL);
    const gitdir = join(this.o.workDir, url.cacheKey);
    const previous = this.locks.get(gitdir) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(() => this.updateLocked(req, gitdir));
    this.locks.set(gitdir, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(gitdir) === run) this.locks.delete(gitdir);
    }
  }

  private async updateLocked(req: GitUpdateRequest, gitdir: string): Promise<GitUpdateResult> {
    const url = parseRepoUrl(req.repoURL);
    const repo = redactUrl(url.fetchUrl);
    const creds = await lookupCredentials(url.fetchUrl, {
      ...(this.o.secrets ? { secrets: this.o.secrets } : {}),
      ...(url.userinfo ? { userinfo: url.userinfo } : {}),
    });
    const authorization = creds ? authorizationHeader(creds) : undefined;
    if (!fs.existsSync(join(gitdir, 'HEAD'))) {
      await fs.promises.mkdir(gitdir, { recursive: true });
      await git.init({ fs, gitdir, bare: true, defaultBranch: req.branch });
      // isomorphic-git's fetch records remote refs under a refspec, and needs one.
      await git.setConfig({ fs, gitdir, path: 'remote.origin.url', value: url.fetchUrl });
      await git.setConfig({
        fs,
        gitdir,
        path: 'remote.origin.fetch',
        value: '+refs/heads/*:refs/remotes/origin/*',
      });
    }
    const common: FetchCommon = {
      gitdir,
      url: url.fetchUrl,
      run: async (what, call) => {
        const op = new HttpOperation(this.o.http, {
          repo,
          ...(authorization ? { authorization } : {}),
          idleTimeoutMs: 30_000,
          operationTimeoutMs: this.o.timeoutMs ?? 120_000,
        });
        try {
          return await Promise.race([call(op.gitHttp), op.failed]);
        } catch (err) {
          if (op.error) throw gitFailure(repo, what, err, op);
          throw err;
        } finally {
          op.close();
        }
      },
    };
    const maxAttempts = this.o.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const base = await this.fetchBase(common, req, repo);
      const { commit } = await git.readCommit({ fs, gitdir, oid: base.oid });
      const edited = await editTree({ fs, gitdir }, commit.tree, req.path, req.refs);
      const revision = `${base.branch}@sha1:${base.oid}`;
      if (edited.tree === commit.tree) return { kind: 'unchanged', revision };
      const when = { timestamp: Math.floor(req.now.getTime() / 1000), timezoneOffset: 0 };
      const signature = { name: req.author.name, email: req.author.email, ...when };
      const oid = await git.writeCommit({
        fs,
        gitdir,
        commit: {
          tree: edited.tree,
          parent: [base.oid],
          author: signature,
          committer: signature,
          message: ensureNewline(await req.message(edited.changes)),
        },
      });
      const localRef = `refs/heads/${req.pushBranch}`;
      await git.writeRef({ fs, gitdir, ref: localRef, value: oid, force: true });
      const pushed = await this.push(common, localRef, req.pushBranch, repo);
      if (pushed === 'ok') {
        return {
          kind: 'pushed',
          commit: oid,
          revision: `${req.pushBranch}@sha1:${oid}`,
          changes: edited.changes,
          attempts: attempt,
        };
      }
      if (attempt >= maxAttempts) {
        throw imageError(
          ImageErrorCode.PushConflict,
          `repository ${repo}: branch ${req.pushBranch} moved during each of ${maxAttempts} push attempts`,
        );
      }
    }
  }

  /**
   * The commit to edit: the push branch's head when it already exists on the remote (a pull
   * request branch keeps collecting updates), else the checkout branch's head.
   */
  private async fetchBase(
    common: FetchCommon,
    req: GitUpdateRequest,
    repo: string,
  ): Promise<{ branch: string; oid: string }> {
    const fetchOne = async (branch: string): Promise<string | undefined> => {
      try {
        const r = await common.run(`fetch ${branch}`, (http) =>
          git.fetch({
            fs,
            http,
            gitdir: common.gitdir,
            url: common.url,
            ref: branch,
            singleBranch: true,
            tags: false,
          }),
        );
        return r.fetchHead ?? undefined;
      } catch (err) {
        if ((err as { code?: string }).code === 'NotFoundError') return undefined;
        if (isTrueupError(err)) throw err;
        throw gitFailure(repo, `fetch ${branch}`, err);
      }
    };
    if (req.pushBranch !== req.branch) {
      const oid = await fetchOne(req.pushBranch);
      if (oid) return { branch: req.pushBranch, oid };
    }
    const oid = await fetchOne(req.branch);
    if (!oid) {
      throw imageError(ImageErrorCode.BranchNotFound, `repository ${repo}: branch ${req.branch} not found`);
    }
    return { branch: req.branch, oid };
  }

  /** 'ok', or 'moved' when the remote branch moved since the fetch (retry on the new head). */
  private async push(
    common: FetchCommon,
    ref: string,
    branch: string,
    repo: string,
  ): Promise<'ok' | 'moved'> {
    try {
      const r = await common.run(`push ${branch}`, (http) =>
        git.push({
          fs,
          http,
          gitdir: common.gitdir,
          url: common.url,
          ref,
          remoteRef: `refs/heads/${branch}`,
        }),
      );
      if (r.ok) return 'ok';
      const why = Object.values(r.refs ?? {})
        .map((x) => x.error)
        .filter(Boolean)
        .join('; ');
      if (/fast-forward|fetch first|stale|lock/i.test(why)) return 'moved';
      throw imageError(ImageErrorCode.PushRejected, `repository ${repo}: push to ${branch} refused: ${why}`);
    } catch (err) {
      const code = (err as { code?: string; data?: { reason?: string } }).code;
      if (code === 'PushRejectedError' || code === 'NotFoundError') return 'moved';
      if (code === 'GitPushError') {
        const msg = String((err as Error).message);
        if (/fast-forward|fetch first|stale/i.test(msg)) return 'moved';
        throw imageError(
          ImageErrorCode.PushRejected,
          `repository ${repo}: push to ${branch} refused: ${msg}`,
        );
      }
      if (isTrueupError(err)) throw err;
      throw gitFailure(repo, `push ${branch}`, err);
    }
  }
}

interface FetchCommon {
  gitdir: string;
  url: string;
  /** Runs one network call with credentials, timeouts and typed errors (HttpOperation). */
  run<T>(what: string, call: (http: IsoHttpClient) => Promise<T>): Promise<T>;
}

const ensureNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

/** A work directory name for a repository (also used by tests to find it). */
export function workRepoKey(repoURL: string): string {
  return createHash('sha256').update(parseRepoUrl(repoURL).normalized).digest('hex').slice(0, 32);
}
