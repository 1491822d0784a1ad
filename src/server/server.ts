/**
 * The controller's HTTP endpoint (node:http): `/metrics` (Prometheus text), `/healthz`
 * (liveness: the work loop and the watches make progress, see liveness.ts), `/readyz` (see
 * readiness.ts) and `POST /webhook` (Git push notifications, handled by the controller's
 * webhook handler, mounted here). Everything it serves comes in through `ServerDeps`.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TrueupError } from '../api/errors.js';
import type { Liveness } from './liveness.js';
import type { Readiness } from './readiness.js';

export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  /** The raw body, for HMAC verification. */
  body: Buffer;
}

export interface WebhookResponse {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
}

export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookResponse>;

export interface ServerDeps {
  metrics: { render(): Promise<string>; readonly contentType: string };
  readiness: () => Readiness;
  /** Liveness (see liveness.ts); default: live while the event loop answers. */
  liveness?: () => Liveness;
  webhook?: WebhookHandler;
  /** Called with errors raised while serving (a failing webhook handler, a metrics collector). */
  onError?: (err: unknown) => void;
}

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Largest webhook body accepted, in bytes. Default 5 MiB. */
  maxBodyBytes?: number;
}

export interface RunningServer {
  /** `http://host:port` */
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 5 * 1024 * 1024;

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createHandler(deps: ServerDeps, options: Pick<ServerOptions, 'maxBodyBytes'> = {}) {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const onError = deps.onError ?? (() => {});
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    const readOnly = method === 'GET' || method === 'HEAD';
    try {
      if (path === '/metrics' && readOnly) {
        send(res, 200, deps.metrics.contentType, await deps.metrics.render());
      } else if (path === '/healthz' && readOnly) {
        const l = deps.liveness?.() ?? { live: true, reasons: [] };
        const text = l.live ? 'ok' : l.reasons.join('\n') || 'not live';
        send(res, l.live ? 200 : 503, 'text/plain; charset=utf-8', `${text}\n`);
      } else if (path === '/readyz' && readOnly) {
        const r = deps.readiness();
        json(res, r.ready ? 200 : 503, r);
      } else if (path === '/webhook' && deps.webhook) {
        if (method !== 'POST') {
          res.setHeader('allow', 'POST');
          json(res, 405, { error: 'POST /webhook only' });
          return;
        }
        const body = await readBody(req, limit);
        if (body === undefined) {
          json(res, 413, { error: `webhook body larger than ${limit} bytes` });
          return;
        }
        const answer = await deps.webhook({ headers: req.headers, body });
        json(res, answer.status, answer.body ?? {});
      } else {
        json(res, 404, { error: `no route for ${method} ${path}` });
      }
    } catch (err) {
      onError(err);
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    }
  };
}

/** Starts listening; resolves once the port is bound. */
export function startServer(deps: ServerDeps, options: ServerOptions): Promise<RunningServer> {
  const handler = createHandler(deps, options);
  const server = createServer((req, res) => {
    void handler(req, res);
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '0.0.0.0';
  return new Promise((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new TrueupError('ServerListen', `HTTP server ${host}:${options.port}: ${err.message}`, {
          cause: err,
        }),
      ),
    );
    server.listen(options.port, host, () => {
      const { port } = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
