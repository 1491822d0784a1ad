import { createHash } from 'node:crypto';
import { SourceErrorCode, sourceError } from './errors.js';

/** A repository URL taken apart: what to fetch, what to show, what identifies it. */
export interface RepoUrl {
  /** The URL to fetch, without userinfo. */
  readonly fetchUrl: string;
  /**
   * The identity of the repository: lower-case scheme and host, no default port, no userinfo,
   * no trailing `/` or `.git`. Two spellings of one repository share a key, a cache entry and a
   * single-flight slot.
   */
  readonly normalized: string;
  /** A short, stable, file-name-safe hash of `normalized`: the cache directory name. */
  readonly cacheKey: string;
  /** Credentials written into the URL (`https://user:pass@host/...`), if any. */
  readonly userinfo?: { username: string; password: string };
}

const scpLike = /^[A-Za-z0-9._-]+@[^:/\s]+:/;

/** Parses and checks a repoURL; only http(s) is supported (isomorphic-git has no SSH). */
export function parseRepoUrl(raw: string): RepoUrl {
  const text = raw.trim();
  if (scpLike.test(text) || /^ssh:\/\//i.test(text) || /^git\+ssh:\/\//i.test(text)) {
    throw sourceError(
      SourceErrorCode.UnsupportedUrl,
      `repository ${redactUrl(text)}: SSH URLs are not supported; use an https:// URL with a token or username/password in a Secret`,
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw sourceError(SourceErrorCode.InvalidUrl, `repository ${redactUrl(text)}: not a valid URL`, cause);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw sourceError(
      SourceErrorCode.UnsupportedUrl,
      `repository ${redactUrl(text)}: the ${url.protocol.slice(0, -1)} transport is not supported; use https://`,
    );
  }
  if (!url.hostname) {
    throw sourceError(SourceErrorCode.InvalidUrl, `repository ${redactUrl(text)}: the URL has no host`);
  }
  const userinfo =
    url.username || url.password
      ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
      : undefined;
  url.username = '';
  url.password = '';
  url.hash = '';
  const fetchUrl = url.toString().replace(/\/+$/, '');
  const normalized = normalizeRepoUrl(fetchUrl);
  return {
    fetchUrl,
    normalized,
    cacheKey: createHash('sha256').update(normalized).digest('hex').slice(0, 32),
    ...(userinfo ? { userinfo } : {}),
  };
}

/**
 * The identity form of an http(s) URL (see RepoUrl.normalized). Invalid URLs are returned
 * trimmed and lower-cased, so this never throws (useful for GC and credential matching).
 */
export function normalizeRepoUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return raw.trim().toLowerCase();
  }
  url.username = '';
  url.password = '';
  url.hash = '';
  url.search = '';
  // URL already lower-cases scheme and host and drops default ports.
  let path = url.pathname.replace(/\/+$/, '');
  if (path.toLowerCase().endsWith('.git')) path = path.slice(0, -4);
  return `${url.protocol}//${url.host}${path}`;
}

/** The URL with any `user:password@` replaced by `***@`; safe for logs, errors and status. */
export function redactUrl(raw: string): string {
  const text = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(text);
  if (scheme) {
    const [, prefix, authority = '', rest] = scheme;
    const at = authority.lastIndexOf('@');
    return at < 0 ? text : `${prefix}***@${authority.slice(at + 1)}${rest}`;
  }
  // scp-like `user@host:path`: the user part is not a secret, keep it.
  return text;
}
