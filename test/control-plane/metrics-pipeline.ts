/**
 * The resource metrics pipeline of the local control plane, as in a real cluster: kwok plays
 * each node's kubelet /metrics/resource (kwok-metrics.yaml, usage set per pod by annotation),
 * metrics-server (built by build.sh) scrapes it, and kube-apiserver's aggregation layer serves
 * metrics.k8s.io from metrics-server. HorizontalPodAutoscalers and `kubectl top` read it.
 *
 * There is no kube-proxy and Endpoints may not hold loopback addresses, so the APIService's
 * Service is an ExternalName for 127.0.0.1: kube-apiserver then dials that name and the
 * APIService port itself, and verifies metrics-server's certificate for
 * metrics-server.kube-system.svc against the APIService's caBundle.
 */
import { join } from 'node:path';
import { httpsStatus } from './http.js';
import type { Pem } from './pki.js';
import { freePort, type ManagedProcess, startProcess, waitUntil } from './processes.js';

type ApiCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

export interface StartMetricsPipelineInput {
  metricsServerBinDir: string;
  dir: string;
  ca: Pem;
  /** Kubeconfig of the identity METRICS_SERVER_USER. */
  kubeconfigPath: string;
  /** Serving certificate for metrics-server.kube-system.svc (METRICS_SERVER_NAMES). */
  serving: Pem;
  api: ApiCall;
}

/** The user metrics-server runs as; RBAC below grants it what the upstream manifests grant. */
export const METRICS_SERVER_USER = 'system:metrics-server';
/** The names metrics-server's serving certificate must carry. */
export const METRICS_SERVER_NAMES = ['metrics-server.kube-system.svc', '127.0.0.1', 'localhost'];
/** metrics-server scrapes every 10 s (its minimum; the default is 60 s). */
export const METRIC_RESOLUTION_SECONDS = 10;
const APISERVICE = 'v1beta1.metrics.k8s.io';

function rbac() {
  const subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: METRICS_SERVER_USER }];
  const roleRef = (kind: string, name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
  return [
    {
      path: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'system:metrics-server' },
        rules: [
          { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
          { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
        ],
      },
    },
    {
      path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'system:metrics-server' },
        roleRef: roleRef('ClusterRole', 'system:metrics-server'),
        subjects,
      },
    },
    {
      // Delegated authentication and authorization (TokenReview, SubjectAccessReview).
      path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'metrics-server:system:auth-delegator' },
        roleRef: roleRef('ClusterRole', 'system:auth-delegator'),
        subjects,
      },
    },
    {
      // Reads the front-proxy CA and header names from kube-system/extension-apiserver-authentication.
      path: '/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/rolebindings',
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'metrics-server-auth-reader', namespace: 'kube-system' },
        roleRef: roleRef('Role', 'extension-apiserver-authentication-reader'),
        subjects,
      },
    },
  ];
}

function registration(port: number, ca: Pem) {
  return [
    {
      path: '/api/v1/namespaces/kube-system/services',
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'metrics-server', namespace: 'kube-system' },
        spec: { type: 'ExternalName', externalName: '127.0.0.1' },
      },
    },
    {
      path: '/apis/apiregistration.k8s.io/v1/apiservices',
      body: {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: APISERVICE },
        spec: {
          group: 'metrics.k8s.io',
          version: 'v1beta1',
          service: { name: 'metrics-server', namespace: 'kube-system', port },
          caBundle: Buffer.from(ca.cert).toString('base64'),
          groupPriorityMinimum: 100,
          versionPriority: 100,
        },
      },
    },
  ];
}

async function createAll(api: ApiCall, objects: { path: string; body: unknown }[]): Promise<void> {
  for (const { path, body } of objects) {
    const res = await api('POST', path, body);
    if (res.status !== 201) {
      const { kind, metadata } = body as { kind: string; metadata: { name: string } };
      throw new Error(`creating ${kind} ${metadata.name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
}

function available(apiService: unknown): boolean {
  const conditions = (apiService as { status?: { conditions?: { type: string; status: string }[] } }).status
    ?.conditions;
  return conditions?.some((c) => c.type === 'Available' && c.status === 'True') ?? false;
}

/**
 * Starts metrics-server and registers it with the aggregation layer; resolves once
 * kube-apiserver reports the APIService Available. Node and pod metrics follow after two
 * scrapes (about 2 × METRIC_RESOLUTION_SECONDS): a rate needs two cumulative CPU samples.
 */
export async function startMetricsPipeline(input: StartMetricsPipelineInput): Promise<ManagedProcess> {
  await createAll(input.api, rbac());
  const port = await freePort();
  const proc = startProcess(
    'metrics-server',
    join(input.metricsServerBinDir, 'metrics-server'),
    [
      `--kubeconfig=${input.kubeconfigPath}`,
      `--authentication-kubeconfig=${input.kubeconfigPath}`,
      `--authorization-kubeconfig=${input.kubeconfigPath}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--tls-cert-file=${input.serving.certPath}`,
      `--tls-private-key-file=${input.serving.keyPath}`,
      // The "kubelets" are kwok on 127.0.0.1 at the port each node reports, with a
      // certificate from the control plane's CA: verified TLS, no --kubelet-insecure-tls.
      '--kubelet-preferred-address-types=InternalIP',
      '--kubelet-use-node-status-port',
      `--kubelet-certificate-authority=${input.ca.certPath}`,
      `--metric-resolution=${METRIC_RESOLUTION_SECONDS}s`,
      '--kubelet-request-timeout=5s', // must stay under 90% of the resolution
      '--v=1',
    ],
    input.dir,
  );
  try {
    await waitUntil(
      'metrics-server /livez',
      async () => (await httpsStatus(`https://127.0.0.1:${port}/livez`, input.ca.cert)) === 200,
      proc,
      60_000,
    );
    await createAll(input.api, registration(port, input.ca));
    await waitUntil(
      `APIService ${APISERVICE} Available`,
      async () =>
        available((await input.api('GET', `/apis/apiregistration.k8s.io/v1/apiservices/${APISERVICE}`)).body),
      proc,
      60_000,
    );
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return proc;
}
