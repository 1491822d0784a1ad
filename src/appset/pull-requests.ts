/**
 * Lists the open pull requests of a GitHub or Gitea repository (Gitea's API has the same shape
 * for what is read here). The token comes from a Secret in the set's namespace and is sent only
 * in the Authorization header: never logged, never in an error. Network errors and 5xx are
 * transient (retried with backoff); 401/403/404 are the set's to fix.
 */
import type { PullRequestGenerator } from '../api/application-set-pull-request.js';
import { AppSetError, AppSetErrorCode, GeneratorError } from './errors.js';
import type { PullRequest } from './generators/pull-request.js';

export type Fetch = (
  url: string,
  init: { headers: Record<string, string>; signal?: AbortSignal },
) => Promise<{
  status: number;
  json(): Promise<unknown>;
}>;

export interface PullRequestDeps {
  fetch: Fetch;
  /** The value of `key` in Secret `namespace/name`, or undefined when either is missing. */
  secretValue(namespace: string, name: string, key: string): Promise<string | undefined>;
  timeoutMs?: number;
}

export interface PullRequestLister {
  list(namespace: string, gen: PullRequestGenerator): Promise<PullRequest[]>;
}

const PAGE = 50;
const MAX_PAGES = 40;

interface ApiPull {
  number?: unknown;
  title?: unknown;
  head?: { ref?: unknown; sha?: unknown };
  base?: { ref?: unknown };
  labels?: { name?: unknown }[];
  user?: { login?: unknown };
}

const s = (v: unknown) => (typeof v === 'string' ? v : '');

export class HttpPullRequests implements PullRequestLister {
  constructor(private readonly d: PullRequestDeps) {}

  async list(namespace: string, gen: PullRequestGenerator): Promise<PullRequest[]> {
    const github = gen.github;
    const gitea = gen.gitea;
    const repo = github ?? gitea;
    if (!repo) throw new GeneratorError('pullRequest', 'no provider set');
    const base = github
      ? `${(github.api ?? 'https://api.github.com').replace(/\/+$/, '')}/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}/pulls`
      : `${(gitea?.api ?? '').replace(/\/+$/, '')}/api/v1/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}/pulls`;
    const what = `${github ? 'GitHub' : 'Gitea'} ${repo.owner}/${repo.repo}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (repo.tokenRef) {
      const token = await this.d.secretValue(namespace, repo.tokenRef.secretName, repo.tokenRef.key);
      if (token === undefined)
        throw new GeneratorError(
          'pullRequest',
          `${what}: Secret ${namespace}/${repo.tokenRef.secretName} or its key ${repo.tokenRef.key} is missing`,
        );
      headers.Authorization = `token ${token.trim()}`;
    }
    const out: PullRequest[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const url = github
        ? `${base}?state=open&per_page=${PAGE}&page=${page}`
        : `${base}?state=open&limit=${PAGE}&page=${page}`;
      const items = await this.get(url, headers, what);
      for (const p of items) {
        const pr: PullRequest = {
          number: Number(p.number),
          title: s(p.title),
          branch: s(p.head?.ref),
          targetBranch: s(p.base?.ref),
          headSha: s(p.head?.sha),
          labels: (p.labels ?? []).map((l) => s(l.name)).filter(Boolean),
          author: s(p.user?.login),
        };
        if (!Number.isInteger(pr.number) || !pr.headSha)
          throw new GeneratorError(
            'pullRequest',
            `${what}: the API answered a pull request without number or head sha`,
          );
        if ((repo.labels ?? []).every((l) => pr.labels.includes(l))) out.push(pr);
      }
      if (items.length < PAGE) break;
    }
    return out.sort((a, b) => a.number - b.number);
  }

  private async get(url: string, headers: Record<string, string>, what: string): Promise<ApiPull[]> {
    let res: Awaited<ReturnType<Fetch>>;
    try {
      res = await this.d.fetch(url, { headers, signal: AbortSignal.timeout(this.d.timeoutMs ?? 30_000) });
    } catch (err) {
      throw new AppSetError(
        AppSetErrorCode.ProviderUnavailable,
        `pullRequest generator: ${what}: ${(err as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable'}`,
      );
    }
    if (res.status >= 500 || res.status === 429)
      throw new AppSetError(
        AppSetErrorCode.ProviderUnavailable,
        `pullRequest generator: ${what}: HTTP ${res.status}`,
      );
    if (res.status !== 200) {
      const hint =
        res.status === 401 || res.status === 403
          ? ' (check the token)'
          : res.status === 404
            ? ' (no such repository, or not visible with this token)'
            : '';
      throw new GeneratorError('pullRequest', `${what}: HTTP ${res.status}${hint}`);
    }
    const body = await res.json().catch(() => undefined);
    if (!Array.isArray(body))
      throw new GeneratorError('pullRequest', `${what}: the API did not answer a list`);
    return body as ApiPull[];
  }
}
