/**
 * Starts the UI: its own HTTP(S) listener (the controller's `--ui-address`, or `trueup ui` on
 * localhost), its app store (a watch of the Applications), the commit cache and the event
 * stream, wired to the JSON API and the static files.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { errorMessage, TrueupError } from '../api/errors.js';
import type { lazyEngine } from '../controller/adapters/render-helm.js';
import { diffApp } from '../controller/app-diff.js';
import type { SourcePort } from '../controller/ports.js';
import type { Logger } from '../controller/reconciler.js';
import type { ClusterClient } from '../kube/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Access } from './access.js';
import { type AppStore, InformerAppStore } from './app-store.js';
import { CommitCache, type CommitReader } from './commits.js';
import { createUiHandler } from './http.js';
import { defaultStaticDir, loadStaticFiles } from './static-files.js';
import { StreamHub } from './stream.js';

export interface UiOptions {
  /** Reads and writes on the callers' behalf, and the Applications' watch. */
  client: ClusterClient;
  access: Access;
  /** Watched namespaces; empty: all. */
  namespaces: readonly string[];
  source: SourcePort;
  commits: CommitReader;
  helmEngine: Pick<ReturnType<typeof lazyEngine>, 'get'>;
  host: string;
  port: number;
  /** PEM certificate and key: serve HTTPS (and mark cookies Secure). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  clock: Clock;
  log: Logger;
  /** The built front end (default: dist/ui-static). */
  staticDir?: string;
  /** A ready app store instead of a watch (benchmarks serve a synthetic list). */
  store?: AppStore;
  fieldManager?: string;
}

export interface RunningUi {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startUi(o: UiOptions): Promise<RunningUi> {
  const files = loadStaticFiles(o.staticDir ?? defaultStaticDir());
  const informerStore = o.store
    ? undefined
    : new InformerAppStore({ client: o.client, namespaces: o.namespaces, clock: o.clock, log: o.log });
  const store = o.store ?? (informerStore as AppStore);
  let stream: StreamHub | undefined;
  const commits = new CommitCache(o.commits, (commit) => stream?.commitLearned(commit));
  const api = {
    store,
    client: o.client,
    access: o.access,
    commits,
    diff: (app: Parameters<typeof diffApp>[1]) =>
      diffApp({ client: o.client, source: o.source, helmEngine: o.helmEngine }, app),
    fieldManager: o.fieldManager ?? 'trueup-ui',
  };
  stream = new StreamHub(api);
  const handler = createUiHandler({
    api,
    stream,
    files,
    tls: o.tls !== undefined,
    onError: (err) => o.log.warn({ err: errorMessage(err) }, 'ui request failed'),
  });
  const listener = (req: IncomingMessage, res: ServerResponse) => void handler(req, res);
  const server = o.tls
    ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key }, listener)
    : createHttpServer(listener);
  server.keepAliveTimeout = 5_000;
  await informerStore?.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new TrueupError('ServerListen', `UI server ${o.host}:${o.port}: ${err.message}`, { cause: err }),
      ),
    );
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  return {
    url: `http${o.tls ? 's' : ''}://${shownHost}:${port}`,
    port,
    async close() {
      stream?.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await informerStore?.stop();
    },
  };
}
