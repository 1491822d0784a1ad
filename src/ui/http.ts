/**
 * The UI's HTTP edge: static files, login/logout, the JSON API and the event stream.
 *
 * Security: without an accepted token nothing is served but the login page and its files. The
 * token comes from `Authorization: Bearer` (API clients) or the session cookie the login form
 * sets (`HttpOnly`, `SameSite=Strict`, `Secure` over TLS). Writes are POST only; with the cookie
 * they also need the CSRF header equal to the CSRF cookie (double submit) and, when the browser
 * sends one, a same-origin `Origin`. Every answer carries a strict Content-Security-Policy (no
 * inline script or style). Tokens are never logged: errors are reported by message only.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiDeps, handleApi } from './api.js';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from './shared/api-types.js';
import type { StaticFiles } from './static-files.js';
import type { StreamHub } from './stream.js';

export interface UiHandlerDeps {
  api: ApiDeps;
  stream: StreamHub;
  files: StaticFiles;
  /** Served over TLS (the cookies get `Secure`). */
  tls: boolean;
  onError?: (err: unknown) => void;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it, browsers send `Origin: null` on form posts, which the Origin check refuses.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
} as const;

const MAX_BODY = 64 * 1024;

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (k && !(k in out)) out[k] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

function cookie(
  name: string,
  value: string,
  o: { tls: boolean; httpOnly: boolean; maxAge?: number },
): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'SameSite=Strict',
    ...(o.httpOnly ? ['HttpOnly'] : []),
    ...(o.tls ? ['Secure'] : []),
    ...(o.maxAge !== undefined ? [`Max-Age=${o.maxAge}`] : []),
  ].join('; ');
}

/** Same origin: the `Origin` header (when the browser sends one) names this host. */
export function sameOrigin(req: Pick<IncomingMessage, 'headers'>, tls: boolean): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  return host !== undefined && (origin === `http${tls ? 's' : ''}://${host}` || origin === `https://${host}`);
}

export function isLoopbackHost(host: string | undefined): boolean {
  const name = (host ?? '').replace(/:\d+$/, '');
  return name === 'localhost' || name === '127.0.0.1' || name === '[::1]';
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(`${JSON.stringify(body)}\n`);
}

function redirect(res: ServerResponse, to: string, cookies: string[] = []) {
  res.writeHead(303, {
    ...SECURITY_HEADERS,
    location: to,
    'cache-control': 'no-store',
    ...(cookies.length ? { 'set-cookie': cookies } : {}),
  });
  res.end();
}

export function createUiHandler(d: UiHandlerDeps) {
  const onError = d.onError ?? (() => {});
  const { access } = d.api;

  const tokenOf = (req: IncomingMessage, cookies: Record<string, string>) => {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return { token: auth.slice(7).trim(), viaCookie: false };
    const t = cookies[SESSION_COOKIE];
    return t ? { token: t, viaCookie: true } : undefined;
  };

  async function login(req: IncomingMessage, res: ServerResponse) {
    if (!sameOrigin(req, d.tls)) return json(res, 403, { error: 'cross-origin login refused' });
    const body = (await readBody(req)) ?? '';
    const token = (
      req.headers['content-type']?.includes('json')
        ? String((JSON.parse(body || '{}') as { token?: unknown }).token ?? '')
        : (new URLSearchParams(body).get('token') ?? '')
    ).trim();
    const caller = await access.authenticate(token);
    if (!caller) return redirect(res, '/login?failed=1');
    const csrf = randomBytes(18).toString('base64url');
    redirect(res, '/', [
      cookie(SESSION_COOKIE, token, { tls: d.tls, httpOnly: true }),
      cookie(CSRF_COOKIE, csrf, { tls: d.tls, httpOnly: false }),
    ]);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const cookies = parseCookies(req.headers.cookie);
    // trueup ui acts with the user's own credentials: only for pages loaded from loopback
    // (a DNS-rebound name pointing at 127.0.0.1 does not get in).
    if (access.mode === 'kubeconfig' && !isLoopbackHost(req.headers.host))
      return json(res, 403, { error: 'trueup ui answers on localhost only' });
    if (method === 'GET' && (path === '/login' || d.files.isPublic(path)))
      return d.files.serve(req, res, path, SECURITY_HEADERS);
    if (path === '/login' && method === 'POST') return login(req, res);
    if (path === '/logout' && method === 'POST') {
      if (!sameOrigin(req, d.tls)) return json(res, 403, { error: 'cross-origin logout refused' });
      return redirect(res, '/login', [
        cookie(SESSION_COOKIE, '', { tls: d.tls, httpOnly: true, maxAge: 0 }),
        cookie(CSRF_COOKIE, '', { tls: d.tls, httpOnly: false, maxAge: 0 }),
      ]);
    }
    const cred = tokenOf(req, cookies);
    const caller =
      access.mode === 'kubeconfig'
        ? await access.authenticate(undefined)
        : await access.authenticate(cred?.token);
    const isApi = path.startsWith('/api/');
    if (!caller) {
      if (isApi) return json(res, 401, { error: 'a valid bearer token is required (log in at /login)' });
      return redirect(res, '/login');
    }
    if (!isApi) {
      if (method !== 'GET' && method !== 'HEAD') return json(res, 405, { error: `${method} ${path}` });
      return d.files.serve(req, res, d.files.has(path) ? path : '/index.html', SECURITY_HEADERS);
    }
    const segments = path.slice('/api/v1/'.length).split('/').filter(Boolean).map(decodeURIComponent);
    if (!path.startsWith('/api/v1/')) return json(res, 404, { error: `no route for ${method} ${path}` });
    if (method === 'POST') {
      // Every POST carries the custom header (a cross-site form cannot; fetch would need CORS,
      // which is never granted); with the ambient cookie it must also equal the CSRF cookie.
      const header = req.headers[CSRF_HEADER];
      const csrfOk =
        typeof header === 'string' && header !== '' && (!cred?.viaCookie || header === cookies[CSRF_COOKIE]);
      if (!csrfOk || !sameOrigin(req, d.tls))
        return json(res, 403, { error: `missing or wrong ${CSRF_HEADER} header, or cross-origin request` });
    } else if (method !== 'GET') {
      res.setHeader('allow', 'GET, POST');
      return json(res, 405, { error: `${method} is not allowed (GET reads, POST acts)` });
    }
    if (method === 'GET' && segments.length === 1 && segments[0] === 'stream') {
      res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
      return d.stream.open(caller, res, /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')));
    }
    let body: unknown;
    if (method === 'POST') {
      const text = await readBody(req);
      if (text === undefined) return json(res, 413, { error: `body larger than ${MAX_BODY} bytes` });
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        return json(res, 400, { error: 'the body is not JSON' });
      }
    }
    const r = await handleApi(d.api, { method, segments, body, caller });
    json(res, r.status, r.body);
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await handle(req, res);
    } catch (err) {
      onError(err);
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    }
  };
}
