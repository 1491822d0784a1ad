import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import type { HttpClient, HttpRequest, HttpResponse } from './http.js';

export interface NodeHttpOptions {
  /** Extra trusted CA certificates (PEM) for servers with a private CA, added to Node's defaults. */
  ca?: string | readonly string[];
  /**
   * An HTTP proxy (`http://[user:pass@]host:port`): https URLs go through a CONNECT tunnel,
   * http URLs are sent to it in absolute form. The caller reads HTTPS_PROXY / HTTP_PROXY.
   */
  proxy?: string;
  /** Hosts (or `.domain` suffixes) reached directly; `*` disables the proxy (NO_PROXY). */
  noProxy?: readonly string[];
}

async function collect(body: HttpRequest['body']): Promise<Buffer | undefined> {
  if (!body) return undefined;
  const parts: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) parts.push(chunk);
  return Buffer.concat(parts);
}

/** True when `host` matches a NO_PROXY entry. */
export function bypassesProxy(host: string, noProxy: readonly string[]): boolean {
  const h = host.toLowerCase();
  return noProxy.some((raw) => {
    const entry = raw.trim().toLowerCase().replace(/:\d+$/, '');
    if (!entry) return false;
    if (entry === '*') return true;
    const suffix = entry.startsWith('.') ? entry : `.${entry}`;
    return h === entry.replace(/^\./, '') || h.endsWith(suffix);
  });
}

/** A plain node:http(s) client that honours AbortSignal (isomorphic-git's own does not). */
export function createNodeHttpClient(options: NodeHttpOptions = {}): HttpClient {
  const ca = options.ca === undefined ? undefined : [...tls.rootCertificates, ...[options.ca].flat()];
  const proxy = options.proxy ? new URL(options.proxy) : undefined;
  const noProxy = options.noProxy ?? [];
  return {
    request: (req) => {
      const target = new URL(req.url);
      const via = proxy && !bypassesProxy(target.hostname, noProxy) ? proxy : undefined;
      return send(req, ca, via);
    },
  };
}

/** The default client: Node's trusted CAs, no proxy. */
export const nodeHttpClient: HttpClient = createNodeHttpClient();

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(user).toString('base64')}` };
}

/** Opens a CONNECT tunnel through the proxy to host:port. */
function tunnel(proxy: URL, host: string, port: string, signal: AbortSignal | undefined): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: `${host}:${port}`,
      headers: { host: `${host}:${port}`, ...proxyAuthorization(proxy) },
      ...(signal ? { signal } : {}),
    });
    req.on('connect', (res, socket) => {
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(
          Object.assign(new Error(`proxy refused the tunnel: HTTP ${res.statusCode}`), { code: 'EPROXY' }),
        );
      }
    });
    req.on('error', reject);
    req.end();
  });
}

async function send(
  req: HttpRequest,
  ca: string[] | undefined,
  proxy: URL | undefined,
): Promise<HttpResponse> {
  const payload = await collect(req.body);
  const url = new URL(req.url);
  const isHttps = url.protocol === 'https:';
  const headers: Record<string, string> = { ...req.headers };
  if (payload) headers['content-length'] = String(payload.length);
  const method = req.method ?? 'GET';
  const signal = req.signal ? { signal: req.signal } : {};
  let request: http.ClientRequest;
  const respond = (resolve: (r: HttpResponse) => void) => (res: http.IncomingMessage) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    resolve({
      url: req.url,
      method,
      statusCode: res.statusCode ?? 0,
      statusMessage: res.statusMessage ?? '',
      headers: out,
      body: res,
    });
  };
  if (proxy && isHttps) {
    const socket = await tunnel(proxy, url.hostname, url.port || '443', req.signal);
    return new Promise<HttpResponse>((resolve, reject) => {
      request = https.request(
        url,
        {
          method,
          headers,
          ...signal,
          ...(ca ? { ca } : {}),
          createConnection: () => tls.connect({ socket, servername: url.hostname, ...(ca ? { ca } : {}) }),
        },
        respond(resolve),
      );
      request.on('error', reject);
      request.end(payload);
    });
  }
  return new Promise<HttpResponse>((resolve, reject) => {
    if (proxy) {
      request = http.request(
        {
          host: proxy.hostname,
          port: proxy.port || 80,
          method,
          path: url.toString(),
          headers: { ...headers, host: url.host, ...proxyAuthorization(proxy) },
          ...signal,
        },
        respond(resolve),
      );
    } else {
      request = (isHttps ? https.request : http.request)(
        url,
        { method, headers, ...signal, ...(isHttps && ca ? { ca } : {}) },
        respond(resolve),
      );
    }
    request.on('error', reject);
    request.end(payload);
  });
}
