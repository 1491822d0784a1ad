/**
 * `npm run demo`: trueup end to end on this machine, in one command.
 *
 * 1. starts the local control plane (kube-apiserver, etcd, controller-manager, simulated
 *    nodes so pods run, and metrics-server so HorizontalPodAutoscalers work; built from Go
 *    modules the first time, with progress shown);
 * 2. serves examples/ as a Git repository over HTTP on 127.0.0.1;
 * 3. runs the trueup controller in this process, with /metrics, /healthz, /readyz, /webhook,
 *    and the web UI on localhost (as `trueup ui` serves it);
 * 4. applies examples/bootstrap.yaml (the app of apps) and examples/appset/team-config.yaml
 *    (an ApplicationSet: one app per directory) and shows a live table of the Applications
 *    until all are Synced and Healthy;
 * 5. scales a Deployment with kubectl and shows trueup reverting it;
 * 6. prints the web UI and metrics URLs and kubectl lines to try, and runs until Ctrl-C.
 *
 * Usage: npm run demo [-- --once] [-- --port 8080]
 *   --once   exit after the self-heal step instead of running until Ctrl-C
 *   --port   port of the metrics/health server (default: a free one)
 */
import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import type { Application } from '../src/api/application.js';
import { errorMessage } from '../src/api/errors.js';
import { AppSetController } from '../src/appset/controller.js';
import { TreeRenderPort } from '../src/controller/adapters/render.js';
import { installedEngine } from '../src/controller/adapters/render-helm.js';
import { GitSourcePort } from '../src/controller/adapters/source.js';
import { Controller } from '../src/controller/controller.js';
import { installCrds } from '../src/controller/install-crd.js';
import { locateEngine } from '../src/helm/locate.js';
import { clusterClientOver } from '../src/kube/index.js';
import { createTransport } from '../src/kube/transport.js';
import { instrumentGitHttp, instrumentKubeTransport } from '../src/metrics/instrument.js';
import { createMetrics } from '../src/metrics/metrics.js';
import { systemClock } from '../src/runtime/clock.js';
import { readiness } from '../src/server/readiness.js';
import { type RunningServer, startServer } from '../src/server/server.js';
import { createWebhookHandler, pushMatchesSource } from '../src/server/webhook.js';
import { nodeHttpClient } from '../src/source/http.js';
import { GitSource } from '../src/source/index.js';
import { kubeconfigAccess } from '../src/ui/access.js';
import { startUi } from '../src/ui/server.js';
import { version } from '../src/version.js';
import { type ControlPlane, startControlPlane } from '../test/control-plane/control-plane.js';
import { GitHttpServer } from '../test/support/git-server.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const EXAMPLES = join(ROOT, 'examples');
const PLACEHOLDER_REPO = 'https://git.example.com/org/gitops-config.git';
const APP_NS = 'trueup-system';

const args = process.argv.slice(2);
const once = args.includes('--once');
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 0;
const tty = process.stdout.isTTY === true;
const color = (code: number) => (s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = color(1);
const dim = color(2);
const green = color(32);
const yellow = color(33);
const red = color(31);
const cyan = color(36);
const out = (s = '') => process.stdout.write(`${s}\n`);
const step = (s: string) => out(`\n${bold(cyan('▸'))} ${bold(s)}`);

// ---------------------------------------------------------------------------------------------
// Everything started is stopped on the way out, in reverse order, once.
const cleanups: (() => Promise<unknown>)[] = [];
let stopping: Promise<void> | undefined;
function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    process.exit(code);
  })();
  return stopping;
}
process.on('SIGINT', () => {
  out(`\n${dim('stopping: controller, metrics server, Git server, control plane...')}`);
  void shutdown(0);
});
process.on('SIGTERM', () => void shutdown(0));

async function filesOf(dir: string): Promise<string[]> {
  const result: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) result.push(...(await filesOf(path)));
    else if (entry.isFile()) result.push(path);
  }
  return result.sort();
}

const shortRev = (rev: string | undefined) =>
  rev
    ? rev
        .replace(/^.*@/, '')
        .replace(/^sha1:/, '')
        .slice(0, 7)
    : '';
const paint = (status: string) =>
  ['Synced', 'Healthy'].includes(status)
    ? green(status)
    : ['OutOfSync', 'Degraded', 'Missing'].includes(status)
      ? red(status)
      : yellow(status);

function table(apps: Application[]): string[] {
  const rows = apps
    .map((a) => [
      a.metadata.name ?? '',
      a.status?.sync?.status ?? '',
      a.status?.health?.status ?? '',
      shortRev(a.status?.sync?.revision),
      a.spec.source?.path ?? (a.spec.sources ?? []).map((s) => s.path ?? '').join(','),
    ])
    .sort((x, y) => (x[0] ?? '').localeCompare(y[0] ?? ''));
  const head = ['NAME', 'SYNC', 'HEALTH', 'REVISION', 'PATH'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[], colorize: boolean) =>
    r
      .map((c, i) => {
        const padded = c.padEnd(widths[i] ?? 0);
        return colorize && (i === 1 || i === 2) ? padded.replace(c, paint(c)) : padded;
      })
      .join('   ')
      .trimEnd();
  return [dim(fmt(head, false)), ...rows.map((r) => fmt(r, true))];
}

/** Redraws the table in place on a terminal; prints it only when it changed otherwise. */
function liveTable() {
  let drawn = 0;
  let last = '';
  return (lines: string[]) => {
    const text = lines.join('\n');
    if (text === last) return;
    last = text;
    if (tty && drawn > 0) process.stdout.write(`\x1b[${drawn}A\x1b[J`);
    else if (!tty && drawn > 0) out(dim('—'));
    out(text);
    drawn = lines.length;
  };
}

/** `kubectl apply -f -` of `text`; resolves with kubectl's output. */
function kubectlStdin(kubeconfig: string, text: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = execFile('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
    child.stdin?.end(text);
  });
}

async function main(): Promise<void> {
  out(bold(`trueup ${version} demo`) + dim('  (Ctrl-C stops everything)'));

  for (const [tool, why] of [
    ['kubectl', 'the demo drives the cluster with kubectl, as you would'],
    ['git', 'the local Git server runs git http-backend'],
  ] as const) {
    try {
      await run(tool, tool === 'kubectl' ? ['version', '--client'] : ['--version']);
    } catch {
      throw new Error(`${tool} is not installed: ${why}`);
    }
  }

  step('Starting the local Kubernetes control plane');
  out(
    dim(
      '  kube-apiserver, etcd, kube-controller-manager, kube-scheduler, kwok nodes and metrics-server, on 127.0.0.1',
    ),
  );
  let ticker: NodeJS.Timeout | undefined;
  const buildStarted = Date.now();
  const cp: ControlPlane = await startControlPlane({
    workloads: true,
    log: (line) => {
      if (!/building|built|cached|ready/.test(line)) return;
      if (/building/.test(line) && !ticker) {
        out(
          yellow('  first run on this machine: building the control plane from Go modules (several minutes)'),
        );
        ticker = setInterval(
          () => out(dim(`  ... still building (${Math.round((Date.now() - buildStarted) / 1000)} s)`)),
          30_000,
        );
      }
      out(dim(`  ${line.replace(/^\[control-plane\] /, '')}`));
    },
  }).finally(() => clearInterval(ticker));
  cleanups.push(() => cp.stop());
  const kubectl = async (...a: string[]) =>
    (await run('kubectl', ['--kubeconfig', cp.kubeconfigPath, ...a], { maxBuffer: 16 << 20 })).stdout;

  step('Serving examples/ as a Git repository');
  const git = await GitHttpServer.start();
  cleanups.push(() => git.close());
  const repo = await git.createRepo('gitops-config');
  const repoURL = git.url('gitops-config');
  const files: Record<string, string> = {};
  for (const path of await filesOf(EXAMPLES)) {
    files[relative(EXAMPLES, path)] = (await readFile(path, 'utf8')).replaceAll(PLACEHOLDER_REPO, repoURL);
  }
  const head = await repo.commit(files, 'examples: web-api dev and prod, app of apps');
  out(dim(`  ${repoURL}  (main @ ${head.slice(0, 7)}, ${Object.keys(files).length} files)`));

  step('Starting the trueup controller (in this process)');
  const metrics = createMetrics({ version });
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const client = clusterClientOver(instrumentKubeTransport(await createTransport(kc), metrics));
  cleanups.push(async () => client.close());
  await installCrds(client);
  await kubectl('create', 'namespace', APP_NS);
  const cacheDir = await mkdtemp(join(tmpdir(), 'trueup-demo-cache-'));
  cleanups.push(() => rm(cacheDir, { recursive: true, force: true }));
  const source = new GitSource({ cacheDir, http: instrumentGitHttp(nodeHttpClient, metrics) });
  // The Helm engine, when built (bash helm/build.sh): the demo then adds the Helm example app.
  const helmEngine = installedEngine();
  cleanups.push(() => helmEngine.close());
  const helmBuilt = await locateEngine().then(
    () => true,
    () => false,
  );
  const sourcePort = new GitSourcePort(source);
  const controller = new Controller({
    client,
    config: { concurrency: 4, requeueInterval: 180_000, namespaces: [APP_NS] },
    source: sourcePort,
    render: new TreeRenderPort({ helmEngine: () => helmEngine.get() }),
    metrics,
    progressInterval: 1000,
  });
  // ApplicationSets, sharing the Git source with the Applications (as `trueup controller`).
  const appsets = new AppSetController({
    client,
    source: sourcePort,
    goEngine: () => helmEngine.get(),
    namespaces: [APP_NS],
    concurrency: 2,
    requeueInterval: 180_000,
  });
  let server: RunningServer | undefined;
  const webhookSecret = randomBytes(16).toString('hex');
  server = await startServer(
    {
      metrics,
      readiness: () => readiness({ cachesSynced: controller.cachesSynced }),
      // A signed webhook, as in production: an unsigned POST /webhook is refused.
      webhook: createWebhookHandler({
        secret: webhookSecret,
        refresh: (match) => controller.refreshRepo(match),
        refreshSets: (push) => appsets.refreshRepos((url, rev) => pushMatchesSource(push, url, rev)),
      }),
    },
    { host: '127.0.0.1', port },
  );
  cleanups.push(() => server?.close() ?? Promise.resolve());
  await controller.start();
  cleanups.push(() => controller.stop());
  await appsets.start();
  cleanups.push(() => appsets.stop());
  out(dim(`  watching Applications in ${APP_NS}; metrics at ${server.url}/metrics`));
  // The web UI as `trueup ui` serves it: on localhost, as the kubeconfig's user.
  const ui = await startUi({
    client,
    access: kubeconfigAccess(kc.getCurrentUser()?.name ?? 'admin'),
    namespaces: [APP_NS],
    source: sourcePort,
    commits: source,
    helmEngine,
    host: '127.0.0.1',
    port: 0,
    clock: systemClock,
    log: pino({ level: 'error' }, pino.destination(2)),
  }).catch((err: unknown) => {
    out(dim(`  (no web UI: ${errorMessage(err)})`));
    return undefined;
  });
  if (ui) {
    cleanups.push(() => ui.close());
    out(dim(`  web UI at ${ui.url}`));
  }

  step('Applying the app of apps: kubectl apply -f examples/bootstrap.yaml');
  const bootstrap = (await readFile(join(EXAMPLES, 'bootstrap.yaml'), 'utf8')).replaceAll(
    PLACEHOLDER_REPO,
    repoURL,
  );
  const applied = await kubectlStdin(cp.kubeconfigPath, bootstrap);
  out(dim(`  ${applied.trim()}`));
  const expected = ['root', 'web-api-dev', 'web-api-prod'];
  step('Applying an ApplicationSet: kubectl apply -f examples/appset/team-config.yaml');
  const teamConfig = (await readFile(join(EXAMPLES, 'appset', 'team-config.yaml'), 'utf8')).replaceAll(
    PLACEHOLDER_REPO,
    repoURL,
  );
  out(dim(`  ${(await kubectlStdin(cp.kubeconfigPath, teamConfig)).trim()}`));
  out(dim('  one Application per directory under apps/team-config/ (adding a team is adding a directory)'));
  expected.push('team-config-payments', 'team-config-search');
  if (helmBuilt) {
    step('Applying a Helm chart from Git: kubectl apply -f examples/helm/web-chart-prod.yaml');
    const chartApp = (await readFile(join(EXAMPLES, 'helm', 'web-chart-prod.yaml'), 'utf8')).replaceAll(
      PLACEHOLDER_REPO,
      repoURL,
    );
    out(dim(`  ${(await kubectlStdin(cp.kubeconfigPath, chartApp)).trim()}`));
    out(dim('  apps/web-chart with values-prod.yaml; its pre-install hook Job runs as a PreSync hook'));
    expected.push('web-chart-prod');
  } else {
    out(dim('  (the Helm engine is not built: bash helm/build.sh adds the Helm example app to this demo)'));
  }

  step('An encrypted Secret: kubectl apply -f examples/secrets/app.yaml');
  // The demo-only age key (public, in examples/) as the Secret spec.decryption names.
  await kubectl(
    'create',
    'secret',
    'generic',
    'sops-age',
    '-n',
    APP_NS,
    `--from-file=demo.agekey=${join(EXAMPLES, 'secrets', 'demo.agekey')}`,
  );
  const secretsApp = (await readFile(join(EXAMPLES, 'secrets', 'app.yaml'), 'utf8')).replaceAll(
    PLACEHOLDER_REPO,
    repoURL,
  );
  out(dim(`  ${(await kubectlStdin(cp.kubeconfigPath, secretsApp)).trim()}`));
  out(
    dim(
      '  apps/secrets/db-credentials.enc.yaml is SOPS-encrypted in Git; trueup decrypts it in memory with Secret sops-age',
    ),
  );
  expected.push('secrets-demo');

  step('Waiting for every Application to be Synced and Healthy (live)');
  out(
    dim(
      '  (an autoscaler turns Healthy once metrics-server has a CPU rate for its pods, 20 to 40 s after they start)',
    ),
  );
  const draw = liveTable();
  const started = Date.now();
  for (;;) {
    const apps = controller.apps();
    draw(table(apps));
    const names = apps.map((a) => a.metadata.name);
    const allThere = expected.every((n) => names.includes(n));
    const synced = apps.every((a) => a.status?.sync?.status === 'Synced');
    const healthy = apps.every((a) => a.status?.health?.status === 'Healthy');
    if (allThere && synced && healthy) break;
    if (Date.now() - started > 300_000) {
      const behind = apps
        .filter((a) => a.status?.sync?.status !== 'Synced' || a.status?.health?.status !== 'Healthy')
        .map((a) => `${a.metadata.name}: ${a.status?.health?.status} ${a.status?.health?.message ?? ''}`);
      throw new Error(
        `the Applications did not all become Synced and Healthy in 5 minutes: ${behind.join('; ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  out(
    green(
      `  all ${expected.length} Applications Synced and Healthy in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    ),
  );
  // What the encrypted file became in the cluster (key names only: a demo prints no value either).
  const dbKeys = Object.keys(
    JSON.parse(await kubectl('get', 'secret', 'db-credentials', '-n', 'secrets-demo', '-o', 'json')).data ??
      {},
  ).sort();
  out(`  Secret secrets-demo/db-credentials decrypted from Git: keys ${dbKeys.join(', ')}`);

  step('Drift: kubectl scale deployment web-api -n web-api-prod --replicas=5');
  const replicas = async () =>
    Number(
      await kubectl('get', 'deployment', 'web-api', '-n', 'web-api-prod', '-o', 'jsonpath={.spec.replicas}'),
    );
  out(dim(`  before: spec.replicas = ${await replicas()} (from Git)`));
  const scaledAt = Date.now();
  await kubectl('scale', 'deployment', 'web-api', '-n', 'web-api-prod', '--replicas=5');
  out(`  ${yellow('scaled')} to 5 by hand`);
  let now = 5;
  while (now !== 3) {
    if (Date.now() - scaledAt > 60_000) throw new Error('trueup did not revert the scale within 60 s');
    await new Promise((r) => setTimeout(r, 50));
    now = await replicas();
  }
  out(
    `  ${green('reverted')} to 3 by trueup (selfHeal) ${dim(`~${Date.now() - scaledAt} ms after the kubectl scale`)}`,
  );
  const drift = (await metrics.render())
    .split('\n')
    .find((l) => l.startsWith('trueup_drift_corrections_total{') && l.includes('web-api-prod'));
  if (drift) out(dim(`  ${drift}`));

  step('Git push: prod goes to 4 replicas, and a GitHub-style push webhook arrives');
  const replicasFile = 'apps/web-api/overlays/prod/replicas.yaml';
  const changed = (files[replicasFile] ?? '')
    .replace('replicas: 3', 'replicas: 4')
    .replace('minReplicas: 3', 'minReplicas: 4');
  const sha = await repo.commit({ [replicasFile]: changed }, 'prod: 4 replicas');
  const pushedAt = Date.now();
  out(dim(`  committed ${sha.slice(0, 7)} "prod: 4 replicas" to main`));
  const push = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: repoURL } });
  const hook = await fetch(`${server.url}/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      // GitHub's signature: HMAC-SHA256 of the body with the webhook's secret.
      'x-hub-signature-256': `sha256=${createHmac('sha256', webhookSecret).update(push).digest('hex')}`,
    },
    body: push,
  });
  out(dim(`  POST /webhook -> ${hook.status} ${JSON.stringify(await hook.json())}`));
  for (;;) {
    if (Date.now() - pushedAt > 60_000)
      throw new Error('the pushed commit did not reach the cluster within 60 s');
    const prod = controller.apps().find((a) => a.metadata.name === 'web-api-prod');
    if (prod?.status?.sync?.revision?.includes(sha) && (await replicas()) === 4) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  out(
    `  ${green('applied')} ${sha.slice(0, 7)}: web-api-prod runs 4 replicas ${dim(`~${Date.now() - pushedAt} ms after the push`)}`,
  );

  step('Try it');
  if (ui)
    out(
      `  web UI:    ${cyan(ui.url)}   ${dim('(no login: served as your kubeconfig user, like trueup ui)')}`,
    );
  out(`  metrics:   ${cyan(`curl -s ${server.url}/metrics | grep ^trueup_app_info`)}`);
  out(
    `             ${dim('(also /healthz, /readyz, and POST /webhook for GitHub, GitLab and Gitea pushes)')}`,
  );
  out(`  kubectl:   ${cyan(`export KUBECONFIG=${cp.kubeconfigPath}`)}`);
  out(`             ${cyan(`kubectl get tapp -n ${APP_NS}`)}`);
  out(
    `             ${cyan('kubectl -n web-api-dev edit configmap web-api-config')}   ${dim('(trueup reverts it)')}`,
  );
  out(`             ${cyan('kubectl -n web-api-prod get deploy,hpa,svc,cm,pods')}`);
  out(
    `             ${cyan('kubectl -n web-api-prod top pods')}   ${dim('(usage emulated by kwok, served by metrics-server)')}`,
  );
  if (once) {
    await shutdown(0);
    return;
  }
  out(dim('\nRunning; Ctrl-C stops everything and removes the temporary files.'));
  const live = liveTable();
  out();
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    if (stopping) return;
    live(table(controller.apps()));
  }
}

main().catch(async (err: unknown) => {
  process.stderr.write(`\n${red('demo failed:')} ${errorMessage(err)}\n`);
  await shutdown(1);
});
