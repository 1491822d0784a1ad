/**
 * List + watch of one kind, kept in a local store: resumes the watch from the last
 * resourceVersion after a disconnect or a server-side timeout, and relists on 410 Gone (then
 * reports what changed meanwhile as ADDED / MODIFIED / DELETED, so nothing is missed).
 */
import { errorMessage } from '../api/errors.js';
import { groupOf, type KubeObject, refKey } from '../api/object.js';
import type { Logger } from '../controller/reconciler.js';
import { silentLogger } from '../controller/reconciler.js';
import { isKubeApiError, KubeErrorCode } from '../kube/errors.js';
import type { ClusterClient } from '../kube/types.js';
import type { Clock } from './clock.js';
import { shareUnchanged } from './share-unchanged.js';

export type InformerEvent = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface InformerOptions {
  client: ClusterClient;
  apiVersion: string;
  kind: string;
  /** Empty: all namespaces. */
  namespace?: string;
  /** Which objects the store keeps (all by default); events fire for kept objects only. */
  keep?: (obj: KubeObject) => boolean;
  /**
   * What the store keeps of a kept object (by default all of it), e.g. without managedFields:
   * at ten thousand objects what a store holds is most of the process's memory. Events carry
   * the transformed object.
   */
  transform?: (obj: KubeObject) => KubeObject;
  onEvent: (type: InformerEvent, obj: KubeObject, old: KubeObject | undefined) => void;
  /** Called after each (re)list, once the store matches the server. */
  onSynced?: () => void;
  clock: Clock;
  random: () => number;
  log?: Logger;
  /** Server-side watch timeout (s); the watch then resumes. Default 300. */
  watchTimeoutSeconds?: number;
  /**
   * A changed object shares the subtrees that did not change with the version it replaces
   * (share-unchanged.ts): less garbage under status churn. Only for consumers that never
   * mutate the objects they are given (default false).
   */
  shareUnchanged?: boolean;
}

/**
 * Slack on top of the server-side watch timeout before a silent watch counts as wedged: the
 * server ends every watch within its timeout (and sends bookmarks meanwhile), so a loop that has
 * seen nothing for longer is stuck on a dead connection (or a list that never answers).
 */
export const WATCH_STALL_GRACE_MS = 120_000;

/** A loop's heartbeat for liveness: when it last showed progress, and how long it may be silent. */
export interface Heartbeat {
  what: string;
  at: number;
  boundMs: number;
}

export function objectKey(obj: KubeObject): string {
  return refKey({
    group: groupOf(obj.apiVersion),
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
  });
}

/** The object without metadata.managedFields (for stores whose readers never look at them). */
export function withoutManagedFields(obj: KubeObject): KubeObject {
  if (!('managedFields' in obj.metadata)) return obj;
  const { managedFields: _drop, ...metadata } = obj.metadata as KubeObject['metadata'] & {
    managedFields?: unknown;
  };
  return { ...obj, metadata };
}

export class Informer {
  readonly store = new Map<string, KubeObject>();
  /**
   * Keys of the objects that exist but `keep` turned away: with them a synced informer knows
   * that an object in neither set does not exist, so a first sync need not GET it to find out.
   */
  private readonly others = new Set<string>();
  private resourceVersion: string | undefined;
  private abort: AbortController | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private syncedOnce = false;
  private readonly syncWaiters: (() => void)[] = [];
  /** Lists done so far (the first, and one per 410 or failed resume). */
  lists = 0;
  watches = 0;
  private readonly log: Logger;

  constructor(private readonly o: InformerOptions) {
    this.log = o.log ?? silentLogger;
  }

  get synced(): boolean {
    return this.syncedOnce;
  }

  /** Whether the server held the object at the informer's last event (kept or not); needs `synced`. */
  exists(key: string): boolean {
    return this.store.has(key) || this.others.has(key);
  }

  /** A list or watch has failed since the last successful list (e.g. the kind is not served yet). */
  failing = false;

  private readonly failWaiters: (() => void)[] = [];

  /** Resolves at the next failure (so callers waiting for a sync need not wait for a kind that is not served). */
  whenFailing(): Promise<void> {
    if (this.failing) return Promise.resolve();
    return new Promise((r) => this.failWaiters.push(r));
  }

  whenSynced(): Promise<void> {
    if (this.syncedOnce) return Promise.resolve();
    return new Promise((r) => this.syncWaiters.push(r));
  }

  private beatAt: number | undefined;

  /** Anything the loop does (list, watch opened or ended, event, bookmark, retry) is a heartbeat. */
  private beat(): void {
    this.beatAt = this.o.clock.now();
  }

  /** The watch loop's heartbeat; undefined while the loop does not run (not started, stopped). */
  get heartbeat(): Heartbeat | undefined {
    if (this.beatAt === undefined) return undefined;
    return {
      what: `watch of ${this.o.kind}${this.o.namespace ? ` in ${this.o.namespace}` : ''}`,
      at: this.beatAt,
      boundMs: (this.o.watchTimeoutSeconds ?? 300) * 1000 + WATCH_STALL_GRACE_MS,
    };
  }

  start(): void {
    if (this.running) return;
    this.beat();
    this.running = this.loop().finally(() => {
      this.beatAt = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    await this.running;
  }

  private wake: (() => void) | undefined;

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = this.o.clock.setTimer(ms, () => {
        this.wake = undefined;
        resolve();
      });
      this.wake = () => {
        t.cancel();
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    let failures = 0;
    const what = `${this.o.kind}${this.o.namespace ? ` in ${this.o.namespace}` : ''}`;
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.relist();
        this.abort = new AbortController();
        this.watches++;
        this.beat();
        await this.o.client.watch(
          this.o.apiVersion,
          this.o.kind,
          {
            ...(this.o.namespace ? { namespace: this.o.namespace } : {}),
            resourceVersion: this.resourceVersion as string,
            allowBookmarks: true,
            timeoutSeconds: this.o.watchTimeoutSeconds ?? 300,
          },
          (type, obj) => this.handle(type, obj),
          this.abort.signal,
        );
        this.beat();
        failures = 0;
      } catch (err) {
        if (this.stopped) break;
        this.beat();
        if (isKubeApiError(err, KubeErrorCode.Gone)) {
          this.log.info({ kind: what }, 'watch expired (410 Gone): relisting');
          this.resourceVersion = undefined;
          continue;
        }
        failures++;
        this.failing = true;
        for (const w of this.failWaiters.splice(0)) w();
        const delay = Math.min(30_000, 250 * 2 ** Math.min(failures - 1, 8)) * (1 - 0.2 * this.o.random());
        this.log.warn({ kind: what, err: errorMessage(err), retryMs: Math.round(delay) }, 'watch failed');
        await this.sleep(delay);
        this.beat();
      }
    }
  }

  private handle(type: string, obj: KubeObject): void {
    this.beat();
    const rv = obj.metadata.resourceVersion as string | undefined;
    if (type === 'BOOKMARK') {
      if (rv) this.resourceVersion = rv;
      return;
    }
    if (rv) this.resourceVersion = rv;
    const key = objectKey(obj);
    const old = this.store.get(key);
    if (type === 'DELETED') {
      this.others.delete(key);
      if (old) {
        this.store.delete(key);
        this.o.onEvent('DELETED', obj, old);
      }
      return;
    }
    if (this.o.keep && !this.o.keep(obj)) {
      this.others.add(key);
      // No longer of interest (e.g. its tracking annotation was removed): forget it.
      if (old) {
        this.store.delete(key);
        this.o.onEvent('DELETED', obj, old);
      }
      return;
    }
    this.others.delete(key);
    const kept = this.o.transform ? this.o.transform(obj) : obj;
    if (old && this.o.shareUnchanged) shareUnchanged(old, kept);
    this.store.set(key, kept);
    this.o.onEvent(old ? 'MODIFIED' : 'ADDED', kept, old);
  }

  private async relist(): Promise<void> {
    this.lists++;
    this.beat();
    const res = await this.o.client.list(
      this.o.apiVersion,
      this.o.kind,
      this.o.namespace ? { namespace: this.o.namespace } : {},
    );
    const seen = new Set<string>();
    this.others.clear();
    for (const item of res.items) {
      // Lists omit apiVersion/kind on items.
      const listed: KubeObject = { ...item, apiVersion: this.o.apiVersion, kind: this.o.kind };
      const key = objectKey(listed);
      if (this.o.keep && !this.o.keep(listed)) {
        this.others.add(key);
        continue;
      }
      const obj = this.o.transform ? this.o.transform(listed) : listed;
      seen.add(key);
      const old = this.store.get(key);
      this.store.set(key, obj);
      if (!old) this.o.onEvent('ADDED', obj, undefined);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        if (this.o.shareUnchanged) shareUnchanged(old, obj);
        this.o.onEvent('MODIFIED', obj, old);
      }
    }
    for (const [key, old] of [...this.store]) {
      if (!seen.has(key)) {
        this.store.delete(key);
        this.o.onEvent('DELETED', old, old);
      }
    }
    this.resourceVersion = res.resourceVersion;
    this.beat();
    this.failing = false;
    if (!this.syncedOnce) {
      this.syncedOnce = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    this.o.onSynced?.();
  }
}
