/** HTTPS requests to the control plane's components, with the test CA and a client identity. */
import { request } from 'node:https';
import type { Pem } from './pki.js';

/** GET over HTTPS with the given client identity; resolves to the status code. */
export function httpsStatus(url: string, ca: string, client?: Pem): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca,
        ...(client ? { cert: client.cert, key: client.key } : { rejectUnauthorized: false }),
        timeout: 2000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** A JSON request to the API server as the given identity; resolves to status and parsed body. */
export function apiRequest(
  server: string,
  ca: string,
  client: Pem,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${server}${path}`,
      {
        method,
        ca,
        cert: client.cert,
        key: client.key,
        timeout: 10_000,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
    req.on('error', reject);
    req.end(payload);
  });
}
