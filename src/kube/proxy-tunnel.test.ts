/**
 * kubeconfig proxy-url in the transport, against a loopback CONNECT proxy: an https API server
 * (TLS inside the tunnel, its CA trusted) and an http one are both reached through the proxy,
 * with the proxy's credentials as Proxy-Authorization and the connection's auth and
 * impersonation headers reaching the server; a proxy that refuses CONNECT fails the request as a
 * network error naming the proxy, never its password.
 */
import assert from 'node:assert/strict';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { selfSignedCert } from '../../test/support/tls.js';
import type { KubeConnection } from './connection.js';
import { isKubeApiError, KubeErrorCode } from './errors.js';
import { createTransport } from './transport.js';

const portOf = (s: net.Server) => (s.address() as AddressInfo).port;
const listen = (s: net.Server) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
const close = (s: net.Server) => new Promise<void>((r) => s.close(() => r()));

/** What the API servers saw, per request. */
const seen: IncomingHttpHeaders[] = [];
const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
  seen.push(req.headers);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url }));
};

const cert = await selfSignedCert();
const httpsServer = https.createServer({ cert: cert.cert, key: cert.key }, answer);
const httpServer = http.createServer(answer);

/** CONNECT targets the proxy was asked for, and the Proxy-Authorization it got. */
const tunnels: { target: string; auth: string | undefined }[] = [];
let refuse = false;
const proxy = http.createServer((_req, res) => {
  res.statusCode = 405;
  res.end();
});
proxy.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
  tunnels.push({ target: req.url ?? '', auth: req.headers['proxy-authorization'] });
  if (refuse) {
    client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    return;
  }
  const [host, port] = (req.url ?? '').split(':');
  const upstream = net.connect(Number(port), host, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
});

for (const s of [httpsServer, httpServer, proxy]) await listen(s);
after(async () => {
  for (const s of [httpsServer, httpServer, proxy]) {
    (s as http.Server).closeAllConnections?.();
    await close(s);
  }
});

const connection = (server: string, o: Partial<KubeConnection> = {}): KubeConnection => ({
  origin: 'test',
  server,
  tls: { ca: Buffer.from(cert.cert), insecureSkipVerify: false },
  auth: { kind: 'static', headers: { Authorization: 'Bearer tok', 'Impersonate-Group': ['a', 'b'] } },
  proxyUrl: `http://user:p%40ss@127.0.0.1:${portOf(proxy)}`,
  userName: 'u',
  ...o,
});

test('https and http API servers are reached through the proxy, with its credentials and our headers', async () => {
  for (const server of [
    `https://127.0.0.1:${portOf(httpsServer)}`,
    `http://127.0.0.1:${portOf(httpServer)}`,
  ]) {
    tunnels.length = 0;
    seen.length = 0;
    const transport = await createTransport(connection(server));
    const res = await transport.send({ method: 'GET', path: '/api/v1/namespaces', subject: 'namespaces' });
    // A second request reuses the tunnel (keep-alive through the proxy).
    await transport.send({ method: 'GET', path: '/api/v1/pods', subject: 'pods' });
    transport.close();
    assert.equal(res.status, 200, server);
    assert.deepEqual(res.body, { path: '/api/v1/namespaces' });
    assert.deepEqual(tunnels, [
      { target: new URL(server).host, auth: `Basic ${Buffer.from('user:p@ss').toString('base64')}` },
    ]);
    assert.equal(seen.length, 2);
    assert.equal(seen[0]?.authorization, 'Bearer tok');
    assert.equal(seen[0]?.['impersonate-group'], 'a, b');
    assert.equal(seen[0]?.['proxy-authorization'], undefined, 'the proxy credentials stay with the proxy');
  }
});

test('a proxy refusing CONNECT fails the request as a network error that names the proxy, not its password', async () => {
  refuse = true;
  after(() => {
    refuse = false;
  });
  const transport = await createTransport(
    connection(`https://127.0.0.1:${portOf(httpsServer)}`, {
      proxyUrl: `http://user:hunter2@127.0.0.1:${portOf(proxy)}`,
    }),
  );
  after(() => transport.close());
  await assert.rejects(
    transport.send({ method: 'GET', path: '/api', subject: 'discovery' }),
    (err: unknown) => {
      assert.ok(isKubeApiError(err, KubeErrorCode.Network), String(err));
      assert.match(err.message, /proxy http:\/\/127\.0\.0\.1:\d+ answered 403 to CONNECT/);
      assert.doesNotMatch(err.message, /hunter2/);
      return true;
    },
  );
});
