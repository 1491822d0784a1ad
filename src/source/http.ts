import type { HttpClient as IsoHttpClient } from 'isomorphic-git';
import type { TrueupError } from '../api/errors.js';
import { SourceErrorCode, sourceError } from './errors.js';
import { redactUrl } from './url.js';

/** isomorphic-git's HTTP plugin shape (GitHttpRequest / GitHttpResponse), with an abort signal. */
export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  signal?: AbortSignal;
}
export interface HttpResponse {
  url: string;
  method?: string;
  statusCode: number;
  statusMessage: string;
  headers: Record<string, string>;
  body?: AsyncIterable<Uint8Array>;
}
/** The HTTP client dependency; `nodeHttpClient` (node-http.ts) is the production one. */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
}

export interface OperationOptions {
  /** The repository as shown in messages (redacted). */
  repo: string;
  /** Authorization header value, added to every request; never shown. */
  authorization?: string;
  /** No byte for this long → GitTimeout (a server stalling mid-pack). */
  idleTimeoutMs: number;
  /** The whole operation (all its requests) must finish within this. */
  operationTimeoutMs: number;
  /** Most bytes accepted in one upload-pack response (the repository size limit). */
  maxPackBytes?: number;
  /** Called for every request sent, before sending. */
  onRequest?: (method: string, url: string) => void;
}

/** A recorded ref advertisement, replayed to isomorphic-git's fetch so one poll costs one GET. */
export interface Advertisement {
  url: string;
  statusCode: number;
  statusMessage: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * One network operation (a ref query, a fetch) over an HttpClient: adds credentials, enforces
 * idle and total timeouts and the size limit, and turns every failure into a typed error whose
 * message names the repository and never the credentials. `failed` rejects with the first
 * failure, even one isomorphic-git swallows inside a stream; race it against the git call.
 */
export class HttpOperation {
  readonly client: HttpClient;
  readonly failed: Promise<never>;
  private firstError: TrueupError | undefined;
  private rejectFailed!: (err: TrueupError) => void;
  private readonly controller = new AbortController();
  private readonly deadline: NodeJS.Timeout;
  private advertisement: Advertisement | undefined;
  /** Pending waits to wake with the failure (a Set, not a handler per wait on `failed`). */
  private readonly waiters = new Set<(err: TrueupError) => void>();
  private replayable = false;

  constructor(
    private readonly base: HttpClient,
    private readonly options: OperationOptions,
  ) {
    this.failed = new Promise<never>((_, reject) => {
      this.rejectFailed = reject;
    });
    this.failed.catch(() => {});
    this.deadline = setTimeout(
      () =>
        this.fail(
          sourceError(
            SourceErrorCode.Timeout,
            `repository ${options.repo}: timed out after ${options.operationTimeoutMs} ms`,
          ),
        ),
      options.operationTimeoutMs,
    );
    this.deadline.unref?.();
    this.client = { request: (req) => this.request(req) };
  }

  /** The client in isomorphic-git's type (its iterators are structurally what we return). */
  get gitHttp(): IsoHttpClient {
    return this.client as unknown as IsoHttpClient;
  }

  /** The first failure seen, if any. */
  get error(): TrueupError | undefined {
    return this.firstError;
  }

  /** Record the next ref advertisement (read it with takeAdvertisement). */
  recordAdvertisement(): void {
    this.replayable = true;
  }

  /** The recorded advertisement, to hand to a later operation's `preloadAdvertisement`. */
  takeAdvertisement(): Advertisement | undefined {
    const ad = this.advertisement;
    this.advertisement = undefined;
    return ad;
  }

  /** Answers the next GET of the advertisement's URL from it instead of the network. */
  preloadAdvertisement(ad: Advertisement): void {
    this.advertisement = ad;
  }

  fail(err: TrueupError): TrueupError {
    if (!this.firstError) {
      this.firstError = err;
      this.rejectFailed(err);
      for (const waiter of this.waiters) waiter(err);
      this.waiters.clear();
      this.controller.abort();
    }
    return this.firstError;
  }

  close(): void {
    clearTimeout(this.deadline);
    this.controller.abort();
  }

  private async request(req: HttpRequest): Promise<HttpResponse> {
    if (this.firstError) throw this.firstError;
    const method = req.method ?? 'GET';
    const ad = this.advertisement;
    if (method === 'GET' && ad && ad.url === req.url) {
      this.advertisement = undefined;
      return { ...ad, url: req.url, method, body: oneChunk(ad.body) };
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) {
      if (k.toLowerCase() !== 'authorization') headers[k] = v;
    }
    if (this.options.authorization) headers.Authorization = this.options.authorization;
    this.options.onRequest?.(method, req.url);
    let res: HttpResponse;
    try {
      res = await this.withIdle(this.base.request({ ...req, headers, signal: this.controller.signal }));
    } catch (err) {
      throw this.fail(this.firstError ?? this.mapNetworkError(err));
    }
    if (res.statusCode !== 200) {
      throw this.fail(this.statusError(res.statusCode, method, res.headers.location));
    }
    const isPack = method === 'POST';
    const limit = isPack ? this.options.maxPackBytes : undefined;
    if (method === 'GET' && this.replayable && res.body) {
      this.replayable = false;
      const body = await this.readAll(res.body);
      this.advertisement = {
        url: req.url,
        statusCode: 200,
        statusMessage: res.statusMessage,
        headers: res.headers,
        body,
      };
      return { ...res, body: oneChunk(body) };
    }
    return res.body ? { ...res, body: this.guard(res.body, limit) } : res;
  }

  private async readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.guard(body, undefined)) parts.push(chunk);
    if (this.firstError) throw this.firstError;
    return Buffer.concat(parts);
  }

  /** Wraps a body: idle timeout between chunks, byte limit, typed errors. */
  private async *guard(
    body: AsyncIterable<Uint8Array>,
    limit: number | undefined,
  ): AsyncGenerator<Uint8Array> {
    const it = body[Symbol.asyncIterator]();
    let total = 0;
    try {
      for (;;) {
        let step: IteratorResult<Uint8Array>;
        try {
          step = await this.withIdle(it.next());
        } catch (err) {
          throw this.fail(this.firstError ?? this.mapNetworkError(err));
        }
        if (step.done) return;
        total += step.value.length;
        if (limit !== undefined && total > limit) {
          throw this.fail(
            sourceError(
              SourceErrorCode.RepoTooLarge,
              `repository ${this.options.repo}: the fetch exceeds the size limit of ${limit} bytes`,
            ),
          );
        }
        yield step.value;
      }
    } finally {
      if (this.firstError) await it.return?.().catch(() => undefined);
    }
  }

  private withIdle<T>(promise: Promise<T>): Promise<T> {
    const ms = this.options.idleTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          this.fail(
            sourceError(
              SourceErrorCode.Timeout,
              `repository ${this.options.repo}: the server sent nothing for ${ms} ms`,
            ),
          ),
        );
      }, ms);
      const onFail = (err: TrueupError) => {
        clearTimeout(timer);
        reject(err);
      };
      this.waiters.add(onFail);
      const settle = () => {
        clearTimeout(timer);
        this.waiters.delete(onFail);
      };
      promise.then(
        (v) => {
          settle();
          resolve(v);
        },
        (err: unknown) => {
          settle();
          reject(err);
        },
      );
    });
  }

  private statusError(status: number, method: string, location?: string): TrueupError {
    const repo = this.options.repo;
    const sent = this.options.authorization !== undefined;
    if (status === 401) {
      return sourceError(
        SourceErrorCode.AuthFailed,
        sent
          ? `repository ${repo}: the credentials were rejected (HTTP 401)`
          : `repository ${repo}: authentication required (HTTP 401) and no credentials are configured`,
      );
    }
    if (status === 403) {
      return sourceError(SourceErrorCode.Forbidden, `repository ${repo}: access denied (HTTP 403)`);
    }
    if (status >= 300 && status < 400) {
      return sourceError(
        SourceErrorCode.Redirected,
        `repository ${repo}: the server redirects (HTTP ${status})${location ? ` to ${redactUrl(location)}` : ''}; set repoURL to the new location`,
      );
    }
    if (status === 404 && method === 'GET') {
      return sourceError(SourceErrorCode.RepoNotFound, `repository ${repo}: not found (HTTP 404)`);
    }
    return sourceError(SourceErrorCode.ServerError, `repository ${repo}: the server answered HTTP ${status}`);
  }

  private mapNetworkError(err: unknown): TrueupError {
    const repo = this.options.repo;
    const code = (err as { code?: unknown } | undefined)?.code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
      return sourceError(
        SourceErrorCode.DnsFailure,
        `repository ${repo}: the host name does not resolve`,
        err,
      );
    }
    if (code === 'ECONNREFUSED') {
      return sourceError(SourceErrorCode.ConnectionRefused, `repository ${repo}: connection refused`, err);
    }
    if (
      typeof code === 'string' &&
      (code.startsWith('CERT_') ||
        code.includes('SELF_SIGNED') ||
        code.startsWith('UNABLE_TO_') ||
        code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    ) {
      return sourceError(
        SourceErrorCode.Tls,
        `repository ${repo}: the server's TLS certificate is not trusted (${code}); configure its CA`,
        err,
      );
    }
    if (code === 'ETIMEDOUT') {
      return sourceError(SourceErrorCode.Timeout, `repository ${repo}: the connection timed out`, err);
    }
    return sourceError(
      SourceErrorCode.Network,
      `repository ${repo}: the connection failed (${String(code ?? 'closed')})`,
      err,
    );
  }
}

async function* oneChunk(body: Buffer): AsyncGenerator<Uint8Array> {
  yield body;
}

// The production client lives in node-http.ts; re-exported here for existing importers.
export { createNodeHttpClient, type NodeHttpOptions, nodeHttpClient } from './node-http.js';
