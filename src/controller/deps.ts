/** What the reconciler is built from: its ports, clock, caches and observers. */
import type { Application, ApplicationStatus } from '../api/application.js';
import type { ServerCapabilities } from '../kube/capabilities.js';
import type { Clock } from '../runtime/clock.js';
import type {
  AppWriter,
  DecryptionKeysPort,
  HealthPort,
  ObjectId,
  ProjectPort,
  RenderPort,
  SourcePort,
  SyncPort,
} from './ports.js';
import type { RenderCache } from './render-cache.js';
import type { ResolvedRef } from './revision-followers.js';

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

export interface ReconcilerDeps {
  source: SourcePort;
  render: RenderPort;
  sync: SyncPort;
  health: HealthPort;
  writer: AppWriter;
  clock: Clock;
  renderCache: RenderCache;
  /** Reads spec.decryption's keys; without it an Application with spec.decryption fails to render. */
  decryption?: DecryptionKeysPort;
  /** The destination cluster this reconciler syncs to (projects match it); default the controller's own. */
  cluster?: { server: string; name: string };
  /** AppProjects; without it only the `default` project exists (permitting everything). */
  projects?: ProjectPort;
  /** --deny-plain-secrets: a Secret from Git holding cleartext data fails the sync (else a warning). */
  denyPlainSecrets?: boolean;
  /** The Git poll interval: a resolved revision older than this is resolved again. */
  requeueInterval: number;
  /** Re-check interval while resources are progressing (and for `waiting` errors). */
  progressInterval?: number;
  /** Live objects whose tracking id names the app (from the informers). */
  trackedObjects?: (appNamespace: string, appName: string) => ObjectId[];
  /** The keys (`ns/name`) of the apps with tracked live objects in `namespace` (from the informers). */
  appsWithObjectsIn?: (namespace: string) => string[];
  /**
   * Told which kinds an app manages, so they are watched; resolves once their caches have
   * listed (so objects applied by an earlier, interrupted sync are known before planning).
   */
  watchKinds?: (kinds: readonly { apiVersion: string; kind: string }[]) => Promise<void>;
  /** The destination cluster's version and API versions (Helm's .Capabilities), cached by the caller. */
  capabilities?: () => Promise<ServerCapabilities>;
  log?: Logger;
  /**
   * Told the Git refs a pass resolved afresh (not from its recall) and their commits: a commit
   * new for a ref queues the other apps following it (revision-followers.ts).
   */
  revisionResolved?: (appKey: string, refs: ResolvedRef[]) => void;
  /** Told the outcome of every pass (metrics). */
  observe?: (app: Application, status: ApplicationStatus, info: PassInfo) => void;
  /** Notifications (src/notify): told of each sync about to run and of every pass; only enqueues. */
  notify?: NotifyPort;
}

/** What the reconciler tells the notifier; implementations must return at once (no I/O). */
export interface NotifyPort {
  /** A sync of `revision` is about to run (commit status `pending`). */
  syncStarting(app: Application, revision: string): void;
  /** A pass ended: `app.status` is the status before it, `status` the one it wrote. */
  passed(app: Application, status: ApplicationStatus, info: PassInfo): void;
}

export interface PassInfo {
  /** The revision the pass resolved (set once resolved, whatever happens after). */
  revision?: string;
  /** The pass synced with the app's deletion approval (which is then removed). */
  usedApproval?: boolean;
  /** Set when this pass ran a sync. */
  syncPhase?: 'Running' | 'Succeeded' | 'Failed';
  /** Objects re-applied because they drifted (self-heal). */
  driftCorrected?: number;
}
