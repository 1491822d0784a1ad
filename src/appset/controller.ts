/**
 * The ApplicationSet controller: an informer for ApplicationSets, one for Applications (to find
 * each set's apps and report their sync and health), a work queue, the reconciler. A set is
 * re-evaluated when its spec changes, when one of its Applications changes, at its poll interval,
 * and at once when a webhook push names a repository it reads.
 */

import { APP_API_VERSION, APP_KIND, type Application } from '../api/application.js';
import { APPSET_KIND, APPSET_LABEL, type ApplicationSet } from '../api/application-set.js';
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { isClusterSecret } from '../cluster/secret.js';
import { type Logger, silentLogger } from '../controller/deps.js';
import type { SourcePort } from '../controller/ports.js';
import { wantsReconcile } from '../controller/wants-reconcile.js';
import type { GoTemplateEngine } from '../helm/go-template.js';
import type { ClusterClient } from '../kube/types.js';
import { type Clock, systemClock } from '../runtime/clock.js';
import { Informer, type InformerEvent } from '../runtime/informer.js';
import { WorkQueue } from '../runtime/queue.js';
import { appSetView } from './app-view.js';
import { type ClusterListing, clusterListingOf } from './generators/clusters.js';
import { type Fetch, HttpPullRequests } from './pull-requests.js';
import { AppSetReconciler } from './reconciler.js';
import { SourceRepoReader } from './repo-reader.js';

export interface AppSetControllerOptions {
  client: ClusterClient;
  source: SourcePort;
  goEngine: () => Promise<GoTemplateEngine>;
  /** Namespaces watched (empty: all). */
  namespaces: readonly string[];
  concurrency: number;
  /** The Git poll (ms) of sets whose git generators set no requeueAfterSeconds. */
  requeueInterval: number;
  clock?: Clock;
  random?: () => number;
  log?: Logger;
  /** HTTP for the pullRequest generator's provider APIs (default: global fetch). */
  fetch?: Fetch;
  /**
   * Where the cluster Secrets are (the controller's namespace): the clusters generator lists
   * them, and a change re-evaluates the sets that use it. Absent: the in-cluster destination only.
   */
  clusterSecretsNamespace?: string;
}

/** A key of a Secret, decoded; undefined when the Secret or the key is missing. */
async function secretValue(client: ClusterClient, namespace: string, name: string, key: string) {
  const secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  const data = (secret?.data ?? {}) as Record<string, string>;
  const value = data[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class AppSetController {
  readonly queue: WorkQueue;
  readonly setInformers: Informer[] = [];
  readonly appInformers: Informer[] = [];
  /** The cluster Secrets (with clusterSecretsNamespace). */
  readonly clusterInformer: Informer | undefined;
  private readonly reconciler: AppSetReconciler;
  /** set key → repositories its last pass read. */
  private readonly reposOf = new Map<string, Set<string>>();
  private readonly log: Logger;
  private started = false;

  constructor(private readonly o: AppSetControllerOptions) {
    const clock = o.clock ?? systemClock;
    const random = o.random ?? Math.random;
    this.log = o.log ?? silentLogger;
    this.reconciler = new AppSetReconciler({
      client: o.client,
      repos: new SourceRepoReader(o.source),
      goEngine: o.goEngine,
      pullRequests: new HttpPullRequests({
        fetch: o.fetch ?? ((url, init) => fetch(url, init)),
        secretValue: (ns, name, key) => secretValue(o.client, ns, name, key),
      }),
      ...(o.clusterSecretsNamespace !== undefined ? { clusters: () => this.clusters() } : {}),
      clock,
      appsIn: (ns) => this.appsIn(ns),
      log: this.log,
      onRepos: (key, repos) => this.reposOf.set(key, new Set(repos.keys())),
    });
    this.queue = new WorkQueue({
      worker: (key) => this.work(key),
      clock,
      random,
      concurrency: o.concurrency,
      resyncInterval: o.requeueInterval,
    });
    const namespaces = o.namespaces.length ? o.namespaces : [''];
    for (const ns of namespaces) {
      const scope = ns ? { namespace: ns } : {};
      this.setInformers.push(
        new Informer({
          client: o.client,
          apiVersion: APP_API_VERSION,
          kind: APPSET_KIND,
          ...scope,
          clock,
          random,
          log: this.log,
          onEvent: (type, obj, old) => this.onSetEvent(type, obj, old),
        }),
      );
      this.appInformers.push(
        new Informer({
          client: o.client,
          apiVersion: APP_API_VERSION,
          kind: APP_KIND,
          ...scope,
          clock,
          random,
          log: this.log,
          transform: appSetView,
          onEvent: (_type, obj) => {
            const set = obj.metadata.labels?.[APPSET_LABEL];
            if (set) this.queue.add(`${obj.metadata.namespace ?? ''}/${set}`);
          },
        }),
      );
    }
    this.clusterInformer =
      o.clusterSecretsNamespace === undefined
        ? undefined
        : new Informer({
            client: o.client,
            apiVersion: 'v1',
            kind: 'Secret',
            namespace: o.clusterSecretsNamespace,
            clock,
            random,
            log: this.log,
            keep: isClusterSecret,
            onEvent: () => this.refreshClusterSets(),
          });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const all = [...this.informers()];
    for (const i of all) i.start();
    await Promise.all(all.map((i) => i.whenSynced()));
    this.queue.start();
    this.log.info({ applicationSets: this.sets().length }, 'applicationset controller started');
  }

  async stop(): Promise<void> {
    await this.queue.stop();
    await Promise.all(this.informers().map((i) => i.stop()));
  }

  get cachesSynced(): boolean {
    return this.informers().every((i) => i.synced);
  }

  private informers(): Informer[] {
    return [
      ...this.appInformers,
      ...this.setInformers,
      ...(this.clusterInformer ? [this.clusterInformer] : []),
    ];
  }

  /** The cluster Secrets the clusters generator lists (from the informer: no request per pass). */
  clusters(): ClusterListing[] {
    return [...(this.clusterInformer?.store.values() ?? [])]
      .map((s) => clusterListingOf(s))
      .filter((c) => c !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A cluster Secret changed: every set with a clusters generator is evaluated again. */
  private refreshClusterSets(): void {
    for (const set of this.sets()) {
      const usesClusters = (set.spec?.generators ?? []).some(
        (g) =>
          g.clusters !== undefined ||
          [...(g.matrix?.generators ?? []), ...(g.merge?.generators ?? [])].some(
            (c) => c.clusters !== undefined,
          ),
      );
      if (usesClusters) this.queue.add(keyOf(set as unknown as KubeObject));
    }
  }

  sets(): ApplicationSet[] {
    return this.setInformers.flatMap((i) => [...i.store.values()]) as unknown as ApplicationSet[];
  }

  appsIn(namespace: string): Application[] {
    return this.appInformers
      .flatMap((i) => [...i.store.values()])
      .filter((a) => a.metadata.namespace === namespace) as unknown as Application[];
  }

  /**
   * Re-evaluates at once every set that reads a repository `matches` accepts (from its spec's
   * git generators, or what its last pass read), dropping cached ref answers first unless
   * `invalidate` is false (the answer is known fresh: an Application's pass just found the new
   * revision, and the sets share it rather than ask Git again).
   */
  refreshRepos(
    matches: (repoURL: string, revision: string) => boolean,
    opts: { invalidate?: boolean } = {},
  ): string[] {
    const keys: string[] = [];
    const repos = new Set<string>();
    for (const set of this.sets()) {
      const key = keyOf(set as unknown as KubeObject);
      const gits = (set.spec?.generators ?? []).flatMap((g) => [
        g.git,
        ...(g.matrix?.generators ?? []).map((c) => c.git),
        ...(g.merge?.generators ?? []).map((c) => c.git),
      ]);
      const read = [...(this.reposOf.get(key) ?? [])].map((r) => ({ repoURL: r, revision: '' }));
      const hits = [
        ...gits
          .filter((g) => g !== undefined)
          .map((g) => ({ repoURL: g.repoURL, revision: g.revision || 'HEAD' })),
        ...read,
      ].filter((r) => matches(r.repoURL, r.revision));
      if (hits.length === 0) continue;
      for (const h of hits) repos.add(h.repoURL);
      keys.push(key);
    }
    if (opts.invalidate !== false) for (const r of repos) this.o.source.invalidate?.(r);
    for (const k of keys) this.queue.add(k);
    return keys;
  }

  /** Re-evaluates at once every set with a pullRequest generator on `owner/repo` (a pull request webhook). */
  refreshPullRequests(owner: string, repo: string): string[] {
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    const keys: string[] = [];
    for (const set of this.sets()) {
      const prs = (set.spec?.generators ?? []).flatMap((g) => [
        g.pullRequest,
        ...(g.matrix?.generators ?? []).map((c) => c.pullRequest),
        ...(g.merge?.generators ?? []).map((c) => c.pullRequest),
      ]);
      const hit = prs.some((p) => {
        const r = p?.github ?? p?.gitea;
        return r !== undefined && same(r.owner, owner) && same(r.repo, repo);
      });
      if (!hit) continue;
      const key = keyOf(set as unknown as KubeObject);
      keys.push(key);
      this.queue.add(key);
    }
    return keys;
  }

  private findSet(key: string): ApplicationSet | undefined {
    for (const i of this.setInformers) {
      for (const s of i.store.values()) if (keyOf(s) === key) return s as unknown as ApplicationSet;
    }
    return undefined;
  }

  private async work(key: string) {
    const set = this.findSet(key);
    if (!set) {
      this.reposOf.delete(key);
      return { requeueAfter: null };
    }
    try {
      return await this.reconciler.reconcile(set);
    } catch (err) {
      this.log.warn({ appset: key, err: errorMessage(err) }, 'applicationset reconcile failed');
      throw err;
    }
  }

  private onSetEvent(type: InformerEvent, obj: KubeObject, old: KubeObject | undefined): void {
    const key = keyOf(obj);
    if (type === 'DELETED') {
      this.queue.forget(key);
      this.reposOf.delete(key);
      return;
    }
    if (wantsReconcile(old, obj)) this.queue.add(key);
  }
}
