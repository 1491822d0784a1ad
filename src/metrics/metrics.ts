/**
 * Every Prometheus metric trueup exports, in one prom-client Registry created by
 * `createMetrics()` (never the global default registry, so tests and several controllers in
 * one process stay apart). Callers record through the typed methods below; label values that
 * come from user input are sanitised and bounded here.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabel, sanitizeRepoURL } from './labels.js';

/** What `trueup_app_info` says about one Application. */
export interface AppInfo {
  namespace: string;
  name: string;
  project?: string;
  repoURL: string;
  destServer?: string;
  destNamespace?: string;
  syncStatus: string;
  healthStatus: string;
  autoSync: boolean;
}

/** Phases of a sync operation (as Argo CD's operationState.phase). */
export const SyncPhase = {
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Error: 'Error',
} as const;
export type SyncPhase = (typeof SyncPhase)[keyof typeof SyncPhase];

export const GitRequestType = { LsRemote: 'ls-remote', Fetch: 'fetch' } as const;
export type GitRequestType = (typeof GitRequestType)[keyof typeof GitRequestType];

export interface MetricsOptions {
  /** Export the default Node.js process metrics (CPU, memory, event loop, GC). Default true. */
  processMetrics?: boolean;
  /** Distinct repository label values kept before new ones become `_other`. Default 200. */
  maxRepos?: number;
  /** Distinct `resource` values on kube request metrics. Default 200. */
  maxResources?: number;
  /** Distinct `provider` values on trueup_notifications_total. Default 200. */
  maxProviders?: number;
  /** Added to every series (e.g. `{shard: "0"}`). */
  defaultLabels?: Record<string, string>;
  version?: string;
}

export interface Metrics {
  readonly registry: Registry;
  /** The exposition text served at /metrics. */
  render(): Promise<string>;
  readonly contentType: string;

  /** Sets the one `trueup_app_info` series of an app (replacing its previous labels). */
  setApp(app: AppInfo): void;
  /** Removes every per-app series of a deleted Application. */
  deleteApp(namespace: string, name: string): void;
  /** Removes every per-app series (a replica that stops leading reports no apps). */
  clearApps(): void;
  recordSync(namespace: string, name: string, phase: SyncPhase): void;
  observeReconcile(seconds: number, result: 'success' | 'error'): void;
  recordDriftCorrection(namespace: string, name: string, objects?: number): void;
  observeGitRequest(repoURL: string, type: GitRequestType, seconds: number, failed?: boolean): void;
  /** A request for a chart (index.yaml, archive, OCI manifest/blob/tags/token), by host only. */
  recordChartRequest(host: string, code: number | string): void;
  /** `code` is the HTTP status, or a word (`error`) when no response arrived. */
  recordKubeRequest(verb: string, resource: string, code: number | string): void;
  readonly queue: QueueMetrics;
  /** 1 while this replica leads the given shard, else 0. */
  setLeader(shard: string, leader: boolean): void;
  /**
   * One notification outcome: `provider` is the NotificationProvider's namespace/name (never
   * its address), `type` its type, `result` sent, duplicate, retried, failed or dropped.
   */
  recordNotification(provider: string, type: string, result: string): void;
  readonly image: ImageMetrics;
}

/** Image automation (src/image): label values are fixed words, never object names. */
export interface ImageMetrics {
  /** One registry scan of an ImageRepository, `success` or `error`, and how long it took. */
  observeScan(result: 'success' | 'error', seconds: number): void;
  /** One ImageUpdateAutomation run: `pushed` a commit, `no_change`, or `error`. */
  recordAutomationRun(result: 'pushed' | 'no_change' | 'error'): void;
}

export interface QueueMetrics {
  /** Items waiting in one lane of the queue (`urgent`: something happened; `periodic`: the poll). */
  setDepth(queue: string, depth: number, lane: string): void;
  added(queue: string): void;
  retried(queue: string): void;
  /** Seconds an item waited in a lane of the queue before a worker took it. */
  observeWait(queue: string, seconds: number, lane: string): void;
  /** Seconds a worker spent on an item. */
  observeWork(queue: string, seconds: number): void;
}

const APP_INFO_LABELS = [
  'namespace',
  'name',
  'project',
  'repo',
  'dest_server',
  'dest_namespace',
  'sync_status',
  'health_status',
  'autosync_enabled',
] as const;
type AppInfoLabel = (typeof APP_INFO_LABELS)[number];

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const PHASES: readonly SyncPhase[] = Object.values(SyncPhase);

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const repos = new BoundedLabel(options.maxRepos ?? 200);
  const resources = new BoundedLabel(options.maxResources ?? 200);
  const repoLabel = (url: string) => repos.value(sanitizeRepoURL(url));
  const registers = [registry];

  new Gauge({
    name: 'trueup_build_info',
    help: 'Build information of the running trueup; always 1.',
    labelNames: ['version'],
    registers,
  }).set({ version: options.version ?? 'unknown' }, 1);

  const appInfo = new Gauge<AppInfoLabel>({
    name: 'trueup_app_info',
    help: 'Information about an Application, 1 per Application; its labels carry sync and health status.',
    labelNames: APP_INFO_LABELS,
    registers,
  });
  const syncTotal = new Counter<'namespace' | 'name' | 'phase'>({
    name: 'trueup_app_sync_total',
    help: 'Sync operations by Application and final phase.',
    labelNames: ['namespace', 'name', 'phase'],
    registers,
  });
  const reconcileDuration = new Histogram<'result'>({
    name: 'trueup_app_reconcile_duration_seconds',
    help: 'Duration of one Application reconcile (resolve, render, plan, apply, health, status).',
    labelNames: ['result'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const driftCorrections = new Counter<'namespace' | 'name'>({
    name: 'trueup_drift_corrections_total',
    help: 'Live objects re-applied because they drifted from Git (self-heal), by Application.',
    labelNames: ['namespace', 'name'],
    registers,
  });
  const gitRequests = new Counter<'repo' | 'request_type' | 'failed'>({
    name: 'trueup_git_requests_total',
    help: 'Git requests (ls-remote, fetch) by repository (credentials stripped).',
    labelNames: ['repo', 'request_type', 'failed'],
    registers,
  });
  const gitDuration = new Histogram<'repo' | 'request_type'>({
    name: 'trueup_git_request_duration_seconds',
    help: 'Duration of Git requests by repository (credentials stripped).',
    labelNames: ['repo', 'request_type'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const chartRequests = new Counter<'host' | 'code'>({
    name: 'trueup_chart_requests_total',
    help: 'Requests for charts (Helm repositories, OCI registries and their token services) by host and response code.',
    labelNames: ['host', 'code'],
    registers,
  });
  const kubeRequests = new Counter<'verb' | 'resource' | 'code'>({
    name: 'trueup_kube_requests_total',
    help: 'Requests to the Kubernetes API by verb, resource and response code.',
    labelNames: ['verb', 'resource', 'code'],
    registers,
  });
  const queueDepth = new Gauge<'queue' | 'lane'>({
    name: 'trueup_workqueue_depth',
    help: 'Items waiting in the work queue, by lane (urgent: something happened; periodic: only the poll is due).',
    labelNames: ['queue', 'lane'],
    registers,
  });
  const queueAdds = new Counter<'queue'>({
    name: 'trueup_workqueue_adds_total',
    help: 'Items added to the work queue.',
    labelNames: ['queue'],
    registers,
  });
  const queueRetries = new Counter<'queue'>({
    name: 'trueup_workqueue_retries_total',
    help: 'Items requeued with backoff after a failure.',
    labelNames: ['queue'],
    registers,
  });
  const queueWait = new Histogram<'queue' | 'lane'>({
    name: 'trueup_workqueue_queue_duration_seconds',
    help: 'Seconds an item waits in a lane of the work queue before a worker takes it.',
    labelNames: ['queue', 'lane'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const queueWork = new Histogram<'queue'>({
    name: 'trueup_workqueue_work_duration_seconds',
    help: 'Seconds a worker spends on one item.',
    labelNames: ['queue'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const providers = new BoundedLabel(options.maxProviders ?? 200);
  const notifications = new Counter<'provider' | 'type' | 'result'>({
    name: 'trueup_notifications_total',
    help: 'Notification deliveries by NotificationProvider (namespace/name), provider type and result (sent, duplicate, retried, failed, dropped).',
    labelNames: ['provider', 'type', 'result'],
    registers,
  });
  const imageScans = new Counter<'result'>({
    name: 'trueup_image_scan_total',
    help: 'ImageRepository registry scans by result (success, error).',
    labelNames: ['result'],
    registers,
  });
  const imageScanDuration = new Histogram<'result'>({
    name: 'trueup_image_scan_duration_seconds',
    help: 'Duration of one ImageRepository registry scan (every tag page), by result.',
    labelNames: ['result'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const imagePushes = new Counter<'result'>({
    name: 'trueup_image_automation_push_total',
    help: 'ImageUpdateAutomation runs by result: pushed (a commit), no_change (nothing to commit), error.',
    labelNames: ['result'],
    registers,
  });
  for (const result of ['success', 'error']) imageScans.inc({ result }, 0);
  for (const result of ['pushed', 'no_change', 'error']) imagePushes.inc({ result }, 0);
  const leader = new Gauge<'shard'>({
    name: 'trueup_controller_leader',
    help: '1 while this replica holds the leader Lease of the shard, else 0.',
    labelNames: ['shard'],
    registers,
  });

  /** The labels each app's info series currently has, to replace or remove it exactly. */
  const appSeries = new Map<string, Record<AppInfoLabel, string>>();
  const appKey = (namespace: string, name: string) => `${namespace}/${name}`;

  const deleteApp = (namespace: string, name: string): void => {
    const key = appKey(namespace, name);
    const previous = appSeries.get(key);
    if (previous) appInfo.remove(previous);
    appSeries.delete(key);
    for (const phase of PHASES) syncTotal.remove({ namespace, name, phase });
    driftCorrections.remove({ namespace, name });
  };

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    setApp(app) {
      const key = appKey(app.namespace, app.name);
      const labels: Record<AppInfoLabel, string> = {
        namespace: app.namespace,
        name: app.name,
        project: app.project ?? 'default',
        repo: repoLabel(app.repoURL),
        dest_server: app.destServer ?? '',
        dest_namespace: app.destNamespace ?? '',
        sync_status: app.syncStatus,
        health_status: app.healthStatus,
        autosync_enabled: String(app.autoSync),
      };
      const previous = appSeries.get(key);
      if (previous) appInfo.remove(previous);
      else {
        // Zeroed counters from the start, so `increase()` sees an app's first failure.
        for (const phase of PHASES) syncTotal.inc({ namespace: app.namespace, name: app.name, phase }, 0);
        driftCorrections.inc({ namespace: app.namespace, name: app.name }, 0);
      }
      appInfo.set(labels, 1);
      appSeries.set(key, labels);
    },
    deleteApp,
    clearApps() {
      for (const labels of [...appSeries.values()]) deleteApp(labels.namespace, labels.name);
    },
    recordSync(namespace, name, phase) {
      syncTotal.inc({ namespace, name, phase });
    },
    observeReconcile(seconds, result) {
      reconcileDuration.observe({ result }, seconds);
    },
    recordDriftCorrection(namespace, name, objects = 1) {
      driftCorrections.inc({ namespace, name }, objects);
    },
    observeGitRequest(repoURL, type, seconds, failed = false) {
      const repo = repoLabel(repoURL);
      gitRequests.inc({ repo, request_type: type, failed: String(failed) });
      gitDuration.observe({ repo, request_type: type }, seconds);
    },
    recordChartRequest(host, code) {
      chartRequests.inc({ host, code: String(code) });
    },
    recordKubeRequest(verb, resource, code) {
      kubeRequests.inc({ verb: verb.toLowerCase(), resource: resources.value(resource), code: String(code) });
    },
    queue: {
      setDepth: (queue, depth, lane) => queueDepth.set({ queue, lane }, depth),
      added: (queue) => queueAdds.inc({ queue }),
      retried: (queue) => queueRetries.inc({ queue }),
      observeWait: (queue, seconds, lane) => queueWait.observe({ queue, lane }, seconds),
      observeWork: (queue, seconds) => queueWork.observe({ queue }, seconds),
    },
    setLeader(shard, isLeader) {
      leader.set({ shard }, isLeader ? 1 : 0);
    },
    recordNotification(provider, type, result) {
      notifications.inc({ provider: providers.value(provider), type, result });
    },
    image: {
      observeScan(result, seconds) {
        imageScans.inc({ result });
        imageScanDuration.observe({ result }, seconds);
      },
      recordAutomationRun(result) {
        imagePushes.inc({ result });
      },
    },
  };
}
