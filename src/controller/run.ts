/**
 * `trueup controller`: the process edge. Reads the config once, connects with the current
 * kubeconfig (or in-cluster), optionally installs the CRD, serves /metrics /healthz /readyz
 * /webhook, and runs the controller (while leading, under leader election) until SIGINT/SIGTERM.
 */
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { TrueupError } from '../api/errors.js';
import { type ControllerConfig, type Env, loadConfig, type RawFlags } from '../config/config.js';
import { createClusterClient } from '../kube/index.js';
import { createMetrics } from '../metrics/metrics.js';
import { readiness } from '../server/readiness.js';
import { startServer } from '../server/server.js';
import { GitSource } from '../source/index.js';
import { version } from '../version.js';
import { TreeRenderPort } from './adapters/render.js';
import { GitSourcePort } from './adapters/source.js';
import { Controller } from './controller.js';
import { installApplicationCrd } from './install-crd.js';
import { kubeLeaseStore, LeaderElector } from './leader-election.js';
import { shard, shardedClient, shardFromPodName, shardLeaseName } from './sharding.js';
import { createWebhookHandler } from './webhook.js';

export function kubeConfigFrom(path: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (err) {
    throw new TrueupError('KubeConfigInvalid', `kubeconfig ${path || '(default)'}: ${String(err)}`, {
      cause: err,
    });
  }
  if (context) kc.setCurrentContext(context);
  if (!kc.getCurrentCluster()) throw new TrueupError('KubeConfigInvalid', 'kubeconfig: no current cluster');
  return kc;
}

function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  const port = Number(address.slice(i + 1));
  if (i < 0 || !Number.isInteger(port)) {
    throw new TrueupError('ConfigInvalid', `config metricsAddress: "${address}" is not host:port`);
  }
  return { host: address.slice(0, i) || '0.0.0.0', port };
}

export interface RunHandle {
  /** Resolves when the process should exit (after a signal and a clean stop). */
  done: Promise<void>;
  stop(): Promise<void>;
  url?: string;
}

/** Starts everything; `signals` false leaves signal handling to the caller (tests). */
export async function runController(
  flags: RawFlags,
  env: Env,
  opts: { signals?: boolean; context?: string } = {},
): Promise<RunHandle> {
  const config: Readonly<ControllerConfig> = loadConfig(flags, env);
  const log = pino({ level: config.logLevel, base: { component: 'trueup-controller' } });
  const kc = kubeConfigFrom(config.kubeconfig, opts.context);
  const client = await createClusterClient(kc);
  // Sharding: this replica sees only its shard's Applications and holds its shard's Lease.
  const shardIndex =
    config.shard ??
    (config.shards > 1 && config.podName ? shardFromPodName(config.podName, config.shards) : 0);
  const owner = shard(shardIndex, config.shards);
  const appClient = config.shards > 1 ? shardedClient(client, owner) : client;
  if (config.installCrd) {
    await installApplicationCrd(client);
    log.info({}, 'Application CRD installed');
  }
  const metrics = createMetrics({ version });
  const git = new GitSource({
    cacheDir: config.cacheDir,
    logger: log,
    maxRepoBytes: config.limits.maxRepoBytes,
    fetchTimeoutMs: config.limits.gitTimeout,
    lsRemoteTimeoutMs: Math.min(config.limits.gitTimeout, 30_000),
  });
  const source = new GitSourcePort(git);
  const render = new TreeRenderPort({
    limits: { maxFileBytes: config.limits.maxFileBytes, maxTotalBytes: config.limits.maxTreeBytes },
  });
  let controller: Controller | undefined;
  const newController = () => new Controller({ client: appClient, config, source, render, log, metrics });

  let elector: LeaderElector | undefined;
  let leading = !config.leaderElection.enabled;
  const server = config.metricsAddress
    ? await startServer(
        {
          metrics,
          readiness: () =>
            readiness({
              cachesSynced: controller?.cachesSynced ?? false,
              ...(elector ? { leaderElection: { leader: leading, running: true } } : {}),
            }),
          webhook: createWebhookHandler({
            secret: config.webhookSecret,
            refresh: (match) => controller?.refreshRepo(match) ?? [],
          }),
          onError: (err) => log.warn({ err: String(err) }, 'http server error'),
        },
        splitAddress(config.metricsAddress),
      )
    : undefined;
  if (server) log.info({ url: server.url }, 'serving /metrics /healthz /readyz /webhook');

  let transition = Promise.resolve();
  const lead = (on: boolean) => {
    transition = transition.then(async () => {
      if (on && !controller) {
        controller = newController();
        await controller.start();
      } else if (!on && controller) {
        const c = controller;
        controller = undefined;
        await c.stop();
        metrics.clearApps();
      }
    });
    return transition;
  };

  if (config.leaderElection.enabled) {
    const le = config.leaderElection;
    elector = new LeaderElector({
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
        leading = state.leader;
        metrics.setLeader(String(shardIndex), state.leader);
        log.info({ leader: state.leader, holder: state.holder }, 'leadership changed');
        void lead(state.leader);
      },
      onError: (err) => log.warn({ err: String(err) }, 'leader election'),
    });
    elector.start();
  } else {
    await lead(true);
  }

  let stopping: Promise<void> | undefined;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  const stop = () => {
    stopping ??= (async () => {
      log.info({}, 'stopping');
      await elector?.stop();
      await lead(false);
      await server?.close();
      client.close();
      resolveDone();
    })();
    return stopping;
  };
  if (opts.signals !== false) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void stop());
  }
  return { done, stop, ...(server ? { url: server.url } : {}) };
}
