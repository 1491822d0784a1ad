/**
 * A recording proxy for the API-floor bench: plain HTTP on localhost in front of the API server's
 * HTTPS, so `bin/trueup controller` (the compiled binary, unchanged) can be pointed at it with a
 * kubeconfig and every request it makes is kept: method, path with query, content type, body and
 * the answer's status. It lives in bench/, not src/: recording is a measurement, not a feature.
 * Watches pass through as streams (only the request is recorded).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { RecordedRequest } from './floor-script.js';

export interface RecorderTarget {
  /** https://host:port of the API server. */
  server: string;
  /** PEM of the API server's CA. */
  ca: string;
}

export class RecordingProxy {
  readonly recorded: RecordedRequest[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly start = performance.now();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: RecorderTarget): Promise<RecordingProxy> {
    // Many sockets: the controller's watches hold theirs for minutes.
    const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, ca: target.ca });
    const upstreamUrl = new URL(target.server);
    let self: RecordingProxy | undefined;
    const server = createServer((req, res) => {
      void self?.forward(req, res, upstreamUrl, agent);
    });
    server.on('connection', (s) => {
      self?.sockets.add(s);
      s.on('close', () => self?.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new RecordingProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  private async forward(req: IncomingMessage, res: ServerResponse, upstream: URL, agent: Agent) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const entry: RecordedRequest = {
      atMs: Math.round(performance.now() - this.start),
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
      ...(body.length > 0 ? { body: body.toString('utf8') } : {}),
    };
    this.recorded.push(entry);
    const up = request(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (answer) => {
        entry.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    // A watch the controller drops ends its upstream stream too.
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    up.end(body);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
