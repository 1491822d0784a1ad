/**
 * The resource metrics pipeline of the local control plane (kwok's emulated usage →
 * metrics-server → metrics.k8s.io through kube-apiserver's aggregation layer): pod and node
 * usage read back with the real kubectl, and a HorizontalPodAutoscaler that reports active
 * scaling and scales a Deployment up when its pods' emulated CPU usage rises.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type * as k8s from '@kubernetes/client-node';
import { testCluster, testNamespace } from '../support/cluster.js';
import { kubectl } from '../support/kubectl.js';
import { eventually } from '../support/wait.js';

interface PodMetrics {
  metadata: { name: string };
  window: string;
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}

/** Millicores of a metrics.k8s.io CPU quantity ("151234567n", "150m", "1"). */
function millicores(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(q);
  if (!m) throw new Error(`not a CPU quantity: ${q}`);
  const scale = { n: 1e-6, u: 1e-3, m: 1 }[m[2] as 'n' | 'u' | 'm'] ?? 1000;
  return Number(m[1]) * scale;
}

const deployment = (name: string, replicas: number, cpuUsage: string, memoryUsage: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}}
      annotations: {sim.trueup.dev/cpu-usage: "${cpuUsage}", sim.trueup.dev/memory-usage: "${memoryUsage}"}
    spec:
      containers:
        - name: main
          image: nginx:1.27
          resources: {requests: {cpu: 100m, memory: 64Mi}}
`;

describe('resource metrics (metrics-server reading kwok)', () => {
  test('kubectl get --raw and kubectl top report the usage the pods emulate', async () => {
    const { kubeconfigPath } = await testCluster();
    const ns = await testNamespace('metrics');
    await kubectl(kubeconfigPath, ['-n', ns, 'apply', '-f', '-'], deployment('busy', 2, '150m', '100Mi'));
    await kubectl(kubeconfigPath, ['-n', ns, 'rollout', 'status', 'deployment/busy', '--timeout=120s']);

    const items = await eventually(
      'metrics for both pods',
      async () => {
        const { stdout } = await kubectl(kubeconfigPath, [
          'get',
          '--raw',
          `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods`,
        ]);
        const list = JSON.parse(stdout) as { items: PodMetrics[] };
        return list.items.length === 2 && list.items;
      },
      120_000,
    );
    for (const pod of items) {
      assert.match(pod.metadata.name, /^busy-/);
      assert.equal(pod.containers.length, 1);
      const [main] = pod.containers;
      assert.equal(main?.name, 'main');
      assert.equal(main?.usage.memory, '100Mi'); // a gauge: exact
      // CPU is a rate of kwok's cumulative counter over metrics-server's scrape window: kwok
      // integrates at its own instants, so a loaded machine shows some jitter around 150m.
      const cpu = millicores(main?.usage.cpu ?? '');
      assert.ok(cpu > 120 && cpu < 180, `cpu ${main?.usage.cpu} is not about 150m`);
    }

    const top = (await kubectl(kubeconfigPath, ['-n', ns, 'top', 'pods', '--no-headers'])).stdout;
    const rows = top
      .trim()
      .split('\n')
      .map((r) => r.trimEnd());
    assert.equal(rows.length, 2, top);
    for (const row of rows) {
      const [, cpu] = /^busy-\S+\s+(\d+)m\s+100Mi$/.exec(row) ?? [];
      assert.ok(Number(cpu) > 120 && Number(cpu) < 180, `kubectl top pods:\n${top}`);
    }

    const nodes = await eventually(
      'kubectl top nodes for every simulated node',
      async () => {
        const out = (await kubectl(kubeconfigPath, ['top', 'nodes', '--no-headers'])).stdout;
        const lines = out
          .trim()
          .split('\n')
          .map((l) => l.trimEnd());
        return lines.every((l) => /^sim-node-\d+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%$/.test(l)) && lines;
      },
      60_000,
    );
    assert.equal(nodes.length, 3, nodes.join('\n'));
  });

  test('an HPA reports ScalingActive and scales a Deployment up when its pods use more CPU', async () => {
    const { kubeconfigPath } = await testCluster();
    const ns = await testNamespace('hpa');
    await kubectl(kubeconfigPath, ['-n', ns, 'apply', '-f', '-'], deployment('web', 1, '20m', '32Mi'));
    await kubectl(
      kubeconfigPath,
      ['-n', ns, 'apply', '-f', '-'],
      `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 3
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
`,
    );
    const hpa = async () =>
      JSON.parse(
        (await kubectl(kubeconfigPath, ['-n', ns, 'get', 'hpa', 'web', '-o', 'json'])).stdout,
      ) as k8s.V2HorizontalPodAutoscaler;
    const active = await eventually(
      'the HPA computing from metrics (ScalingActive=True)',
      async () => {
        const h = await hpa();
        const scaling = h.status?.conditions?.find((c) => c.type === 'ScalingActive');
        return scaling?.status === 'True' && h.status?.currentMetrics?.length ? h : undefined;
      },
      120_000,
    );
    // 20m of 100m requested: 20% against a 50% target, so one replica is enough.
    const utilization = active.status?.currentMetrics?.[0]?.resource?.current.averageUtilization ?? -1;
    assert.ok(utilization >= 15 && utilization <= 25, `utilization ${utilization}%`);
    assert.equal(active.status?.desiredReplicas, 1);

    // The running pod now uses 200m (200% of its request): the HPA wants 4, capped at 3.
    await kubectl(kubeconfigPath, [
      '-n',
      ns,
      'annotate',
      'pods',
      '-l',
      'app=web',
      '--overwrite',
      'sim.trueup.dev/cpu-usage=200m',
    ]);
    await eventually(
      'the Deployment scaled to 3 by the HPA',
      async () => {
        const out = await kubectl(kubeconfigPath, [
          '-n',
          ns,
          'get',
          'deployment',
          'web',
          '-o',
          'jsonpath={.spec.replicas}',
        ]);
        return out.stdout === '3';
      },
      120_000,
    );
    const scaled = await hpa();
    assert.equal(scaled.status?.desiredReplicas, 3);
    assert.ok(
      scaled.status?.conditions?.some((c) => c.type === 'ScalingLimited' && c.status === 'True'),
      'capped at maxReplicas',
    );
  });
});
