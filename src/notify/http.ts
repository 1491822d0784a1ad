/**
 * The one HTTP call providers make: a request with an optional extra CA bundle, a timeout and a
 * bounded response body. Errors never carry the URL (webhook URLs are secrets): callers name the
 * provider instead.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { NotifyError, NotifyErrorCode, retryAfterMs } from './errors.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** PEM CA bundle trusted besides the system's. */
  ca?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

export type HttpClient = (req: HttpRequest) => Promise<HttpResponse>;

const MAX_BODY = 256 * 1024;
const TIMEOUT_MS = 15_000;

export const nodeHttpClient: HttpClient = (req) =>
  new Promise((resolve, reject) => {
    const url = new URL(req.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const r = send(
      url,
      {
        method: req.method,
        headers: {
          ...req.headers,
          ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}),
        },
        timeout: TIMEOUT_MS,
        ...(req.ca && url.protocol === 'https:' ? { ca: [...rootCertificates, req.ca] } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk;
        });
        res.on('end', () => {
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers, body });
        });
        res.on('error', (err) => reject(networkError(err)));
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000}s`)));
    r.on('error', (err) => reject(networkError(err)));
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });

function networkError(err: Error): NotifyError {
  const code = (err as NodeJS.ErrnoException).code;
  // The message of a node network error does not hold the URL; keep only its code and text.
  return new NotifyError(NotifyErrorCode.Network, `network error${code ? ` (${code})` : ''}: ${err.message}`);
}

/** Throws the typed error an unsuccessful response means; `what` names the provider. */
export function checkResponse(res: HttpResponse, what: string, nowMs: number): void {
  if (res.status >= 200 && res.status < 300) return;
  const snippet = res.body.slice(0, 200).replace(/\s+/g, ' ');
  if (res.status === 429)
    throw new NotifyError(NotifyErrorCode.RateLimited, `${what}: 429 Too Many Requests`, {
      ...optional(retryAfterMs(res.headers['retry-after'], nowMs)),
    });
  if (res.status >= 500)
    throw new NotifyError(NotifyErrorCode.ServerError, `${what}: HTTP ${res.status} ${snippet}`);
  throw new NotifyError(NotifyErrorCode.Rejected, `${what}: HTTP ${res.status} ${snippet}`);
}

const optional = (ms: number | undefined) => (ms === undefined ? {} : { retryAfterMs: ms });
