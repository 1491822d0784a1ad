/**
 * An OCI Distribution client (the registry HTTP API v2) over `fetch`: manifests by tag or
 * digest, blobs verified by digest, tag lists with `Link` pagination. Auth as registries do it:
 * a request goes out with what worked before; a `401` with a `WWW-Authenticate: Bearer` challenge
 * is answered by a token from the realm (basic credentials if any, anonymous otherwise), cached
 * per registry, scope and credentials until it expires; a `Basic` challenge is answered with the
 * credentials. Every failure is an OciError with a retry class (429 and 5xx: transient, with
 * Retry-After when given); no retry loop here, the caller's back-off decides.
 *
 * Shared by charts from OCI registries (src/chart-source) and image scanning (issue #16).
 */
import { discard, readBounded, sha256Digest } from './body.js';
import {
  type Challenge,
  nextLink,
  parseChallenges,
  pickChallenge,
  pullScope,
  tokenUrl,
} from './challenge.js';
import type { RegistryCredentials } from './docker-config.js';
import { OciError, OciErrorCode, ociError, statusError } from './errors.js';
import {
  apiHost,
  apiRepository,
  describeRepository,
  isDigest,
  isLoopbackRegistry,
  isTag,
  type OciRepository,
} from './reference.js';

export type FetchFn = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface OciLimits {
  /** Most bytes of one manifest (the spec suggests registries accept at least 4 MiB). */
  maxManifestBytes: number;
  /** Most bytes of a blob unless the call names its own budget. */
  maxBlobBytes: number;
  /** Most bytes of one tag-list page, and most tags over all pages. */
  maxTagPageBytes: number;
  maxTags: number;
  /** Most bytes of a token response. */
  maxTokenBytes: number;
}

export const defaultOciLimits: OciLimits = {
  maxManifestBytes: 4 * 1024 * 1024,
  maxBlobBytes: 64 * 1024 * 1024,
  maxTagPageBytes: 4 * 1024 * 1024,
  maxTags: 100_000,
  maxTokenBytes: 1024 * 1024,
};

export interface OciClientOptions {
  fetch?: FetchFn;
  now?: () => number;
  /** Registries spoken to over plain HTTP (default: loopback hosts only). */
  plainHttp?: (registry: string) => boolean;
  /** Each request (headers and body) must finish within this. Default 60 s. */
  requestTimeoutMs?: number;
  limits?: Partial<OciLimits>;
  /** Most tokens kept (oldest dropped first). Default 1000. */
  maxCachedTokens?: number;
}

export interface CallOptions {
  credentials?: RegistryCredentials | undefined;
  /** Speak plain HTTP to this registry (Argo CD's insecureOCIForceHttp), whatever the client's default. */
  plainHttp?: boolean;
}

export interface Manifest {
  /** The manifest's digest (computed from its bytes, checked against the registry's). */
  digest: string;
  mediaType: string;
  bytes: Uint8Array;
  json: unknown;
}

export const MediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

const MAX_REDIRECTS = 5;
/** A token is refreshed this long before it says it expires. */
const TOKEN_MARGIN_MS = 10_000;

interface CachedAuth {
  header: string;
  expiresAt: number;
}

function basicHeader(c: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

/** Tokens are cached per credentials without keeping them readable in the key. */
function credentialsId(c: RegistryCredentials | undefined): string {
  return c ? sha256Digest(Buffer.from(`${c.username}\0${c.password}`)).slice(7, 23) : 'anonymous';
}

export class OciClient {
  private readonly fetchFn: FetchFn;
  private readonly now: () => number;
  private readonly plainHttp: (registry: string) => boolean;
  private readonly timeoutMs: number;
  readonly limits: OciLimits;
  private readonly maxTokens: number;
  private readonly auth = new Map<string, CachedAuth>();
  /** Requests sent and tokens fetched (for tests and metrics). */
  readonly counters = { requests: 0, tokens: 0 };

  constructor(options: OciClientOptions = {}) {
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    this.plainHttp = options.plainHttp ?? isLoopbackRegistry;
    this.timeoutMs = options.requestTimeoutMs ?? 60_000;
    this.limits = { ...defaultOciLimits, ...options.limits };
    this.maxTokens = options.maxCachedTokens ?? 1000;
  }

  /** `http(s)://host/v2/<repository>/<suffix>`. */
  url(repo: OciRepository, suffix: string, plainHttp?: boolean): string {
    const scheme = (plainHttp ?? this.plainHttp(repo.registry)) ? 'http' : 'https';
    return `${scheme}://${apiHost(repo.registry)}/v2/${apiRepository(repo)}/${suffix}`;
  }

  /** A manifest by tag or digest; `accept` lists the media types wanted (first preferred). */
  async manifest(
    repo: OciRepository,
    reference: string,
    accept: readonly string[],
    options: CallOptions = {},
  ): Promise<Manifest> {
    if (!isTag(reference) && !isDigest(reference))
      throw ociError(
        OciErrorCode.InvalidReference,
        `${describeRepository(repo)}: ${reference} is neither a tag nor a sha256 digest`,
      );
    const what = `manifest ${reference} of ${describeRepository(repo)}`;
    const res = await this.get(
      repo,
      this.url(repo, `manifests/${reference}`, options.plainHttp),
      options.credentials,
      what,
      {
        accept: accept.join(', '),
      },
    );
    const bytes = await readBounded(res, this.limits.maxManifestBytes, what);
    const digest = sha256Digest(bytes);
    const announced = res.headers.get('docker-content-digest');
    const expected = isDigest(reference)
      ? reference
      : announced?.startsWith('sha256:')
        ? announced
        : undefined;
    if (expected && expected !== digest)
      throw ociError(
        OciErrorCode.DigestMismatch,
        `${what}: received bytes of digest ${digest}, expected ${expected}`,
      );
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw ociError(OciErrorCode.ProtocolError, `${what}: not JSON`);
    }
    const mediaType =
      (json as { mediaType?: unknown }).mediaType ?? res.headers.get('content-type')?.split(';')[0]?.trim();
    if (typeof mediaType !== 'string') throw ociError(OciErrorCode.ProtocolError, `${what}: no media type`);
    return { digest, mediaType, bytes, json };
  }

  /** A blob, verified against its digest; `maxBytes` defaults to limits.maxBlobBytes. */
  async blob(
    repo: OciRepository,
    digest: string,
    options: CallOptions & { maxBytes?: number } = {},
  ): Promise<Uint8Array> {
    if (!isDigest(digest))
      throw ociError(
        OciErrorCode.InvalidReference,
        `${describeRepository(repo)}: blob ${digest} is not a sha256 digest`,
      );
    const what = `blob ${digest} of ${describeRepository(repo)}`;
    const res = await this.get(
      repo,
      this.url(repo, `blobs/${digest}`, options.plainHttp),
      options.credentials,
      what,
    );
    const bytes = await readBounded(res, options.maxBytes ?? this.limits.maxBlobBytes, what);
    const got = sha256Digest(bytes);
    if (got !== digest)
      throw ociError(OciErrorCode.DigestMismatch, `${what}: received bytes of digest ${got}`);
    return bytes;
  }

  /** Every tag of a repository, following `Link` pages, within maxTags. */
  async tags(repo: OciRepository, options: CallOptions & { pageSize?: number } = {}): Promise<string[]> {
    const what = `tags of ${describeRepository(repo)}`;
    const first = new URL(this.url(repo, 'tags/list', options.plainHttp));
    if (options.pageSize) first.searchParams.set('n', String(options.pageSize));
    const out: string[] = [];
    let next: string | undefined = first.toString();
    const seen = new Set<string>();
    while (next) {
      if (seen.has(next)) throw ociError(OciErrorCode.ProtocolError, `${what}: the Link header loops`);
      seen.add(next);
      const res = await this.get(repo, next, options.credentials, what);
      const bytes = await readBounded(res, this.limits.maxTagPageBytes, what);
      let page: { tags?: unknown };
      try {
        page = JSON.parse(Buffer.from(bytes).toString('utf8')) as { tags?: unknown };
      } catch {
        throw ociError(OciErrorCode.ProtocolError, `${what}: not JSON`);
      }
      const tags = page.tags ?? [];
      if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))
        throw ociError(OciErrorCode.ProtocolError, `${what}: "tags" is not a list of strings`);
      out.push(...(tags as string[]));
      if (out.length > this.limits.maxTags)
        throw ociError(OciErrorCode.TooLarge, `${what}: more than ${this.limits.maxTags} tags`);
      next = nextLink(res.headers.get('link'), next);
    }
    return out;
  }

  /** Drops cached tokens (all, or one registry's): a hard refresh. */
  forget(registry?: string): void {
    for (const key of this.auth.keys())
      if (!registry || key.startsWith(`${registry}\n`)) this.auth.delete(key);
  }

  /** A GET that answers auth challenges; resolves with a 2xx response or throws an OciError. */
  private async get(
    repo: OciRepository,
    url: string,
    credentials: RegistryCredentials | undefined,
    what: string,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const scope = pullScope(apiRepository(repo));
    const key = `${repo.registry}\n${scope}\n${credentialsId(credentials)}`;
    let auth = this.cachedAuth(key);
    for (let attempt = 0; ; attempt++) {
      const res = await this.send(url, { ...headers, ...(auth ? { authorization: auth } : {}) }, what);
      if (res.status >= 200 && res.status < 300) return res;
      await discard(res);
      const challenge =
        res.status === 401
          ? pickChallenge(parseChallenges(res.headers.get('www-authenticate') ?? ''))
          : undefined;
      if (attempt > 0 || !challenge || (challenge.scheme === 'basic' && !credentials)) {
        throw statusError(what, res.status, res.headers.get('retry-after'));
      }
      const answer =
        challenge.scheme === 'basic' && credentials
          ? { header: basicHeader(credentials), expiresAt: Number.POSITIVE_INFINITY }
          : await this.token(challenge, scope, credentials, what);
      auth = answer.header;
      this.remember(key, answer);
    }
  }

  private cachedAuth(key: string): string | undefined {
    const hit = this.auth.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.auth.delete(key);
      return undefined;
    }
    return hit.header;
  }

  private remember(key: string, auth: CachedAuth): void {
    this.auth.delete(key);
    this.auth.set(key, auth);
    while (this.auth.size > this.maxTokens) {
      const oldest = this.auth.keys().next().value;
      if (oldest === undefined) break;
      this.auth.delete(oldest);
    }
  }

  /** A bearer token from the challenge's realm (scope from the challenge, else pull). */
  private async token(
    challenge: Challenge,
    fallbackScope: string,
    credentials: RegistryCredentials | undefined,
    what: string,
  ): Promise<CachedAuth> {
    let url: URL;
    try {
      url = tokenUrl(challenge, [challenge.params.scope ?? fallbackScope]);
    } catch {
      throw ociError(
        OciErrorCode.TokenFailed,
        `${what}: the registry's bearer challenge has no usable realm`,
      );
    }
    const where = `${what}: token from ${url.origin}${url.pathname}`;
    this.counters.tokens++;
    const res = await this.send(
      url.toString(),
      credentials ? { authorization: basicHeader(credentials) } : {},
      where,
    );
    if (res.status === 401 || res.status === 403) {
      await discard(res);
      throw new OciError(
        OciErrorCode.AuthFailed,
        `${where}: ${res.status} (${credentials ? 'the credentials were refused' : 'anonymous access refused; credentials needed'})`,
        { status: res.status },
      );
    }
    if (res.status < 200 || res.status >= 300) {
      await discard(res);
      throw statusError(where, res.status, res.headers.get('retry-after'));
    }
    const bytes = await readBounded(res, this.limits.maxTokenBytes, where);
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(Buffer.from(bytes).toString('utf8')) as typeof body;
    } catch {
      throw ociError(OciErrorCode.TokenFailed, `${where}: not JSON`);
    }
    const token = typeof body.token === 'string' && body.token ? body.token : body.access_token;
    if (typeof token !== 'string' || !token)
      throw ociError(OciErrorCode.TokenFailed, `${where}: no token in the answer`);
    // The spec's default lifetime is 60 s when expires_in is missing.
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    return { header: `Bearer ${token}`, expiresAt: this.now() + seconds * 1000 - TOKEN_MARGIN_MS };
  }

  /**
   * One GET with redirects followed by hand (blobs are often served from a storage host):
   * the Authorization header is kept only while the origin stays the same.
   */
  private async send(url: string, headers: Record<string, string>, what: string): Promise<Response> {
    let current = url;
    let sendHeaders = headers;
    const origin = new URL(url).origin;
    for (let hop = 0; ; hop++) {
      this.counters.requests++;
      let res: Response;
      try {
        res = await this.fetchFn(current, {
          method: 'GET',
          headers: sendHeaders,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        throw networkError(what, err, this.timeoutMs);
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return res;
      await discard(res);
      if (hop >= MAX_REDIRECTS)
        throw ociError(OciErrorCode.ProtocolError, `${what}: more than ${MAX_REDIRECTS} redirects`);
      current = new URL(location, current).toString();
      if (new URL(current).origin !== origin) {
        const { authorization: _dropped, ...rest } = sendHeaders;
        sendHeaders = rest;
      }
    }
  }
}

function networkError(what: string, err: unknown, timeoutMs: number): OciError {
  const name = (err as { name?: unknown })?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new OciError(OciErrorCode.Timeout, `${what}: no answer within ${timeoutMs} ms`);
  const cause = (err as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const detail =
    code ?? (typeof cause?.message === 'string' ? cause.message : String((err as Error)?.message ?? err));
  return new OciError(OciErrorCode.Network, `${what}: ${detail}`);
}
