/**
 * End-to-end wiring: the real control plane, the real Git HTTP server, and the controller
 * running in-process with the real source, renderer, sync engine and health, watching only the
 * test's own Application namespace.
 */
import { type ChildProcess, execFile, type StdioOptions, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { Application } from '../../src/api/application.js';
import type { KubeObject } from '../../src/api/object.js';
import { TreeRenderPort } from '../../src/controller/adapters/render.js';
import { installedEngine } from '../../src/controller/adapters/render-helm.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { Controller, type ControllerOptions } from '../../src/controller/controller.js';
import { installCrds } from '../../src/controller/install-crd.js';
import { createClusterClient } from '../../src/kube/index.js';
import type { ClusterClient } from '../../src/kube/types.js';
import { GitSource } from '../../src/source/index.js';
import { testCluster, testNamespace } from '../support/cluster.js';
import { GitHttpServer } from '../support/git-server.js';
import { kubectl } from '../support/kubectl.js';

const line = (level: string) => (obj: object, msg: string) =>
  process.stderr.write(`[${level}] ${msg} ${JSON.stringify(obj)}\n`);
/** Debugging only (TRUEUP_E2E_LOG=1): tests stay quiet by default. */
const stderrLogger = { info: line('info'), warn: line('warn'), error: line('error'), debug: line('debug') };

export interface Env {
  client: ClusterClient;
  kubeConfig: k8s.KubeConfig;
  kubeconfigPath: string;
  git: GitHttpServer;
  appNs: string;
  kubectl(args: readonly string[], input?: string): Promise<string>;
  /** A controller on this env (stopped after the file's tests). */
  controller(options?: Partial<ControllerOptions> & { client?: ClusterClient }): Promise<Controller>;
  app(name: string): Promise<Application | undefined>;
  get(apiVersion: string, kind: string, namespace: string, name: string): Promise<KubeObject | undefined>;
}

export async function e2eEnv(prefix: string): Promise<Env> {
  const cluster = await testCluster();
  const client = await createClusterClient(cluster.kubeConfig);
  after(() => client.close());
  await installCrds(client);
  const git = await GitHttpServer.start();
  after(() => git.close());
  const appNs = await testNamespace(`${prefix}-apps`);
  const cacheRoot = await mkdtemp(join(tmpdir(), 'trueup-e2e-cache-'));
  after(() => rm(cacheRoot, { recursive: true, force: true }));
  let n = 0;
  // One file-level hook stops every controller (after() inside a test would fire when that test ends).
  const controllers: Controller[] = [];
  after(() => Promise.all(controllers.map((c) => c.stop())));
  const helmEngine = installedEngine();
  after(() => helmEngine.close());
  const env: Env = {
    client,
    kubeConfig: cluster.kubeConfig,
    kubeconfigPath: cluster.kubeconfigPath,
    git,
    appNs,
    async kubectl(args, input) {
      return (await kubectl(cluster.kubeconfigPath, args, input)).stdout;
    },
    async controller(options = {}) {
      const source = new GitSourcePort(new GitSource({ cacheDir: join(cacheRoot, String(n++)) }), 0);
      const c = new Controller({
        client: options.client ?? client,
        config: { concurrency: 4, requeueInterval: 180_000, namespaces: [appNs] },
        source,
        // The built Helm engine when there is one (never built here): Helm apps fail without it.
        render: new TreeRenderPort({ helmEngine: () => helmEngine.get() }),
        progressInterval: 1000,
        ...(process.env.TRUEUP_E2E_LOG ? { log: stderrLogger } : {}),
        healthTimeoutMs: 60_000,
        ...options,
      });
      controllers.push(c);
      await c.start();
      return c;
    },
    async app(name) {
      return (await client.get({
        apiVersion: 'trueup.dev/v1alpha1',
        kind: 'Application',
        namespace: appNs,
        name,
      })) as Application | undefined;
    },
    get(apiVersion, kind, namespace, name) {
      return client.get({ apiVersion, kind, namespace, name });
    },
  };
  return env;
}

/** Polls until truthy (an upper bound, not a timing assertion). */
export { eventually as waitFor } from '../support/wait.js';

export function condition(app: Application | undefined, type: string) {
  return app?.status?.conditions?.find((c) => c.type === type);
}

export const yaml = (o: unknown) => JSON.stringify(o, null, 2);

/** Runs the trueup CLI (from source) against the test cluster, as a user would; never rejects. */
export function trueupCli(
  kubeconfig: string,
  namespace: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const entry = join(import.meta.dirname, 'cli-entry.ts');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', entry, ...args, '--kubeconfig', kubeconfig, '-n', namespace],
      { cwd: join(import.meta.dirname, '..', '..'), env: { ...process.env, ...extraEnv } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export { appManifest, configMap } from '../support/fixtures.js';

/**
 * A TCP proxy in front of the API server: `outage()` drops every connection and refuses new
 * ones until `restore()`, as an API server restart looks to its clients.
 */
export class ApiProxy {
  private readonly sockets = new Set<Socket>();
  private down = false;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: URL): Promise<ApiProxy> {
    const sockets = new Set<Socket>();
    let self: ApiProxy | undefined;
    const server = createServer((client) => {
      if (self?.isDown) {
        client.destroy();
        return;
      }
      const upstream = connect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    self = new ApiProxy(server, port);
    (self as unknown as { sockets: Set<Socket> }).sockets = sockets;
    return self;
  }

  get isDown(): boolean {
    return this.down;
  }

  outage(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.outage();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** A KubeConfig like `kc` whose server goes through the proxy. */
  kubeConfigVia(kc: k8s.KubeConfig): k8s.KubeConfig {
    const out = new k8s.KubeConfig();
    const cluster = kc.getCurrentCluster();
    const user = kc.getCurrentUser();
    if (!cluster || !user) throw new Error('kubeconfig without cluster or user');
    const server = new URL(cluster.server);
    server.port = String(this.port);
    out.loadFromOptions({
      clusters: [{ ...cluster, server: server.toString().replace(/\/$/, '') }],
      users: [user],
      contexts: [{ name: 'proxy', cluster: cluster.name, user: user.name }],
      currentContext: 'proxy',
    });
    return out;
  }
}

/**
 * `trueup controller` as a real process (from source, through cli-entry.ts) against this env's
 * kubeconfig, watching its Application namespace, with its own Git cache; `args` add flags and
 * `processEnv` environment variables (e.g. POD_NAME, as a StatefulSet sets it).
 */
export function spawnController(
  env: Env,
  cacheDir: string,
  args: readonly string[],
  stdio: StdioOptions = ['ignore', 'pipe', 'pipe'],
  processEnv: Record<string, string> = {},
): ChildProcess {
  const common = ['--kubeconfig', env.kubeconfigPath, '--namespaces', env.appNs, '--cache-dir', cacheDir];
  return spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'cli-entry.ts'), 'controller', ...common, ...args],
    { cwd: join(import.meta.dirname, '..', '..'), stdio, env: { ...process.env, ...processEnv } },
  );
}
