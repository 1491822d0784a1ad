/**
 * /api/v1/stream: server-sent events of the app list, fed by the app store's watch. A client
 * gets a snapshot of the apps it may list, then an `upsert` or `delete` per change, each checked
 * against its (cached) `list` permission in the app's namespace. Rows are sent again when the
 * commit cache learns their revision's subject.
 */
import type { ServerResponse } from 'node:http';
import { constants, createGzip } from 'node:zlib';
import type { Application } from '../api/application.js';
import { type Caller, Verb } from './access.js';
import { type ApiDeps, summaryOf, visibleSummaries } from './api.js';
import type { StreamEvent } from './shared/api-types.js';

/** Where a stream's text goes: the response, or a gzip stream flushed after every event. */
interface Sink {
  write(text: string): void;
  end(): void;
}

function sinkOf(res: ServerResponse, gzip: boolean): Sink {
  if (!gzip) return { write: (t) => void res.write(t), end: () => res.end() };
  // A snapshot of 10,000 rows is ~5 MB of JSON and ~10x smaller gzipped; each event is flushed at once.
  const z = createGzip({ flush: constants.Z_SYNC_FLUSH });
  z.pipe(res);
  return { write: (t) => void z.write(t), end: () => z.end() };
}

interface Client {
  caller: Caller;
  res: Sink;
  /** Events that came while the snapshot was being built, sent after it. */
  pending: string[] | undefined;
}

function send(c: Client, data: string): void {
  if (c.pending) c.pending.push(data);
  else c.res.write(data);
}

export class StreamHub {
  private readonly clients = new Set<Client>();
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly d: ApiDeps) {}

  private ensureSubscribed(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.d.store.subscribe((type, app) =>
      this.broadcast(app, type === 'DELETED' ? 'delete' : 'upsert'),
    );
    // Comments keep proxies from closing an idle stream.
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) if (!c.pending) c.res.write(': keep-alive\n\n');
    }, 20_000);
    this.heartbeat.unref();
  }

  /** Rows whose revision's subject was just learned. */
  commitLearned(commit: string): void {
    for (const app of this.d.store.list())
      if (app.status?.sync?.revision === commit) this.broadcast(app, 'upsert');
  }

  private broadcast(app: Application, kind: 'upsert' | 'delete'): void {
    if (this.clients.size === 0) return;
    const ns = app.metadata.namespace;
    const event: StreamEvent =
      kind === 'delete'
        ? { type: 'delete', key: `${ns}/${app.metadata.name}` }
        : { type: 'upsert', app: summaryOf(this.d, app) };
    const data = `data: ${JSON.stringify(event)}\n\n`;
    for (const c of this.clients) {
      void this.d.access.allowed(c.caller, Verb.List, ns).then(
        (allowed) => {
          if (allowed && this.clients.has(c)) send(c, data);
        },
        () => {},
      );
    }
  }

  /** Serves one stream until the client goes away. */
  async open(caller: Caller, response: ServerResponse, gzip: boolean): Promise<void> {
    this.ensureSubscribed();
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    const res = sinkOf(response, gzip);
    // Listening before the snapshot is built: a change meanwhile is sent after it (upserts are idempotent).
    const client: Client = { caller, res, pending: [] };
    this.clients.add(client);
    response.on('close', () => this.clients.delete(client));
    const snapshot: StreamEvent = { type: 'snapshot', items: await visibleSummaries(this.d, caller) };
    res.write(`retry: 2000\ndata: ${JSON.stringify(snapshot)}\n\n`);
    for (const data of client.pending ?? []) res.write(data);
    client.pending = undefined;
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
