/**
 * kubeconfig `proxy-url` for the transport: every connection to the API server is a CONNECT
 * tunnel through the proxy (TLS to the API server runs inside it, end to end), for https and
 * http servers alike. A user and password in the proxy URL go as Proxy-Authorization (Basic), as
 * client-go sends them. Keep-alive works as without a proxy: the agent pools the tunnels.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

type Callback = (err: Error | null, stream: Duplex) => void;

/** Opens a CONNECT tunnel to host:port through `proxy`; calls back with the raw socket. */
function openTunnel(
  proxy: URL,
  host: string,
  port: number,
  done: (err: Error | null, socket?: Duplex) => void,
): void {
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const headers: http.OutgoingHttpHeaders = { Host: target };
  if (proxy.username) {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers['Proxy-Authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const req = (proxy.protocol === 'https:' ? https : http).request({
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
    method: 'CONNECT',
    path: target,
    headers,
    agent: false,
  });
  let settled = false;
  const finish = (err: Error | null, socket?: Duplex) => {
    if (settled) return;
    settled = true;
    done(err, socket);
  };
  req.once('connect', (res, socket) => {
    if (res.statusCode !== 200) {
      socket.destroy();
      // The proxy's host is named, never its credentials.
      finish(
        new Error(`proxy ${proxy.protocol}//${proxy.host} answered ${res.statusCode} to CONNECT ${target}`),
      );
      return;
    }
    finish(null, socket);
  });
  req.once('error', (err) =>
    finish(new Error(`proxy ${proxy.protocol}//${proxy.host}: ${err.message}`, { cause: err })),
  );
  req.end();
}

/**
 * An agent's connection through `proxy` to the request's host: the tunnel's socket, wrapped by
 * `wrap` (TLS for https) once it is open.
 */
function tunnelConnection(
  proxy: URL,
  options: http.ClientRequestArgs,
  defaultPort: number,
  wrap: (socket: Duplex) => Duplex,
  callback: Callback | undefined,
): undefined {
  openTunnel(
    proxy,
    options.hostname ?? options.host ?? 'localhost',
    Number(options.port) || defaultPort,
    (err, socket) => {
      if (err || !socket) return callback?.(err ?? new Error('no tunnel'), undefined as never);
      callback?.(null, wrap(socket));
    },
  );
  return undefined;
}

/** An https agent (TLS options as given) whose connections are tunnels through `proxy`. */
export class HttpsTunnelAgent extends https.Agent {
  constructor(
    private readonly proxy: URL,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
    // The agent's options (CA, client certificate, servername, rejectUnauthorized) apply inside.
    return tunnelConnection(
      this.proxy,
      options,
      443,
      (socket) => tls.connect({ ...(options as tls.ConnectionOptions), socket }),
      callback,
    );
  }
}

/** An http agent whose connections are tunnels through `proxy`. */
export class HttpTunnelAgent extends http.Agent {
  constructor(
    private readonly proxy: URL,
    options: http.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: Callback): Duplex | null | undefined {
    return tunnelConnection(this.proxy, options, 80, (socket) => socket, callback);
  }
}
