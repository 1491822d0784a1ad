/**
 * Proof that the local control plane is a real Kubernetes API: CRDs, server-side apply with
 * field ownership, watches fed by the real kubectl, RBAC, and namespace deletion done by
 * kube-controller-manager.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { testCluster, testNamespace, uniqueName } from '../support/cluster.js';
import { widgetCrd } from '../support/fixtures.js';
import { kubectl } from '../support/kubectl.js';
import { eventually } from '../support/wait.js';

const SSA = k8s.PatchStrategy.ServerSideApply;

function apiStatus(err: unknown): number | undefined {
  return err instanceof k8s.ApiException ? err.code : undefined;
}

describe('the local control plane', () => {
  test('a CRD becomes Established and serves custom objects', async () => {
    const { kubeConfig } = await testCluster();
    const ext = kubeConfig.makeApiClient(k8s.ApiextensionsV1Api);
    const objects = k8s.KubernetesObjectApi.makeApiClient(kubeConfig);
    const ns = await testNamespace('crd');
    const plural = `widgets${uniqueName('x').slice(2)}`;
    const group = 'test.trueup.dev';
    await ext.createCustomResourceDefinition({
      body: widgetCrd(group, plural) as unknown as k8s.V1CustomResourceDefinition,
    });
    await eventually('CRD Established', async () => {
      const crd = await ext.readCustomResourceDefinition({ name: `${plural}.${group}` });
      return (
        crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined
      );
    });
    // Discovery may lag the Established condition by a moment; creating is the real check.
    await eventually('custom object created', () =>
      objects.create({
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name: 'w1', namespace: ns },
        spec: { size: 3 },
      } as k8s.KubernetesObject),
    );
    const list = await objects.list(`${group}/v1`, 'Widget', ns);
    assert.deepEqual(
      list.items.map((o) => [o.metadata?.name, (o as { spec?: { size?: number } }).spec?.size]),
      [['w1', 3]],
    );
  });

  test('server-side apply reports a conflict between managers, and force moves ownership', async () => {
    const { kubeConfig } = await testCluster();
    const objects = k8s.KubernetesObjectApi.makeApiClient(kubeConfig);
    const ns = await testNamespace('ssa');
    const deployment = (replicas: number) =>
      ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: ns },
        spec: {
          replicas,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
          },
        },
      }) as k8s.KubernetesObject;
    await objects.patch(deployment(2), undefined, undefined, 'manager-a', false, SSA);
    const conflict = await objects.patch(deployment(5), undefined, undefined, 'manager-b', false, SSA).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.equal(apiStatus(conflict), 409);
    assert.match(
      String((conflict as k8s.ApiException<unknown>).body),
      /conflict.*manager-a.*\.spec\.replicas/is,
    );

    await objects.patch(deployment(5), undefined, undefined, 'manager-b', true, SSA);
    const live = (await objects.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
    })) as k8s.V1Deployment;
    assert.equal(live.spec?.replicas, 5);
    const owners = (live.metadata?.managedFields ?? [])
      .filter(
        (f) =>
          (f.fieldsV1 as { 'f:spec'?: { 'f:replicas'?: unknown } } | undefined)?.['f:spec']?.['f:replicas'],
      )
      .map((f) => f.manager);
    assert.deepEqual(owners, ['manager-b']);
  });

  test('a watch sees ADDED, MODIFIED and DELETED for a ConfigMap changed with kubectl', async () => {
    const { kubeConfig, kubeconfigPath } = await testCluster();
    const ns = await testNamespace('watch');
    const seen: string[] = [];
    let resolveDeleted: () => void = () => {};
    const deleted = new Promise<void>((r) => {
      resolveDeleted = r;
    });
    const abort = await new k8s.Watch(kubeConfig).watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      {},
      (phase, obj: k8s.V1ConfigMap) => {
        if (obj.metadata?.name !== 'settings') return;
        seen.push(`${phase}:${obj.data?.mode ?? ''}`);
        if (phase === 'DELETED') resolveDeleted();
      },
      () => {},
    );
    try {
      await kubectl(kubeconfigPath, ['-n', ns, 'create', 'configmap', 'settings', '--from-literal=mode=a']);
      await kubectl(kubeconfigPath, [
        '-n',
        ns,
        'patch',
        'configmap',
        'settings',
        '-p',
        '{"data":{"mode":"b"}}',
      ]);
      await kubectl(kubeconfigPath, ['-n', ns, 'delete', 'configmap', 'settings']);
      await deleted;
    } finally {
      abort.abort();
    }
    assert.deepEqual(seen, ['ADDED:a', 'MODIFIED:b', 'DELETED:b']);
  });

  test('RBAC is enforced: a minted user without bindings is forbidden', async () => {
    const cp = await testCluster();
    const { kubeConfig } = cp;
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    const ns = await testNamespace('rbac');
    const user = await cp.mintUser(uniqueName('restricted'), ['trueup-test-users']);
    const restricted = new k8s.KubeConfig();
    restricted.loadFromFile(user.kubeconfigPath);
    const asUser = restricted.makeApiClient(k8s.CoreV1Api);
    const denied = await asUser.listNamespacedConfigMap({ namespace: ns }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.equal(apiStatus(denied), 403);
    const rbac = kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api);
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'read' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user.user }],
      },
    });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c' } } });
    const allowed = await eventually('read allowed', async () => {
      const list = await asUser.listNamespacedConfigMap({ namespace: ns });
      return list.items.some((c) => c.metadata?.name === 'c') || undefined;
    });
    assert.equal(allowed, true);
  });

  test('deleting a namespace removes its objects (kube-controller-manager)', async () => {
    const { kubeConfig } = await testCluster();
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    const ns = uniqueName('nsdel');
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'doomed' } } });
    await core.deleteNamespace({ name: ns });
    const gone = await eventually(
      'namespace gone',
      async () => {
        const status = await core.readNamespace({ name: ns }).then(
          () => 200,
          (err: unknown) => apiStatus(err),
        );
        return status === 404 || undefined;
        // The namespace controller works through every namespace the test run deletes: a generous bound.
      },
      180_000,
    );
    assert.equal(gone, true);
    const cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'doomed' }).then(
      () => 200,
      (err: unknown) => apiStatus(err),
    );
    assert.equal(cm, 404);
  });
});
