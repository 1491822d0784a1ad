/**
 * The small interfaces the reconciler works against. Adapters (src/controller/adapters/) bind
 * them to src/source, src/render, src/sync and src/health; tests bind them to tables.
 */
import type { AppProjectSpec } from '../api/app-project.js';
import type { Application, ApplicationStatus } from '../api/application.js';
import type { ApplicationSource } from '../api/application-source.js';
import type { IgnoreDifference } from '../api/ignore-differences.js';
import type { KustomizeOverrides } from '../api/kustomize-source.js';
import type { KubeObject } from '../api/object.js';
import type { HealthStatusCode } from '../api/status-common.js';
import type { ClusterCapabilities } from '../helm/app-source.js';
import type { FileTree } from '../render/file-tree.js';
import type { AgeIdentities } from '../secrets/age.js';
import type { Inventory, ObjectId } from '../sync/identity.js';
import type { NamespaceCleanup } from '../sync/namespace.js';
import type { ChangeSet, SyncPlan } from '../sync/types.js';

export type { Inventory, ObjectId };

export interface ResolvedRevision {
  /** The commit SHA. */
  revision: string;
  /** What status shows, e.g. `main@sha1:0123abc…` (falls back to the SHA). */
  display?: string;
}

/** spec.source.chart: the source is a chart from a Helm repository or OCI registry, not Git. */
export interface ChartRef {
  name: string;
  /** helm.passCredentials: credentials go to an archive on another host too. */
  passCredentials?: boolean;
}

export interface SourcePort {
  /**
   * Resolves a ref to a commit (Git), or a version or constraint to a chart version (`chart`);
   * `force` skips any cached answer; `notBefore` (ms, the controller's clock) skips a cached
   * answer asked before then (the app, or its spec, was seen after it: a commit pushed just
   * before the app was created must not be answered by an older query).
   */
  resolve(
    repoURL: string,
    targetRevision: string,
    opts: { force: boolean; notBefore?: number | undefined; chart?: ChartRef },
  ): Promise<ResolvedRevision>;
  /** The file tree of a resolved commit, or of a chart version (rooted at the chart's directory). */
  tree(repoURL: string, revision: string, chart?: ChartRef): Promise<FileTree>;
  /** Drops cached state of a repository (hard refresh). */
  invalidate?(repoURL: string): void;
}

/**
 * What a chart render needs of its Application: spec.source.helm, and the defaults of the
 * release name (the app's name) and namespace (the destination's), and the destination's
 * Capabilities (an Error when discovery failed: only a chart render fails on it).
 */
export interface ChartContext {
  helm?: ApplicationSource['helm'];
  appName: string;
  destinationNamespace: string;
  capabilities?: ClusterCapabilities | Error;
  /** With spec.sources: the tree of each source that has a `ref` (valueFiles `$REF/...`). */
  refs?: ReadonlyMap<string, FileTree>;
  /** The field the helm options come from, for messages (default `spec.source.helm`). */
  field?: string;
}

export interface RenderPort {
  /**
   * `directory` is spec.source.directory (how a plain directory is read); `chart` is needed
   * when the path holds a Helm chart (without it, a chart path is refused). `origins`, when
   * given, is filled with where each returned object came from (a file, a generator and its
   * kustomization, a chart template), for messages.
   */
  render(
    tree: FileTree,
    path: string,
    overrides: KustomizeOverrides | undefined,
    directory?: ApplicationSource['directory'],
    chart?: ChartContext,
    origins?: Map<KubeObject, string>,
  ): Promise<KubeObject[]>;
}

/**
 * The age identities of an Application's `spec.decryption.secretRef`: the `*.agekey` entries of
 * that Secret in the Application's namespace. Throws a TrueupError naming the Secret (never a
 * key) when it is missing or holds no identity.
 */
export interface DecryptionKeysPort {
  ageIdentities(namespace: string, secretName: string): Promise<AgeIdentities>;
}

/** The Application a sync acts for. */
export interface SyncTarget {
  appNamespace: string;
  appName: string;
  /** Namespace for namespaced objects that name none. */
  destinationNamespace?: string;
  syncOptions: readonly string[];
  ignoreDifferences: readonly IgnoreDifference[];
  /** Objects applied by earlier syncs (status.resources plus tracked live objects). */
  inventory: Inventory;
  /** Every apply, dry run and prune is made as this user (`system:serviceaccount:NS:NAME`). */
  serviceAccount?: string;
}

/**
 * The sync engine as the reconciler sees it: two steps over one value.
 *
 * - `plan` reads the cluster (live objects, dry-run applies, what left Git) and returns a
 *   SyncPlan: per object the action, wave, reason and diff. It writes nothing. `prune` says
 *   whether objects that left Git are planned for deletion (else they are skips that require
 *   pruning). A plan error (e.g. an unknown app-wide sync option) is thrown.
 * - `execute` writes exactly the plan it is given, the one `plan` returned in the same pass, and
 *   reports per object what happened. It never throws: every failure is a result.
 */
export interface PlanOptions {
  prune: boolean;
  /** Pruning of Prune=confirm objects is confirmed (the app's deletion-approved annotation). */
  pruneConfirmed?: boolean;
}

export interface SyncPort {
  plan(target: SyncTarget, desired: readonly KubeObject[], opts: PlanOptions): Promise<SyncPlan>;
  execute(plan: SyncPlan): Promise<ChangeSet>;
  /**
   * Deletes every inventory object in reverse apply order (not Delete=false ones; Delete=confirm
   * ones only when `confirmed`); returns how many failed and how many wait for the confirmation.
   */
  deleteAll(
    target: SyncTarget,
    opts?: { confirmed: boolean },
  ): Promise<{ remaining: number; unconfirmed: number }>;
  /**
   * With `DeleteNamespace=true` in the target's sync options: deletes the destination namespace
   * when trueup created it for this app and none of `otherApps` (apps with objects in it) remain;
   * undefined when the option is off. Called once the app's objects are deleted.
   */
  deleteCreatedNamespace?(
    target: SyncTarget,
    otherApps: readonly string[],
  ): Promise<NamespaceCleanup | undefined>;
  /** The live object as last seen (the informers' cache), for health after a sync. */
  live(id: ObjectId): KubeObject | undefined;
  /**
   * True when `live` is, to the resourceVersion, the object app `appKey` last applied or found
   * in sync: its watch event reports nothing the app's last pass did not see (no pass needed).
   */
  knownInSync?(appKey: string, live: KubeObject): boolean;
  /**
   * While a sync of app `appKey` is writing: resolves once its writes have ended and their answers
   * are recorded (so `knownInSync` can tell the watch echo of an apply that arrived before the
   * apply's answer); undefined when the app is not writing.
   */
  writing?(appKey: string): Promise<void> | undefined;
}

export interface HealthPort {
  assess(live: KubeObject): { status: HealthStatusCode; message?: string };
}

export type EventType = 'Normal' | 'Warning';

export interface AppChange {
  removeFinalizer?: boolean;
  clearOperation?: boolean;
  removeRefresh?: boolean;
  /** The deletion-approved annotation (ours and Argo CD's), once a sync has used it. */
  removeDeletionApproval?: boolean;
}

/** Writes to the Application itself. */
export interface AppWriter {
  /**
   * Writes `status` (the previous one is `app.status`; fields gone from it are removed); resolves
   * with the resourceVersion the write made (undefined when nothing was written or it is unknown).
   */
  patchStatus(app: Application, status: ApplicationStatus): Promise<string | undefined>;
  /** Removes the resources finalizer (ours or Argo CD's), the `operation`, and/or annotations. */
  patchApp(namespace: string, name: string, change: AppChange): Promise<void>;
  event(app: KubeObject, type: EventType, reason: string, message: string): Promise<void>;
}

/** AppProjects, read from the controller's namespace (an informer's cache: no request per pass). */
export interface ProjectPort {
  /** The controller's namespace: Applications elsewhere need their project's sourceNamespaces. */
  readonly namespace: string;
  /** The project's spec; undefined when it does not exist. */
  get(name: string): AppProjectSpec | undefined;
}
