/**
 * HTTP to the API server over a KubeConnection (its URL, TLS, auth headers, proxy): raw JSON in
 * and out (no typed model round-trip, so unknown fields and int-or-string values pass untouched)
 * over a keep-alive agent, so a thousand applies reuse a few TLS connections.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { TrueupError } from '../api/errors.js';
import type { KubeConnection } from './connection.js';
import { apiError, isKubeApiError, networkError } from './errors.js';
import { HttpsTunnelAgent, HttpTunnelAgent } from './proxy-tunnel.js';
import { readLines, WATCH_COALESCE_MS, type WatchTimer } from './watch-lines.js';

export interface RawResponse {
  status: number;
  body: unknown;
  /** Seconds from a Retry-After header (429/503), when the server sent one. */
  retryAfterSeconds?: number;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  /** What the request is about, for error messages. */
  subject: string;
  /** Extra headers (impersonation); a list value sends the header once per item. */
  headers?: Record<string, string | string[]>;
}

export interface Transport {
  /** Sends a request; resolves for any HTTP status (the caller maps non-2xx); rejects on network errors. */
  send(spec: RequestSpec): Promise<RawResponse>;
  /** Sends a request and streams the response body line by line (watch). */
  stream(spec: RequestSpec, onLine: (line: string) => void, signal?: AbortSignal): Promise<void>;
  close(): void;
}

function urlFor(server: string, spec: RequestSpec): URL {
  const url = new URL(server.replace(/\/+$/, '') + spec.path);
  for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

/** A request (not a watch) whose connection stays silent this long fails as a transient network error. */
const REQUEST_IDLE_TIMEOUT_MS = 60_000;

export interface WatchReadOptions {
  /**
   * How long a watch leaves its body unread after a read while events keep coming, so the next
   * read takes them all at once (watch-lines.ts); 0 reads each chunk as it arrives. Default 100.
   */
  coalesceMs?: number;
  /** The window's timer (default: the process's). */
  timer?: WatchTimer;
}

const processTimer: WatchTimer = {
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

/**
 * `requestTimeoutMs`: how long a request (not a watch) may stay silent; a remote cluster gets a
 * shorter bound than the controller's own, so one that hangs holds a worker only that long.
 */
export async function createTransport(
  source: KubeConnection | KubeConfig,
  maxSockets = 32,
  requestTimeoutMs = REQUEST_IDLE_TIMEOUT_MS,
  watchRead: WatchReadOptions = {},
): Promise<Transport> {
  const coalesceMs = watchRead.coalesceMs ?? WATCH_COALESCE_MS;
  if (!Number.isFinite(coalesceMs) || coalesceMs < 0) {
    throw new TrueupError(
      'KubeClientOptionInvalid',
      `watch coalescing window: ${coalesceMs} ms is not a duration`,
    );
  }
  const lineReader = { coalesceMs, timer: watchRead.timer ?? processTimer };
  // A client-node KubeConfig (tests, benches, embedders) is read through its own methods; the
  // module itself is loaded by whoever made the object, never here.
  const conn =
    'getCurrentCluster' in source
      ? await (await import('./client-node-connection.js')).connectionOfKubeConfig(source)
      : source;
  const server = conn.server;
  const isHttps = server.startsWith('https:');
  const agentOptions: https.AgentOptions = { keepAlive: true, maxSockets };
  if (conn.tls.ca) agentOptions.ca = conn.tls.ca;
  if (conn.tls.cert) agentOptions.cert = conn.tls.cert;
  if (conn.tls.key) agentOptions.key = conn.tls.key;
  if (conn.tls.insecureSkipVerify) agentOptions.rejectUnauthorized = false;
  if (conn.tls.serverName) agentOptions.servername = conn.tls.serverName;
  const proxy = conn.proxyUrl ? new URL(conn.proxyUrl) : undefined;
  const makeAgent = (keepAlive: boolean): http.Agent => {
    const options = keepAlive ? agentOptions : { ...agentOptions, keepAlive: false };
    if (proxy) return isHttps ? new HttpsTunnelAgent(proxy, options) : new HttpTunnelAgent(proxy, options);
    return isHttps
      ? new https.Agent(options)
      : new http.Agent({ keepAlive, ...(keepAlive ? { maxSockets } : {}) });
  };
  const agent = makeAgent(true);
  const streamAgent = makeAgent(false);
  const auth = conn.auth;

  async function headersFor(spec: RequestSpec): Promise<http.OutgoingHttpHeaders> {
    const authHeaders = auth.kind === 'static' ? auth.headers : await auth.headers();
    const headers: http.OutgoingHttpHeaders = { ...authHeaders, ...spec.headers, Accept: 'application/json' };
    if (spec.body !== undefined) headers['Content-Type'] = spec.contentType ?? 'application/json';
    return headers;
  }

  function open(
    spec: RequestSpec,
    headers: http.OutgoingHttpHeaders,
    useAgent: http.Agent,
    signal?: AbortSignal,
    idleTimeoutMs?: number,
  ): Promise<http.IncomingMessage> {
    const url = urlFor(server, spec);
    const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
    return new Promise((resolve, reject) => {
      const mod = isHttps ? https : http;
      const req = mod.request(url, {
        method: spec.method,
        headers,
        agent: useAgent,
        ...(signal ? { signal } : {}),
      });
      req.on('response', resolve);
      req.on('error', (err) => reject(networkError(spec.subject, err)));
      if (idleTimeoutMs) {
        req.setTimeout(idleTimeoutMs, () =>
          req.destroy(new Error(`no answer within ${idleTimeoutMs / 1000}s`)),
        );
      }
      req.end(payload);
    });
  }

  return {
    async send(spec) {
      const res = await open(spec, await headersFor(spec), agent, undefined, requestTimeoutMs);
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', resolve);
        res.on('error', (err) => reject(networkError(spec.subject, err)));
      });
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      if (text && (res.headers['content-type'] ?? '').includes('json')) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const out: RawResponse = { status: res.statusCode ?? 0, body };
      const retryAfter = Number(res.headers['retry-after']);
      if (Number.isFinite(retryAfter) && retryAfter >= 0) out.retryAfterSeconds = retryAfter;
      return out;
    },
    async stream(spec, onLine, signal) {
      let res: http.IncomingMessage;
      try {
        res = await open(spec, await headersFor(spec), streamAgent, signal);
      } catch (err) {
        if (signal?.aborted) return;
        throw err;
      }
      if ((res.statusCode ?? 0) >= 300) {
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {}
        throw apiError(spec.subject, res.statusCode ?? 0, body);
      }
      try {
        await readLines(res, onLine, lineReader);
      } catch (err) {
        if (signal?.aborted) return;
        // What onLine throws (a watch ERROR event: 410 Gone means relist) is the server's answer,
        // not a broken connection: pass it on with its code.
        if (isKubeApiError(err)) throw err;
        throw networkError(spec.subject, err);
      }
    },
    close() {
      agent.destroy();
      streamAgent.destroy();
    },
  };
}

/**
 * The same connection, with every request made as `user` (Kubernetes impersonation: the API
 * server authorises and audits it as that user; a ServiceAccount user gets its groups). The
 * caller's own identity needs the `impersonate` verb on it.
 */
export function impersonatingTransport(transport: Transport, user: string): Transport {
  const withUser = (spec: RequestSpec): RequestSpec => ({
    ...spec,
    headers: { ...spec.headers, 'Impersonate-User': user },
  });
  return {
    send: (spec) => transport.send(withUser(spec)),
    stream: (spec, onLine, signal) => transport.stream(withUser(spec), onLine, signal),
    // The connection belongs to the transport it wraps.
    close: () => {},
  };
}
