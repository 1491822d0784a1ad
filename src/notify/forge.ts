/**
 * Commit statuses on GitHub, GitLab and Gitea: where the app's repository is on the forge, the
 * request that posts a state, and the read of the states already there (so a state is not
 * posted twice). Request building is pure; `postCommitStatus` does the I/O through HttpClient.
 */
import type { ProviderType } from '../api/notification.js';
import { NotifyError, NotifyErrorCode } from './errors.js';
import { checkResponse, type HttpClient, type HttpRequest } from './http.js';
import type { CommitState } from './match.js';

export interface ForgeTarget {
  type: Extract<ProviderType, 'github' | 'gitlab' | 'gitea'>;
  /** The API base: https://api.github.com, https://gitlab.com/api/v4, https://gitea.example/api/v1. */
  apiBase: string;
  /** owner/repo (GitLab: the full project path, groups included). */
  repo: string;
  token: string;
  ca?: string;
}

export interface CommitStatusPost {
  sha: string;
  state: CommitState;
  context: string;
  description: string;
  targetUrl?: string;
}

const DEFAULT_BASE: Record<ForgeTarget['type'], string | undefined> = {
  github: 'https://api.github.com',
  gitlab: 'https://gitlab.com',
  gitea: undefined,
};

/** The API base of a provider: GitHub's address is the API itself; GitLab's and Gitea's the site. */
export function apiBaseOf(type: ForgeTarget['type'], address: string | undefined): string {
  const base = (address ?? DEFAULT_BASE[type])?.replace(/\/+$/, '');
  if (!base)
    throw new NotifyError(NotifyErrorCode.BadAddress, `${type} needs spec.address (the site's base URL)`);
  if (type === 'gitlab') return base.endsWith('/api/v4') ? base : `${base}/api/v4`;
  if (type === 'gitea') return base.endsWith('/api/v1') ? base : `${base}/api/v1`;
  return base;
}

/** The repository an app's repoURL names: `owner/repo` (GitLab: `group/sub/repo`). */
export function repoOf(type: ForgeTarget['type'], repoURL: string): string {
  let url: URL;
  try {
    url = new URL(repoURL);
  } catch {
    throw new NotifyError(NotifyErrorCode.BadAddress, `repoURL ${repoURL} is not a URL`);
  }
  const parts = url.pathname
    .replace(/\.git\/?$/, '')
    .split('/')
    .filter(Boolean);
  if (parts.length < 2)
    throw new NotifyError(
      NotifyErrorCode.BadAddress,
      `repoURL ${url.host}${url.pathname} names no owner/repository`,
    );
  return type === 'gitlab' ? parts.join('/') : parts.slice(-2).join('/');
}

const GITLAB_STATE: Record<CommitState, string> = {
  pending: 'running',
  success: 'success',
  failure: 'failed',
};
// Descriptions: GitHub caps them at 140 characters.
const DESCRIPTION_MAX = 140;

function authHeaders(t: ForgeTarget): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json', 'user-agent': 'trueup' };
  if (t.type === 'gitlab') h['private-token'] = t.token;
  else if (t.type === 'gitea') h.authorization = `token ${t.token}`;
  else h.authorization = `Bearer ${t.token}`;
  return h;
}

const repoPath = (t: ForgeTarget) =>
  t.type === 'gitlab' ? `/projects/${encodeURIComponent(t.repo)}` : `/repos/${t.repo}`;

/** The request that posts one state. */
export function statusRequest(t: ForgeTarget, p: CommitStatusPost): HttpRequest {
  const description = p.description.slice(0, DESCRIPTION_MAX);
  const body =
    t.type === 'gitlab'
      ? {
          state: GITLAB_STATE[p.state],
          name: p.context,
          description,
          ...(p.targetUrl ? { target_url: p.targetUrl } : {}),
        }
      : {
          state: p.state,
          context: p.context,
          description,
          ...(p.targetUrl ? { target_url: p.targetUrl } : {}),
        };
  return {
    method: 'POST',
    url: `${t.apiBase}${repoPath(t)}/statuses/${p.sha}`,
    headers: { ...authHeaders(t), 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(t.ca ? { ca: t.ca } : {}),
  };
}

/** The request that lists a commit's statuses (newest first on all three forges). */
export function listRequest(t: ForgeTarget, sha: string, context: string): HttpRequest {
  const url =
    t.type === 'gitlab'
      ? `${t.apiBase}${repoPath(t)}/repository/commits/${sha}/statuses?name=${encodeURIComponent(context)}&per_page=100`
      : t.type === 'gitea'
        ? `${t.apiBase}${repoPath(t)}/commits/${sha}/statuses?sort=recentupdate&limit=50`
        : `${t.apiBase}${repoPath(t)}/commits/${sha}/statuses?per_page=100`;
  return { method: 'GET', url, headers: authHeaders(t), ...(t.ca ? { ca: t.ca } : {}) };
}

/** The newest state of `context` in a list answer, in our terms (undefined when none). */
export function latestState(body: string, context: string): CommitState | undefined {
  let list: unknown;
  try {
    list = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!Array.isArray(list)) return undefined;
  const mine = list.filter(
    (s): s is Record<string, unknown> =>
      typeof s === 'object' && s !== null && (s.context === context || s.name === context),
  );
  // Newest first by id (all three give numeric ids that grow), whatever order the server used.
  mine.sort((a, b) => Number(b.id ?? 0) - Number(a.id ?? 0));
  const newest = mine[0];
  if (!newest) return undefined;
  const raw = String(newest.state ?? newest.status ?? '');
  if (raw === 'running' || raw === 'pending' || raw === 'created') return 'pending';
  if (raw === 'success') return 'success';
  if (raw === 'failed' || raw === 'failure' || raw === 'error') return 'failure';
  return undefined;
}

/**
 * Posts `p` unless the commit's newest state for the context already is `p.state`.
 * Returns whether a state was posted.
 */
export async function postCommitStatus(
  http: HttpClient,
  t: ForgeTarget,
  p: CommitStatusPost,
  what: string,
  nowMs: () => number,
): Promise<'posted' | 'duplicate'> {
  const listed = await http(listRequest(t, p.sha, p.context));
  // A commit the forge does not know (404) fails on the post too, with its message.
  if (listed.status === 200 && latestState(listed.body, p.context) === p.state) return 'duplicate';
  if (listed.status !== 200 && listed.status !== 404) checkResponse(listed, what, nowMs());
  const res = await http(statusRequest(t, p));
  checkResponse(res, what, nowMs());
  return 'posted';
}
