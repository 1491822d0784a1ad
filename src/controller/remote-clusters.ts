/**
 * Remote destination clusters: the cluster Secrets of the controller's namespace (an informer:
 * a pass reads the cache), and per cluster in use one connection with its runtime (informers,
 * caches, sync engine, reconciler: cluster-runtime.ts) and its reachability. A cluster's runtime
 * is created when the first app selects it and stopped when the last one leaves (deleted, or
 * moved to another destination), so their number is bounded by the clusters in use. A changed
 * Secret (a new token) is a new connection; the old one goes with its last app.
 */
import { createHash } from 'node:crypto';
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { probeCluster, Reachability } from '../cluster/reachability.js';
import {
  type ClusterEntry,
  isClusterSecret,
  type ParsedClusterSecret,
  parseClusterSecret,
} from '../cluster/secret.js';
import { type DestinationRef, type SelectedCluster, selectCluster } from '../cluster/select.js';
import type { ClusterClient } from '../kube/types.js';
import type { Clock } from '../runtime/clock.js';
import { Informer } from '../runtime/informer.js';
import type { ClusterRuntime } from './cluster-runtime.js';
import type { Logger } from './deps.js';

/** A connected remote cluster's client (closed when the cluster is dropped). */
export type RemoteClient = ClusterClient & { close?(): void };

export interface ClusterSecretsOptions {
  /** Where cluster Secrets are read (the controller's namespace). */
  namespace: string;
  /** Opens a client for a cluster (src/cluster/connect.ts). */
  connect: (entry: ClusterEntry) => Promise<RemoteClient>;
}

export interface RemoteCluster {
  runtime: ClusterRuntime;
  reach: Reachability;
}

interface Connection {
  server: string;
  apps: Set<string>;
  ready: Promise<RemoteCluster & { client: RemoteClient }>;
  /** The periodic probe (stopped with the connection). */
  watch?: { cancel(): void };
  closed?: boolean;
  /** Set once connected. */
  runtime?: ClusterRuntime;
}

/** How often a connected cluster is probed: a flip (down or back) queues its apps at once. */
export const REACHABILITY_INTERVAL_MS = 10_000;

/** Which connection an entry gets: its credentials included, so a rotated token reconnects. */
const fingerprint = (e: ClusterEntry) =>
  createHash('sha256').update(JSON.stringify(e)).digest('hex').slice(0, 16);

export class RemoteClusters {
  readonly informer: Informer;
  private readonly connections = new Map<string, Connection>();
  private readonly appConnection = new Map<string, string>();
  private parsed: ParsedClusterSecret[] | undefined;

  constructor(
    private readonly o: ClusterSecretsOptions & {
      /** The controller's own cluster, where the Secrets are. */
      client: ClusterClient;
      clock: Clock;
      random: () => number;
      log: Logger;
      newRuntime: (entry: ClusterEntry, client: ClusterClient) => ClusterRuntime;
      /** A cluster Secret changed: the apps on remote clusters are checked again. */
      onChange: () => void;
      /** A connected cluster went down or came back: its apps are checked again. */
      onReachabilityChange: (apps: readonly string[]) => void;
    },
  ) {
    this.informer = new Informer({
      client: o.client,
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: o.namespace,
      clock: o.clock,
      random: o.random,
      log: o.log,
      keep: isClusterSecret,
      onEvent: () => {
        this.parsed = undefined;
        o.onChange();
      },
    });
  }

  get namespace(): string {
    return this.o.namespace;
  }

  /** How many clusters are connected now (bounded by the clusters apps use). */
  get connected(): number {
    return this.connections.size;
  }

  /** The cluster Secrets, parsed once per change (every pass of every app selects its cluster). */
  secrets(): ParsedClusterSecret[] {
    this.parsed ??= [...this.informer.store.values()].map((s: KubeObject) => parseClusterSecret(s));
    return this.parsed;
  }

  select(destination: DestinationRef): SelectedCluster {
    return selectCluster(destination, this.secrets(), this.o.namespace);
  }

  /** The cluster's runtime for `appKey`, connecting on first use; rejects when it cannot connect. */
  async acquire(appKey: string, entry: ClusterEntry): Promise<RemoteCluster> {
    const id = fingerprint(entry);
    if (this.appConnection.get(appKey) !== id) await this.release(appKey);
    let conn = this.connections.get(id);
    if (!conn) {
      const c: Connection = { server: entry.server, apps: new Set(), ready: this.connect(entry) };
      c.ready
        .then((r) => {
          c.runtime = r.runtime;
          this.watchReachability(c, r.reach);
        })
        .catch(() => {});
      conn = c;
      this.connections.set(id, c);
      // A failed connection is forgotten, so the next pass tries again.
      c.ready.catch(() => {
        if (this.connections.get(id) === c) this.connections.delete(id);
        for (const app of c.apps) this.appConnection.delete(app);
      });
    }
    conn.apps.add(appKey);
    this.appConnection.set(appKey, id);
    return conn.ready;
  }

  /** The next pass of `appKey` resolves its revision again (webhook, refresh). */
  expire(appKey: string): void {
    for (const c of this.connections.values()) if (c.apps.has(appKey)) c.runtime?.reconciler.expire(appKey);
  }

  /** The status a cluster's reconciler last wrote for `appKey` is stale (the app was held): dropped. */
  forgetStatus(appKey: string): void {
    for (const c of this.connections.values()) if (c.apps.has(appKey)) c.runtime?.reconciler.forget(appKey);
  }

  /** `appKey` no longer uses a remote cluster; a cluster with no app left is disconnected. */
  async release(appKey: string): Promise<void> {
    const id = this.appConnection.get(appKey);
    if (id === undefined) return;
    this.appConnection.delete(appKey);
    const conn = this.connections.get(id);
    if (!conn) return;
    conn.apps.delete(appKey);
    const ready = await conn.ready.catch(() => undefined);
    ready?.runtime.forget(appKey);
    if (conn.apps.size > 0 || this.connections.get(id) !== conn) return;
    this.connections.delete(id);
    this.o.log.info({ server: conn.server }, 'remote cluster unused: disconnected');
    conn.closed = true;
    conn.watch?.cancel();
    await this.close(ready);
  }

  async stop(): Promise<void> {
    await this.informer.stop();
    const all = [...this.connections.values()];
    for (const c of all) {
      c.closed = true;
      c.watch?.cancel();
    }
    this.connections.clear();
    this.appConnection.clear();
    await Promise.all(all.map(async (c) => this.close(await c.ready.catch(() => undefined))));
  }

  private async connect(entry: ClusterEntry): Promise<RemoteCluster & { client: RemoteClient }> {
    let client: RemoteClient;
    try {
      client = await this.o.connect(entry);
    } catch (err) {
      throw new Error(`cluster ${entry.server} (${entry.secret}): cannot connect: ${errorMessage(err)}`);
    }
    const runtime = this.o.newRuntime(entry, client);
    runtime.start();
    const reach = new Reachability(entry.server, () => probeCluster(client), this.o.clock);
    this.o.log.info({ server: entry.server, cluster: entry.name }, 'remote cluster connected');
    return { runtime, reach, client };
  }

  /**
   * Probes the cluster every interval (the apps' own passes may be minutes apart): when it goes
   * down or comes back, its apps are queued, so their status says so without waiting for a poll.
   */
  private watchReachability(c: Connection, reach: Reachability): void {
    let last: string | undefined;
    const tick = () => {
      if (c.closed) return;
      reach.expire();
      void reach.check().then((down) => {
        if (c.closed) return;
        if ((down === undefined) !== (last === undefined)) {
          this.o.log.info(
            { server: c.server, reachable: down === undefined },
            'remote cluster reachability changed',
          );
          this.o.onReachabilityChange([...c.apps]);
        }
        last = down;
        c.watch = this.o.clock.setTimer(REACHABILITY_INTERVAL_MS, tick);
      });
    };
    c.watch = this.o.clock.setTimer(REACHABILITY_INTERVAL_MS, tick);
  }

  private async close(ready: { runtime: ClusterRuntime; client: RemoteClient } | undefined): Promise<void> {
    if (!ready) return;
    await ready.runtime.stop();
    ready.client.close?.();
  }
}
