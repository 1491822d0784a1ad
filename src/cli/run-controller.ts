/**
 * `trueup controller`: the process edge. Reads the config once, connects with the current
 * kubeconfig (or in-cluster), optionally installs the CRD, serves /metrics /healthz /readyz
 * /webhook, and runs the controller (while leading, under leader election) until SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { PROJECT_KIND } from '../api/app-project.js';
import { APP_API_VERSION } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { AppSetController } from '../appset/controller.js';
import { ChartSource } from '../chart-source/chart-source.js';
import { connectCluster } from '../cluster/connect.js';
import { type ControllerConfig, type Env, loadConfig, type RawFlags } from '../config/config.js';
import { SourceRouter } from '../controller/adapters/chart-source.js';
import { TreeRenderPort } from '../controller/adapters/render.js';
import { installedEngine } from '../controller/adapters/render-helm.js';
import { clusterSecretSource } from '../controller/adapters/secrets.js';
import { GitSourcePort } from '../controller/adapters/source.js';
import { KubeAppWriter } from '../controller/adapters/writer.js';
import { Controller } from '../controller/controller.js';
import { installCrds } from '../controller/install-crd.js';
import { ensureDefaultProject } from '../controller/projects.js';
import type { Logger } from '../controller/reconciler.js';
import { ImageController } from '../image/controller.js';
import { GitUpdater } from '../image/git-update.js';
import { clusterClientOver } from '../kube/index.js';
import { createTransport } from '../kube/transport.js';
import type { ClusterClient } from '../kube/types.js';
import { instrumentChartFetch, instrumentGitHttp, instrumentKubeTransport } from '../metrics/instrument.js';
import { createMetrics } from '../metrics/metrics.js';
import { createNotifications } from '../notify/start.js';
import { goTemplateRenderer } from '../notify/templates.js';
import { OciClient } from '../oci/client.js';
import { systemClock } from '../runtime/clock.js';
import { kubeLeaseStore, LeaderElector } from '../runtime/leader-election.js';
import { shard, shardedClient, shardFromPodName, shardLeaseName } from '../runtime/sharding.js';
import { startServer } from '../server/server.js';
import { createWebhookHandler, pushMatches, pushMatchesSource } from '../server/webhook.js';
import { cachedSecretSource } from '../source/credentials.js';
import { GitSource, nodeHttpClient } from '../source/index.js';
import { version } from '../version.js';
import { kubeConnectionFrom, splitAddress } from './flag-values.js';
import { type Campaign, replicaLiveness, replicaReadiness, whileLeading } from './replica.js';

export interface RunHandle {
  /** Resolves when the process should exit (after a signal and a clean stop). */
  done: Promise<void>;
  stop(): Promise<void>;
  url?: string;
  /** The UI's URL, when --ui-address is set. */
  uiUrl?: string;
}

/** Starts everything; `signals` false leaves signal handling to the caller (tests). */
export async function runController(
  flags: RawFlags,
  env: Env,
  opts: { signals?: boolean; context?: string } = {},
): Promise<RunHandle> {
  const config: Readonly<ControllerConfig> = loadConfig(flags, env);
  const log = pino({ level: config.logLevel, base: { component: 'trueup-controller' } });
  // config.kubeconfig is --kubeconfig or else KUBECONFIG (a list of files, merged as kubectl does).
  const conn = await kubeConnectionFrom(config.kubeconfig, opts.context, env);
  const metrics = createMetrics({ version });
  // Every API request and every Git HTTP request is counted (trueup_kube_requests_total,
  // trueup_git_requests_total and its duration histogram).
  const client = clusterClientOver(instrumentKubeTransport(await createTransport(conn), metrics));
  // Sharding: this replica sees only its shard's Applications and holds its shard's Lease.
  const shardIndex =
    config.shard ??
    (config.shards > 1 && config.podName ? shardFromPodName(config.podName, config.shards) : 0);
  const owner = shard(shardIndex, config.shards);
  const appClient = config.shards > 1 ? shardedClient(client, owner) : client;
  if (config.installCrd) {
    await installCrds(client);
    log.info({}, 'CRDs installed');
  }
  // Repository credentials: labelled Secrets in the controller's own namespace, as Argo CD's.
  const repoSecrets = clusterSecretSource(client, config.leaderElection.leaseNamespace);
  const git = new GitSource({
    cacheDir: config.cacheDir,
    secrets: repoSecrets,
    http: instrumentGitHttp(nodeHttpClient, metrics),
    logger: log,
    maxRepoBytes: config.limits.maxRepoBytes,
    fetchTimeoutMs: config.limits.gitTimeout,
    lsRemoteTimeoutMs: Math.min(config.limits.gitTimeout, 30_000),
  });
  // Charts from Helm repositories and OCI registries (spec.source.chart), in memory by digest.
  // One list of repository Secrets per 10 s for charts too (a poll of many apps, one list).
  const charts = new ChartSource({
    secrets: cachedSecretSource(repoSecrets, 10_000, Date.now),
    fetch: instrumentChartFetch((input, init) => fetch(input, init), metrics),
  });
  const source = new SourceRouter(new GitSourcePort(git, 5000, () => systemClock.now()), charts);
  // Loaded on the first chart render only; missing, it fails the Helm apps alone.
  const helmEngine = installedEngine({
    explicit: env.TRUEUP_HELM_ENGINE,
    timeoutMs: config.limits.renderTimeout,
  });
  const render = new TreeRenderPort({
    helmEngine: () => helmEngine.get(),
    limits: {
      maxTotalBytes: config.limits.maxTreeBytes,
      maxYamlAliases: config.limits.renderMaxAliasNodes,
      timeoutMs: config.limits.renderTimeout,
    },
  });
  // AppProjects live in the controller's namespace; a cluster without their CRD (an upgrade that
  // did not apply crds/) runs with the `default` project only, and says so.
  const projectNamespace = await projectsNamespace(client, config.leaderElection.leaseNamespace, log);
  const eventWriter = new KubeAppWriter(client);
  let controller: Controller | undefined;
  let appsets: AppSetController | undefined;
  // Image automation (ImageRepository, ImagePolicy, ImageUpdateAutomation): run by shard 0 only,
  // so a sharded install scans and pushes once.
  const imageGit = new GitUpdater({
    workDir: join(config.cacheDir, 'image-automation'),
    http: instrumentGitHttp(nodeHttpClient, metrics),
    secrets: clusterSecretSource(client, config.leaderElection.leaseNamespace),
    timeoutMs: config.limits.gitTimeout,
  });
  const newImageController = () =>
    new ImageController({
      client,
      oci: new OciClient(),
      git: imageGit,
      templates: () => helmEngine.get(),
      log: log.child({ component: 'image-automation' }),
      clock: systemClock,
      namespaces: config.namespaces,
      event: (obj, type, reason, message) => eventWriter.event(obj, type, reason, message),
      metrics: metrics.image,
      // A push reaches the Applications on that repository at once, as a webhook would.
      onPushed: (repoURL, branch) =>
        controller?.refreshRepo((app) =>
          pushMatches({ provider: 'github', repoURLs: [repoURL], branch }, app),
        ),
    });
  /** Starts reconciling; returns how to stop (and forget this replica's app series). */
  const work = async () => {
    const notifications = config.notifications
      ? createNotifications({
          client,
          clock: systemClock,
          random: Math.random,
          log,
          namespaces: config.namespaces,
          event: (app, type, reason, message) =>
            eventWriter.event(app as unknown as KubeObject, type, reason, message),
          count: (provider, type, result) => metrics.recordNotification(provider, type, result),
          ...(config.uiUrl ? { uiUrl: config.uiUrl } : {}),
          // The same engine (loaded on first use) as chart renders.
          templates: goTemplateRenderer(() => helmEngine.get()),
        })
      : undefined;
    await notifications?.start();
    const c = new Controller({
      client: appClient,
      config,
      source,
      render,
      log,
      metrics,
      clock: systemClock,
      ...(projectNamespace ? { projectNamespace } : {}),
      ...(notifications ? { notify: notifications.notifier } : {}),
      // A commit one app found on a repository and ref: the ApplicationSets whose git generators
      // read that ref are evaluated again at once, with the answer that app's pass fetched.
      onNewRevision: (ref) =>
        appsets?.refreshRepos((repoURL, revision) => repoURL === ref.repoURL && revision === ref.ref, {
          invalidate: false,
        }),
      // Remote destinations: cluster Secrets in the controller's namespace (Argo CD's format).
      clusters: {
        namespace: config.leaderElection.leaseNamespace,
        connect: (entry) => connectCluster(entry, (t) => instrumentKubeTransport(t, metrics)),
      },
    });
    controller = c;
    // ApplicationSets: one controller for all shards (shard 0's), sharing the Git source.
    const sets =
      shardIndex === 0
        ? new AppSetController({
            client,
            source,
            goEngine: () => helmEngine.get(),
            namespaces: config.namespaces,
            // The clusters generator lists the same cluster Secrets the Applications deploy through.
            clusterSecretsNamespace: config.leaderElection.leaseNamespace,
            concurrency: Math.max(1, Math.min(config.concurrency, 4)),
            requeueInterval: config.requeueInterval,
            clock: systemClock,
            log,
          })
        : undefined;
    appsets = sets;
    await Promise.all([c.start(), sets?.start()]);
    const images = shardIndex === 0 ? newImageController() : undefined;
    images?.start();
    return async () => {
      await images?.stop();
      if (controller === c) controller = undefined;
      if (appsets === sets) appsets = undefined;
      await Promise.all([c.stop(), sets?.stop()]);
      await notifications?.stop();
      metrics.clearApps();
    };
  };

  let elector: Campaign | undefined;
  if (config.metricsAddress && !config.webhookSecret) {
    log.warn(
      {},
      config.webhookInsecure
        ? 'POST /webhook accepts unsigned requests (--webhook-insecure): anyone who reaches the port can trigger Git fetches'
        : 'POST /webhook refuses every request: no webhook secret is configured (TRUEUP_WEBHOOK_SECRET)',
    );
  }
  const server = config.metricsAddress
    ? await startServer(
        {
          metrics,
          readiness: () => replicaReadiness(controller?.cachesSynced ?? false, elector),
          liveness: () => replicaLiveness(controller, elector, systemClock.now(), config.stallTimeout),
          webhook: createWebhookHandler({
            secret: config.webhookSecret,
            insecure: config.webhookInsecure,
            refresh: (match) => controller?.refreshRepo(match) ?? [],
            refreshSets: (push) =>
              appsets?.refreshRepos((repoURL, revision) => pushMatchesSource(push, repoURL, revision)) ?? [],
            refreshPullRequests: (pr) => appsets?.refreshPullRequests(pr.owner, pr.repo) ?? [],
          }),
          onError: (err) => log.warn({ err: String(err) }, 'http server error'),
        },
        splitAddress(config.metricsAddress),
      )
    : undefined;
  if (server) log.info({ url: server.url }, 'serving /metrics /healthz /readyz /webhook');
  // The UI runs on every replica (its own watch of the Applications), leading or not, all shards.
  const ui = config.uiAddress
    ? await (await import('../ui/server.js')).startUi({
        client,
        access: (await import('../ui/access.js')).tokenAccess(client),
        namespaces: config.namespaces,
        source,
        commits: git,
        helmEngine,
        ...splitAddress(config.uiAddress, 'uiAddress'),
        ...(config.uiTlsCertFile
          ? { tls: { cert: readFileSync(config.uiTlsCertFile), key: readFileSync(config.uiTlsKeyFile) } }
          : {}),
        clock: systemClock,
        log,
      })
    : undefined;
  if (ui) log.info({ url: ui.url }, 'serving the UI and /api/v1/');

  let stopWork: () => Promise<void>;
  if (config.leaderElection.enabled) {
    const le = config.leaderElection;
    const elected = whileLeading(
      (onChange) =>
        new LeaderElector({
          store: kubeLeaseStore(
            client,
            le.leaseNamespace,
            shardLeaseName(le.leaseName, shardIndex, config.shards),
          ),
          identity: `${config.podName || hostname()}-${Math.random().toString(16).slice(2, 8)}`,
          leaseDurationMs: le.leaseDuration,
          renewDeadlineMs: le.renewDeadline,
          retryPeriodMs: le.retryPeriod,
          onChange: (state) => {
            metrics.setLeader(String(shardIndex), state.leader);
            log.info({ leader: state.leader, holder: state.holder }, 'leadership changed');
            onChange(state);
          },
          onError: (err) => log.warn({ err: String(err) }, 'leader election'),
        }),
      work,
    );
    elector = elected.elector;
    stopWork = elected.stop;
  } else {
    stopWork = await work();
  }

  let stopping: Promise<void> | undefined;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  const stop = () => {
    stopping ??= (async () => {
      log.info({}, 'stopping');
      await stopWork();
      await server?.close();
      await ui?.close();
      await helmEngine.close();
      client.close();
      resolveDone();
    })();
    return stopping;
  };
  if (opts.signals !== false) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void stop());
  }
  return { done, stop, ...(server ? { url: server.url } : {}), ...(ui ? { uiUrl: ui.url } : {}) };
}

/** The namespace AppProjects are read from (creating `default` there), or undefined without their CRD. */
async function projectsNamespace(
  client: ClusterClient,
  namespace: string,
  log: Logger,
): Promise<string | undefined> {
  try {
    await client.mapping(APP_API_VERSION, PROJECT_KIND);
  } catch (err) {
    log.warn(
      { err: errorMessage(err) },
      'the AppProject CRD is not installed (apply crds/ or run with --install-crd): every app uses the default project, without restrictions; spec.project other than default is refused',
    );
    return undefined;
  }
  try {
    if (await ensureDefaultProject(client, namespace)) log.info({ namespace }, 'AppProject default created');
  } catch (err) {
    // Not fatal: a missing `default` project permits everything anyway.
    log.warn({ namespace, err: errorMessage(err) }, 'AppProject default could not be created');
  }
  return namespace;
}
