/**
 * `trueup ui`: the UI the controller serves, on localhost, with the user's kubeconfig. Every
 * request to the API server is made as that user, so RBAC applies as it does to kubectl; there
 * is no token to give and no TokenReview or SubjectAccessReview.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ChartSource } from '../chart-source/chart-source.js';
import { SourceRouter } from '../controller/adapters/chart-source.js';
import { installedEngine } from '../controller/adapters/render-helm.js';
import { clusterSecretSource } from '../controller/adapters/secrets.js';
import { GitSourcePort } from '../controller/adapters/source.js';
import { createClusterClient } from '../kube/index.js';
import { systemClock } from '../runtime/clock.js';
import { GitSource } from '../source/index.js';
import { kubeconfigAccess } from '../ui/access.js';
import { startUi } from '../ui/server.js';
import { kubeConnectionFrom, splitAddress } from './flag-values.js';

export interface UiCliOptions {
  address?: string;
  namespace?: string[];
  kubeconfig?: string;
  context?: string;
  cacheDir?: string;
  /** Leave signal handling to the caller (tests). */
  signals?: boolean;
  staticDir?: string;
}

export async function runUi(o: UiCliOptions) {
  const conn = await kubeConnectionFrom(o.kubeconfig ?? '', o.context, process.env);
  const user = conn.userName || 'kubeconfig user';
  const client = await createClusterClient(conn);
  const log = pino({ level: 'warn', base: { component: 'trueup-ui' } }, pino.destination(2));
  const git = new GitSource({
    cacheDir: o.cacheDir ?? join(homedir(), '.cache', 'trueup', 'git'),
    logger: log,
  });
  const helmEngine = installedEngine({ explicit: process.env.TRUEUP_HELM_ENGINE });
  const ui = await startUi({
    client,
    access: kubeconfigAccess(user),
    namespaces: o.namespace ?? [],
    // Git, or a chart from a Helm repository / OCI registry with the repository Secrets of
    // trueup's own namespace (read as the kubeconfig's user, who may not see them: then anonymous).
    source: new SourceRouter(
      new GitSourcePort(git),
      new ChartSource({ secrets: clusterSecretSource(client, 'trueup-system') }),
    ),
    commits: git,
    helmEngine,
    ...splitAddress(o.address ?? '127.0.0.1:8090', 'address'),
    clock: systemClock,
    log,
    ...(o.staticDir ? { staticDir: o.staticDir } : {}),
    fieldManager: 'trueup-cli',
  });
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await ui.close();
      await helmEngine.close();
      client.close();
      resolveDone();
    })();
    return stopping;
  };
  if (o.signals !== false)
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void stop());
  return { url: ui.url, user, done, stop };
}
