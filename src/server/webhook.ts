/**
 * `POST /webhook`: GitHub, Gitea and GitLab push notifications. The signature is checked
 * (GitHub/Gitea: HMAC-SHA256 of the raw body; GitLab: the shared token), the payload is read
 * for the repository URLs and the pushed ref, and the Applications on that repository and
 * branch are refreshed at once instead of at their next poll. Mounted by src/server.
 *
 * Safe by default: without a configured secret every request is refused (403), unless the
 * operator explicitly accepts unsigned pushes (`--webhook-insecure`). An unauthenticated
 * endpoint that makes the controller fetch from Git on demand is a denial-of-service lever.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Application } from '../api/application.js';
import { sourcesOf } from '../api/sources.js';

export type Provider = 'github' | 'gitea' | 'gitlab';

export interface PushEvent {
  provider: Provider;
  /** Every URL the payload gives for the repository. */
  repoURLs: string[];
  /** Set for a branch push. */
  branch?: string;
  /** Set for a tag push. */
  tag?: string;
  defaultBranch?: string;
}

export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface WebhookResponse {
  status: number;
  body?: unknown;
}

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

export function providerOf(h: IncomingHttpHeaders): { provider: Provider; event: string } | undefined {
  // Gitea also sends X-GitHub-Event: look at its own header first.
  const gitea = header(h, 'x-gitea-event');
  if (gitea) return { provider: 'gitea', event: gitea };
  const gitlab = header(h, 'x-gitlab-event');
  if (gitlab) return { provider: 'gitlab', event: gitlab };
  const github = header(h, 'x-github-event');
  if (github) return { provider: 'github', event: github };
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether the request carries a valid signature (token for GitLab) for `secret`. */
export function verifySignature(
  provider: Provider,
  h: IncomingHttpHeaders,
  body: Buffer,
  secret: string,
): boolean {
  if (provider === 'gitlab') {
    const token = header(h, 'x-gitlab-token');
    return token !== undefined && safeEqual(token, secret);
  }
  const hex = createHmac('sha256', secret).update(body).digest('hex');
  const sig256 = header(h, 'x-hub-signature-256');
  if (sig256) return safeEqual(sig256, `sha256=${hex}`);
  const giteaSig = header(h, 'x-gitea-signature');
  if (provider === 'gitea' && giteaSig) return safeEqual(giteaSig, hex);
  return false;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Reads a push payload; undefined when it is not a push. */
export function parsePush(provider: Provider, event: string, payload: unknown): PushEvent | undefined {
  const isPush = provider === 'gitlab' ? /^(Push|Tag Push) Hook$/.test(event) : event === 'push';
  if (!isPush || typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, Record<string, unknown> | unknown>;
  const ref = str(p.ref) ?? '';
  const urls: (string | undefined)[] = [];
  let defaultBranch: string | undefined;
  const repo = (p.repository ?? {}) as Record<string, unknown>;
  if (provider === 'gitlab') {
    const project = (p.project ?? {}) as Record<string, unknown>;
    urls.push(str(project.web_url), str(project.git_http_url), str(repo.homepage), str(repo.git_http_url));
    defaultBranch = str(project.default_branch);
  } else {
    urls.push(str(repo.html_url), str(repo.clone_url), str(repo.url));
    defaultBranch = str(repo.default_branch);
  }
  const out: PushEvent = { provider, repoURLs: [...new Set(urls.filter((u): u is string => !!u))] };
  if (ref.startsWith('refs/heads/')) out.branch = ref.slice('refs/heads/'.length);
  else if (ref.startsWith('refs/tags/')) out.tag = ref.slice('refs/tags/'.length);
  if (defaultBranch) out.defaultBranch = defaultBranch;
  return out;
}

/** `https://Host/org/repo.git/` and `https://user@host/org/repo` compare equal. */
export function normalizeURL(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
    return `${u.hostname.toLowerCase()}${u.port ? `:${u.port}` : ''}${path}`.toLowerCase();
  } catch {
    return url
      .toLowerCase()
      .replace(/\/+$/, '')
      .replace(/\.git$/, '');
  }
}

/**
 * Whether a push concerns the app: one of its sources (spec.source, or any of spec.sources, refs
 * included) is on the pushed repository and its targetRevision follows the pushed ref.
 */
export function pushMatches(push: PushEvent, app: Application): boolean {
  return sourcesOf(app.spec).some((s) => sourceMatches(push, s.repoURL, s.targetRevision));
}

function sourceMatches(push: PushEvent, repoURL: string, targetRevision: string | undefined): boolean {
  const mine = normalizeURL(repoURL);
  if (!push.repoURLs.some((u) => normalizeURL(u) === mine)) return false;
  const rev = targetRevision ?? 'HEAD';
  if (push.tag !== undefined) {
    // Tags move semver ranges and tag targets; a branch-tracking app is untouched.
    return rev !== 'HEAD' && rev !== push.defaultBranch && !/^[0-9a-f]{40}$/.test(rev);
  }
  if (push.branch === undefined) return false;
  if (rev === push.branch || rev === `refs/heads/${push.branch}`) return true;
  return rev === 'HEAD' && (push.defaultBranch === undefined || push.defaultBranch === push.branch);
}

export interface WebhookDeps {
  /** The shared secret; empty: every request is refused unless `insecure`. */
  secret: string;
  /** Accept unsigned requests when no secret is configured (`--webhook-insecure`). */
  insecure?: boolean;
  /** Refreshes the apps the predicate selects; returns their keys. */
  refresh: (match: (app: Application) => boolean) => string[];
}

/** Why a request is refused when no secret is configured (names the settings, never a value). */
export const NO_SECRET =
  'webhook refused: no secret is configured (set TRUEUP_WEBHOOK_SECRET, or pass --webhook-insecure to accept unsigned pushes)';

export function createWebhookHandler(deps: WebhookDeps): (req: WebhookRequest) => Promise<WebhookResponse> {
  return async (req) => {
    if (!deps.secret && !deps.insecure) return { status: 403, body: { error: NO_SECRET } };
    const who = providerOf(req.headers);
    if (!who)
      return { status: 400, body: { error: 'not a GitHub, GitLab or Gitea webhook (no event header)' } };
    if (deps.secret && !verifySignature(who.provider, req.headers, req.body, deps.secret)) {
      const what = who.provider === 'gitlab' ? 'token' : 'signature';
      return {
        status: 401,
        body: { error: `${who.provider} webhook: ${what} missing or not matching the configured secret` },
      };
    }
    let payload: unknown;
    try {
      payload = JSON.parse(req.body.toString('utf8'));
    } catch {
      return { status: 400, body: { error: `${who.provider} webhook: body is not JSON` } };
    }
    const push = parsePush(who.provider, who.event, payload);
    if (!push) return { status: 200, body: { ignored: who.event } };
    const refreshed = deps.refresh((app) => pushMatches(push, app));
    return { status: 200, body: { refreshed } };
  };
}
