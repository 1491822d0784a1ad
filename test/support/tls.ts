/** TLS for tests: a self-signed certificate, and HTTPS requests that trust only it. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';

/**
 * A self-signed certificate for 127.0.0.1 (an EC key, valid one day), as PEM text and files,
 * made with the `openssl` command (node:crypto makes keys but not X.509 certificates).
 */
export async function selfSignedCert(): Promise<{
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'trueup-ui-tls-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  return {
    cert: await readFile(cert, 'utf8'),
    key: await readFile(key, 'utf8'),
    certFile: cert,
    keyFile: key,
  };
}

/** An HTTPS request trusting only `ca` (a self-signed certificate). */
export function httpsCall(
  url: string,
  ca: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: o.method ?? 'GET', headers: o.headers ?? {}, ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
