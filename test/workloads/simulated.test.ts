/**
 * Simulated workloads on the local control plane (kube-scheduler + kwok + kube-controller-
 * manager): rollouts finish, Jobs succeed or fail, DaemonSets fill the nodes, and StatefulSet
 * volume claims behave as they do on a cluster without a storage provisioner. Checked with the
 * real kubectl, as a person would.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { testCluster, testNamespace, uniqueName } from '../support/cluster.js';
import { kubectl } from '../support/kubectl.js';
import { eventually } from '../support/wait.js';

async function apply(kubeconfigPath: string, ns: string, yaml: string): Promise<void> {
  await kubectl(kubeconfigPath, ['-n', ns, 'apply', '-f', '-'], yaml);
}

async function jsonOf<T>(kubeconfigPath: string, ns: string, what: string[]): Promise<T> {
  const { stdout } = await kubectl(kubeconfigPath, ['-n', ns, 'get', ...what, '-o', 'json']);
  return JSON.parse(stdout) as T;
}

const deployment = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: ${image}}]}
`;

const job = (name: string, backoffLimit: number, annotations = '{}') => `
apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
  backoffLimit: ${backoffLimit}
  template:
    metadata: {annotations: ${annotations}}
    spec: {restartPolicy: Never, containers: [{name: main, image: busybox:1.37}]}
`;

describe('simulated workloads', () => {
  test('a Deployment becomes Available, and an image change rolls out to a new ReplicaSet', async () => {
    const { kubeconfigPath } = await testCluster();
    const ns = await testNamespace('rollout');
    await apply(kubeconfigPath, ns, deployment('nginx:1.27'));
    await kubectl(kubeconfigPath, ['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=120s']);
    const first = await jsonOf<k8s.V1Deployment>(kubeconfigPath, ns, ['deployment', 'web']);
    assert.equal(first.status?.availableReplicas, 3);
    assert.ok(first.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True'));

    await apply(kubeconfigPath, ns, deployment('nginx:1.28'));
    await kubectl(kubeconfigPath, ['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=120s']);
    const sets = await jsonOf<{ items: k8s.V1ReplicaSet[] }>(kubeconfigPath, ns, ['replicasets']);
    const byImage = Object.fromEntries(
      sets.items.map((rs) => [rs.spec?.template?.spec?.containers[0]?.image, rs.status?.readyReplicas ?? 0]),
    );
    assert.deepEqual(byImage, { 'nginx:1.27': 0, 'nginx:1.28': 3 });
    const pods = await jsonOf<{ items: k8s.V1Pod[] }>(kubeconfigPath, ns, ['pods', '-l', 'app=web']);
    const running = pods.items.filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running');
    assert.equal(running.length, 3);
    assert.ok(running.every((p) => p.spec?.nodeName?.startsWith('sim-node-')));
  });

  test('a Job completes', async () => {
    const { kubeconfigPath } = await testCluster();
    const ns = await testNamespace('job-ok');
    await apply(kubeconfigPath, ns, job('migrate', 0));
    await kubectl(kubeconfigPath, [
      '-n',
      ns,
      'wait',
      '--for=condition=complete',
      'job/migrate',
      '--timeout=120s',
    ]);
    const done = await jsonOf<k8s.V1Job>(kubeconfigPath, ns, ['job', 'migrate']);
    assert.equal(done.status?.succeeded, 1);
  });

  test('a Job whose pods are marked to fail reaches Failed after its backoffLimit', async () => {
    const { kubeconfigPath } = await testCluster();
    const ns = await testNamespace('job-fail');
    await apply(kubeconfigPath, ns, job('migrate', 1, '{sim.trueup.dev/fail: "true"}'));
    await kubectl(kubeconfigPath, [
      '-n',
      ns,
      'wait',
      '--for=condition=failed',
      'job/migrate',
      '--timeout=120s',
    ]);
    const failed = await jsonOf<k8s.V1Job>(kubeconfigPath, ns, ['job', 'migrate']);
    assert.equal(failed.status?.failed, 2); // the first try and one retry
    assert.equal(failed.status?.succeeded ?? 0, 0);
    const reason = failed.status?.conditions?.find((c) => c.type === 'Failed')?.reason;
    assert.equal(reason, 'BackoffLimitExceeded');
  });

  test('a DaemonSet runs one pod on every simulated node', async () => {
    const { kubeconfigPath } = await testCluster();
    const ns = await testNamespace('ds');
    await apply(
      kubeconfigPath,
      ns,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: busybox:1.37}]}
`,
    );
    await kubectl(kubeconfigPath, ['-n', ns, 'rollout', 'status', 'daemonset/agent', '--timeout=120s']);
    const nodes = await jsonOf<{ items: k8s.V1Node[] }>(kubeconfigPath, ns, ['nodes']);
    const ds = await jsonOf<k8s.V1DaemonSet>(kubeconfigPath, ns, ['daemonset', 'agent']);
    assert.ok(nodes.items.length >= 1);
    assert.equal(ds.status?.numberReady, nodes.items.length);
  });

  test('StatefulSet claims stay Pending without a provisioner, and bind to a pre-made PersistentVolume', async () => {
    const { kubeconfigPath, kubeConfig } = await testCluster();
    const ns = await testNamespace('sts');
    const statefulSet = (name: string, storageClass: string) => `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}}
spec:
  serviceName: ${name}
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: db, image: postgres:17}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {storageClassName: "${storageClass}", accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
    // No provisioner: the claim of a class nobody serves stays Pending, and so does the pod.
    await apply(kubeconfigPath, ns, statefulSet('unserved', 'no-such-provisioner'));
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    const unscheduled = await eventually('the pod reports it cannot be scheduled', async () => {
      const pod = await core.readNamespacedPod({ namespace: ns, name: 'unserved-0' });
      const c = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
      return c?.status === 'False' ? c : undefined;
    });
    assert.match(unscheduled.message ?? '', /unbound immediate PersistentVolumeClaims/);
    const claim = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'data-unserved-0' });
    assert.equal(claim.status?.phase, 'Pending');

    // A statically provisioned volume: the PV controller binds the claim and the pod runs.
    const storageClass = uniqueName('static');
    await core.createPersistentVolume({
      body: {
        metadata: { name: storageClass },
        spec: {
          storageClassName: storageClass,
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path: `/tmp/${storageClass}` },
          claimRef: { namespace: ns, name: 'data-db-0' },
        },
      },
    });
    await apply(kubeconfigPath, ns, statefulSet('db', storageClass));
    await kubectl(kubeconfigPath, ['-n', ns, 'rollout', 'status', 'statefulset/db', '--timeout=120s']);
    const bound = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'data-db-0' });
    assert.equal(bound.status?.phase, 'Bound');
    await core.deletePersistentVolume({ name: storageClass }).catch(() => {});
  });
});
