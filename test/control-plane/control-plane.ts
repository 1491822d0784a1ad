/**
 * A real Kubernetes control plane on loopback for tests, benchmarks and the demo: etcd,
 * kube-apiserver (RBAC on, client-certificate identities, aggregation layer) and
 * kube-controller-manager, built from Go modules by build.sh and started here on free ports in
 * a temporary directory; with workloads, also simulated nodes and the resource metrics
 * pipeline (metrics-server), so HorizontalPodAutoscalers scale.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuildScript } from '../support/build-script.js';
import { apiRequest, httpsStatus } from './http.js';
import { METRICS_SERVER_NAMES, METRICS_SERVER_USER, startMetricsPipeline } from './metrics-pipeline.js';
import { createPki, FRONT_PROXY_CLIENT, issueClient, loadCa, type Pem, type Pki } from './pki.js';
import { freePort, type ManagedProcess, removeOnExit, startProcess, waitUntil } from './processes.js';
import { startWorkloads, type WorkloadOptions } from './workloads.js';

export interface ControlPlaneOptions {
  /** Progress lines (build and start); default: silent. */
  log?: (line: string) => void;
  /** Start kube-controller-manager (namespace deletion, garbage collection, workloads). Default true. */
  controllerManager?: boolean;
  /** Where the temporary directory goes; default: the OS temp dir. */
  baseDir?: string;
  /**
   * Simulated workloads: kube-scheduler, kwok and fake nodes, so pods are scheduled and run
   * (see workloads.ts). Default false. Implies the controller manager.
   */
  workloads?: boolean | WorkloadOptions;
}

export interface KubeconfigFile {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  'current-context': string;
}

export interface Identity {
  user: string;
  groups: readonly string[];
  kubeconfig: KubeconfigFile;
  kubeconfigPath: string;
}

export interface ControlPlane {
  server: string;
  /** Names of the simulated nodes (empty without workloads). */
  nodes: string[];
  /** The admin identity (group system:masters). */
  kubeconfig: KubeconfigFile;
  kubeconfigPath: string;
  dir: string;
  binDir: string;
  /** A client identity with no permissions beyond what RBAC grants it (for security tests). */
  mintUser(user: string, groups?: readonly string[]): Promise<Identity>;
  /**
   * Stops kube-apiserver (SIGTERM, as a rolling restart does) and starts it again on the same
   * address with the same etcd; resolves once it is ready again.
   */
  restartApiServer(): Promise<void>;
  /** Stops kube-apiserver only (the cluster is down for its clients; etcd keeps the data). */
  stopApiServer(): Promise<void>;
  /** Starts kube-apiserver again on the same address after stopApiServer; resolves once ready. */
  startApiServer(): Promise<void>;
  /** The running processes (etcd, kube-apiserver, ...) by name, for benches that measure their CPU. */
  processes(): { name: string; pid: number | undefined }[];
  /** Kills every process and removes the temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

const HERE = import.meta.dirname;

export interface Binaries {
  /** kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok. */
  binDir: string;
  /** metrics-server, cached under a key of its own. */
  metricsServerBinDir: string;
}

/** Builds (first time on a machine) or finds the control-plane binaries; returns their directories. */
export async function ensureBinaries(log: (line: string) => void = () => {}): Promise<Binaries> {
  const stdout = await runBuildScript(join(HERE, 'build.sh'), [], log);
  // build.sh prints the metrics-server directory, then the control plane's as the last line.
  const [metricsServerBinDir, binDir] = stdout.slice(-2);
  if (!metricsServerBinDir || !binDir)
    throw new Error(`control-plane build printed no bin directories:\n${stdout.join('\n')}`);
  return { binDir, metricsServerBinDir };
}

function kubeconfigFor(server: string, ca: Pem, client: Pem, name: string): KubeconfigFile {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'trueup-local', cluster: { server, 'certificate-authority-data': b64(ca.cert) } }],
    users: [
      { name, user: { 'client-certificate-data': b64(client.cert), 'client-key-data': b64(client.key) } },
    ],
    contexts: [{ name, context: { cluster: 'trueup-local', user: name } }],
    'current-context': name,
  };
}

async function writeKubeconfig(path: string, config: KubeconfigFile): Promise<string> {
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return path;
}

async function startEtcd(bin: string, dir: string): Promise<{ proc: ManagedProcess; url: string }> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const proc = startProcess(
    'etcd',
    join(bin, 'etcd'),
    [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=default=${peer}`,
      '--unsafe-no-fsync=true', // a throwaway test store: durability buys nothing here
      '--log-level=warn',
    ],
    dir,
  );
  await waitUntil(
    'etcd health',
    async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok,
    proc,
    30_000,
  );
  return { proc, url };
}

async function startApiServer(
  bin: string,
  dir: string,
  pki: Pki,
  etcdUrl: string,
  admin: Pem,
  port?: number,
): Promise<{ proc: ManagedProcess; server: string; port: number }> {
  port ??= await freePort();
  const server = `https://127.0.0.1:${port}`;
  const proc = startProcess(
    'kube-apiserver',
    join(bin, 'kube-apiserver'),
    [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${port}`,
      `--tls-cert-file=${pki.serving.certPath}`,
      `--tls-private-key-file=${pki.serving.keyPath}`,
      `--client-ca-file=${pki.ca.certPath}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccountPubPath}`,
      `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      '--profiling=false',
      // The aggregation layer (metrics.k8s.io from metrics-server): kube-apiserver proxies as
      // front-proxy-client and passes the user in headers that the extension server trusts.
      `--requestheader-client-ca-file=${pki.frontProxyCa.certPath}`,
      `--requestheader-allowed-names=${FRONT_PROXY_CLIENT}`,
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${pki.proxyClient.certPath}`,
      `--proxy-client-key-file=${pki.proxyClient.keyPath}`,
      '--v=1',
    ],
    dir,
  );
  await waitUntil(
    'kube-apiserver /readyz',
    async () => (await httpsStatus(`${server}/readyz`, pki.ca.cert, admin)) === 200,
    proc,
    60_000,
  );
  return { proc, server, port };
}

async function startControllerManager(bin: string, dir: string, pki: Pki, kubeconfigPath: string) {
  const port = await freePort();
  const proc = startProcess(
    'kube-controller-manager',
    join(bin, 'kube-controller-manager'),
    [
      `--kubeconfig=${kubeconfigPath}`,
      `--authentication-kubeconfig=${kubeconfigPath}`,
      `--authorization-kubeconfig=${kubeconfigPath}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(dir, 'kcm-certs')}`,
      '--leader-elect=false',
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki.serviceAccountKeyPath}`,
      `--root-ca-file=${pki.ca.certPath}`,
      '--controllers=*',
      // HPAs react within seconds (default 15 s): tests and the demo wait on them.
      '--horizontal-pod-autoscaler-sync-period=5s',
      '--v=1',
    ],
    dir,
  );
  await waitUntil(
    'kube-controller-manager /healthz',
    async () => (await httpsStatus(`https://127.0.0.1:${port}/healthz`, pki.ca.cert)) === 200,
    proc,
    60_000,
  );
  return proc;
}

function userMinter(dir: string, server: string, ca: Pem) {
  return async (user: string, groups: readonly string[] = []): Promise<Identity> => {
    const stem = `user-${randomBytes(6).toString('hex')}`;
    const pem = await issueClient(dir, ca, stem, user, groups);
    const config = kubeconfigFor(server, ca, pem, user);
    const path = await writeKubeconfig(join(dir, `${stem}.kubeconfig`), config);
    return { user, groups, kubeconfig: config, kubeconfigPath: path };
  };
}

/** A control plane started by another process (the shared one of a test run), found by its directory. */
export interface AttachedControlPlane {
  server: string;
  kubeconfig: KubeconfigFile;
  kubeconfigPath: string;
  dir: string;
  mintUser(user: string, groups?: readonly string[]): Promise<Identity>;
}

export async function attachControlPlane(dir: string): Promise<AttachedControlPlane> {
  const kubeconfigPath = join(dir, 'kubeconfig');
  const kubeconfig = JSON.parse(await readFile(kubeconfigPath, 'utf8')) as KubeconfigFile;
  const server = kubeconfig.clusters[0]?.cluster.server;
  if (!server) throw new Error(`${kubeconfigPath}: no cluster server`);
  return { server, kubeconfig, kubeconfigPath, dir, mintUser: userMinter(dir, server, await loadCa(dir)) };
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const { binDir, metricsServerBinDir } = await ensureBinaries(log);
  const dir = await mkdtemp(join(options.baseDir ?? tmpdir(), 'trueup-cp-'));
  const procs: ManagedProcess[] = [];
  const exitCleanup = removeOnExit(dir);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of [...procs].reverse()) await p.stop();
    await rm(dir, { recursive: true, force: true });
    exitCleanup.forget();
  };
  try {
    const pki = await createPki(dir);
    const admin = await pki.issueClient('admin', 'trueup-admin', ['system:masters']);
    const etcd = await startEtcd(binDir, dir);
    procs.push(etcd.proc);
    const api = await startApiServer(binDir, dir, pki, etcd.url, admin);
    procs.push(api.proc);
    let apiProc = api.proc;
    const stopApiServerOnly = () => apiProc.stop();
    const startApiServerAgain = async () => {
      const again = await startApiServer(binDir, dir, pki, etcd.url, admin, api.port);
      procs[procs.indexOf(apiProc)] = again.proc;
      apiProc = again.proc;
    };
    const restartApiServer = async () => {
      await stopApiServerOnly();
      await startApiServerAgain();
    };
    const adminApi = (method: string, path: string, body?: unknown) =>
      apiRequest(api.server, pki.ca.cert, admin, method, path, body);
    const kubeconfig = kubeconfigFor(api.server, pki.ca, admin, 'trueup-admin');
    const kubeconfigPath = await writeKubeconfig(join(dir, 'kubeconfig'), kubeconfig);
    log(`[control-plane] kube-apiserver ready at ${api.server} in ${Date.now() - started} ms`);
    const workloads = options.workloads === true ? {} : options.workloads || undefined;
    if (options.controllerManager !== false || workloads) {
      const kcm = await pki.issueClient('kcm', 'system:kube-controller-manager');
      const kcmConfig = kubeconfigFor(api.server, pki.ca, kcm, 'kcm');
      const kcmPath = await writeKubeconfig(join(dir, 'kcm.kubeconfig'), kcmConfig);
      procs.push(await startControllerManager(binDir, dir, pki, kcmPath));
      log(`[control-plane] kube-controller-manager ready in ${Date.now() - started} ms`);
    }
    let nodes: string[] = [];
    if (workloads) {
      const scheduler = await pki.issueClient('scheduler', 'system:kube-scheduler');
      const schedulerPath = await writeKubeconfig(
        join(dir, 'scheduler.kubeconfig'),
        kubeconfigFor(api.server, pki.ca, scheduler, 'scheduler'),
      );
      const sim = await startWorkloads({
        binDir,
        dir,
        schedulerKubeconfigPath: schedulerPath,
        adminKubeconfigPath: kubeconfigPath,
        caCert: pki.ca.cert,
        kubeletServing: await pki.issueServing('kwok-serving', 'kwok', ['127.0.0.1', 'localhost']),
        api: adminApi,
        options: workloads,
      });
      procs.push(...sim.processes);
      nodes = sim.nodes;
      log(`[control-plane] simulated workloads ready (${nodes.length} nodes) in ${Date.now() - started} ms`);
      if (workloads.metrics !== false) {
        const identity = await pki.issueClient('metrics-server', METRICS_SERVER_USER);
        const metricsServerKubeconfigPath = await writeKubeconfig(
          join(dir, 'metrics-server.kubeconfig'),
          kubeconfigFor(api.server, pki.ca, identity, 'metrics-server'),
        );
        procs.push(
          await startMetricsPipeline({
            metricsServerBinDir,
            dir,
            ca: pki.ca,
            kubeconfigPath: metricsServerKubeconfigPath,
            serving: await pki.issueServing('metrics-server-serving', 'metrics-server', METRICS_SERVER_NAMES),
            api: adminApi,
          }),
        );
        log(`[control-plane] metrics-server ready (metrics.k8s.io) in ${Date.now() - started} ms`);
      }
    }
    const mintUser = userMinter(dir, api.server, pki.ca);
    return {
      server: api.server,
      nodes,
      kubeconfig,
      kubeconfigPath,
      dir,
      binDir,
      mintUser,
      restartApiServer,
      stopApiServer: stopApiServerOnly,
      startApiServer: startApiServerAgain,
      processes: () => procs.map((p) => ({ name: p.name, pid: p.child.pid })),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
