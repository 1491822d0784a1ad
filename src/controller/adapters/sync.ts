/**
 * SyncPort over src/sync's engine: `plan` is the engine's plan (its verdict cache, kept per app,
 * makes an unchanged object cost no request), `execute` runs that same plan, `deleteAll` plans
 * the pruning of the whole inventory and executes it. The inventory is the one the reconciler
 * hands over (status.resources plus tracked live objects), so the controller needs no
 * inventory ConfigMap.
 */
import { TrueupError } from '../../api/errors.js';
import { groupOf, type KubeObject, refKey } from '../../api/object.js';
import type { IgnoreRule } from '../../diff/ignore.js';
import type { ClusterClient, ObjectAddress } from '../../kube/types.js';
import {
  DEFAULT_SYNC_OPTIONS,
  deleteCreatedNamespace,
  execute,
  type NamespaceCleanup,
  type ObjectId,
  PlanAction,
  parseSyncOptions,
  plan,
  ResultAction,
  SkipCause,
  VerdictCache,
} from '../../sync/index.js';
import type { ChangeSet, SyncPlan } from '../../sync/types.js';
import type { PlanOptions, SyncPort, SyncTarget } from '../ports.js';

export interface EngineSyncPortOptions {
  client: ClusterClient;
  /** The client for requests made as another user (impersonation); absent, such apps fail. */
  clientAs?: (user: string) => ClusterClient;
  /**
   * What the informers know of an object (null: it does not exist), so a first sync does not
   * GET objects that are not there yet; the plan reads the rest.
   */
  known?: (address: ObjectAddress) => KubeObject | null | undefined;
  /** The live object from the informers' cache, for health. */
  live?: (id: ObjectId) => KubeObject | undefined;
  healthTimeoutMs?: number;
}

export class EngineSyncPort implements SyncPort {
  /** Per app: its verdict cache and the identity the verdicts were made as. */
  private readonly caches = new Map<string, { user: string; cache: VerdictCache }>();
  /** The client each plan was made with, so `execute` writes as the same user. */
  private readonly planClients = new WeakMap<SyncPlan, ClusterClient>();
  /** Per app: its execute in progress, settled (never rejects) once its answers are recorded. */
  private readonly executing = new Map<string, Promise<void>>();

  constructor(private readonly o: EngineSyncPortOptions) {}

  forget(appKey: string): void {
    this.caches.delete(appKey);
  }

  /** Apps with a verdict cache, and the verdicts they hold (one per managed object at most). */
  verdictCacheSize(): { apps: number; verdicts: number } {
    let verdicts = 0;
    for (const { cache } of this.caches.values()) verdicts += cache.size;
    return { apps: this.caches.size, verdicts };
  }

  private cacheOf(namespace: string, name: string, user = ''): VerdictCache {
    const key = `${namespace}/${name}`;
    let entry = this.caches.get(key);
    // A verdict made as one identity (a dry run it was allowed) says nothing for another.
    if (!entry || entry.user !== user) {
      entry = { user, cache: new VerdictCache() };
      this.caches.set(key, entry);
    }
    return entry.cache;
  }

  private clientFor(target: SyncTarget): ClusterClient {
    if (!target.serviceAccount) return this.o.client;
    if (!this.o.clientAs)
      throw new TrueupError(
        'ImpersonationUnsupported',
        `Application ${target.appNamespace}/${target.appName}: syncing as ${target.serviceAccount} needs impersonation, which this client cannot do`,
        { retry: 'terminal' },
      );
    return this.o.clientAs(target.serviceAccount);
  }

  async plan(
    target: SyncTarget,
    desired: readonly KubeObject[],
    opts: PlanOptions & { deleting?: boolean },
  ): Promise<SyncPlan> {
    const client = this.clientFor(target);
    const made = await plan(
      {
        app: { namespace: target.appNamespace, name: target.appName },
        destinationNamespace: target.destinationNamespace ?? '',
        objects: desired,
        inventory: target.inventory,
        syncOptions: target.syncOptions,
        ignoreDifferences: JSON.parse(JSON.stringify(target.ignoreDifferences)) as IgnoreRule[],
        prune: opts.prune,
        pruneConfirmed: opts.pruneConfirmed === true,
        deleting: opts.deleting === true,
        // The reconciler decides about empty renders (allowEmpty) before asking.
        allowEmpty: true,
      },
      {
        client,
        cache: this.cacheOf(target.appNamespace, target.appName, target.serviceAccount),
        ...(this.o.known ? { known: this.o.known } : {}),
      },
    );
    this.planClients.set(made, client);
    return made;
  }

  execute(p: SyncPlan): Promise<ChangeSet> {
    const key = `${p.app.namespace}/${p.app.name}`;
    const run = this.run(p);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.executing.set(key, settled);
    void settled.then(() => {
      if (this.executing.get(key) === settled) this.executing.delete(key);
    });
    return run;
  }

  writing(appKey: string): Promise<void> | undefined {
    return this.executing.get(appKey);
  }

  private run(p: SyncPlan): Promise<ChangeSet> {
    const client = this.planClients.get(p) ?? this.o.client;
    return execute(p, {
      client,
      cache: this.cacheOf(
        p.app.namespace,
        p.app.name,
        this.caches.get(`${p.app.namespace}/${p.app.name}`)?.user,
      ),
      ...(this.o.healthTimeoutMs ? { healthTimeoutMs: this.o.healthTimeoutMs } : {}),
    });
  }

  async deleteAll(
    target: SyncTarget,
    opts?: { confirmed: boolean },
  ): Promise<{ remaining: number; unconfirmed: number }> {
    const everything = await this.plan(target, [], {
      prune: true,
      deleting: true,
      pruneConfirmed: opts?.confirmed === true,
    });
    const res = await this.execute(everything);
    const unconfirmed = everything.objects.filter(
      (p) => p.action === PlanAction.Skip && p.cause === SkipCause.DeleteConfirm,
    ).length;
    return { remaining: res.resources.filter((r) => r.action === ResultAction.Failed).length, unconfirmed };
  }

  async deleteCreatedNamespace(
    target: SyncTarget,
    otherApps: readonly string[],
  ): Promise<NamespaceCleanup | undefined> {
    const options = parseSyncOptions(target.syncOptions, DEFAULT_SYNC_OPTIONS, 'spec.syncPolicy.syncOptions');
    if (!options.deleteNamespace || !target.destinationNamespace) return undefined;
    return deleteCreatedNamespace(
      this.clientFor(target),
      target.destinationNamespace,
      { namespace: target.appNamespace, name: target.appName },
      otherApps,
    );
  }

  knownInSync(appKey: string, live: KubeObject): boolean {
    const rv = live.metadata.resourceVersion;
    if (!rv) return false;
    const key = refKey({
      group: groupOf(live.apiVersion),
      kind: live.kind,
      namespace: live.metadata.namespace ?? '',
      name: live.metadata.name ?? '',
    });
    return this.caches.get(appKey)?.cache.versionOf(key) === rv;
  }

  live(id: ObjectId): KubeObject | undefined {
    return this.o.live?.(id);
  }
}
