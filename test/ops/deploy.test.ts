/**
 * deploy/ installs on a real control plane: trueup renders it with its own Kustomize engine
 * (the same objects as `kubectl kustomize`), applies it with its own sync engine, and the API
 * server accepts every object. The Prometheus Operator's CRDs come from a minimal fixture. The
 * least-privilege overlay is checked by server-side dry run. The Deployment's pod template
 * passes the namespace's `restricted` Pod Security admission (the ReplicaSet creates its pods).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import type { KubeObject } from '../../src/api/object.js';
import { ENV_NAMES, loadConfig } from '../../src/config/config.js';
import { createClusterClient } from '../../src/kube/index.js';
import { DiskTree } from '../../src/render/disk-tree.js';
import { renderTree } from '../../src/render/index.js';
import { shardFromPodName } from '../../src/runtime/sharding.js';
import { MemoryInventory, ResultAction, sync } from '../../src/sync/index.js';
import { testCluster } from '../support/cluster.js';
import { eventually } from '../support/wait.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const cluster = await testCluster();
const { kubeConfig } = cluster;
const client = await createClusterClient(kubeConfig);
after(() => client.close());

const idOf = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

async function kubectlKustomize(dir: string): Promise<KubeObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', join(ROOT, dir)], { maxBuffer: 32 * 1024 * 1024 });
  return yaml.loadAll(stdout) as KubeObject[];
}

async function render(dir: string): Promise<KubeObject[]> {
  return renderTree(new DiskTree(ROOT), dir);
}

/** The API server accepts every object (server-side dry run through the sync engine). */
async function assertDryRunAccepted(objects: KubeObject[], name: string): Promise<void> {
  const result = await sync(
    {
      app: { namespace: 'trueup-system', name: name },
      destinationNamespace: 'trueup-system',
      objects,
      dryRun: true,
    },
    { client, inventory: new MemoryInventory(), healthTimeoutMs: 60_000 },
  );
  const failures = result.resources.filter((r) => r.action === ResultAction.Failed);
  assert.deepEqual(
    failures.map((f) => `${f.ref.kind} ${f.ref.name}: ${f.message}`),
    [],
  );
}

describe('deploy/ on the control plane', () => {
  it('renders with trueup to the same objects as kubectl kustomize (base, overlays, guard)', async () => {
    for (const dir of [
      'deploy',
      'deploy/overlays/namespaced',
      'deploy/overlays/sharded',
      'deploy/guard',
      'deploy/overlays/impersonating',
    ]) {
      const ours = (await render(dir)).map(idOf).sort();
      const theirs = (await kubectlKustomize(dir)).map(idOf).sort();
      assert.deepEqual(ours, theirs, dir);
    }
  });

  it('configures the controller only through settings src/config knows, with leader election on', async () => {
    for (const dir of ['deploy', 'deploy/overlays/namespaced', 'deploy/overlays/sharded']) {
      const workload = dir.endsWith('sharded') ? 'StatefulSet' : 'Deployment';
      const dep = (await render(dir)).find((o) => o.kind === workload) as KubeObject & {
        spec: {
          template: {
            spec: {
              containers: {
                args: string[];
                env: { name: string; value?: string; valueFrom?: unknown }[];
                livenessProbe?: { httpGet?: { path?: string; port?: string } };
              }[];
            };
          };
        };
      };
      const c = dep.spec.template.spec.containers[0];
      assert.deepEqual(c?.args, ['controller']);
      const known = new Set<string>(Object.values(ENV_NAMES));
      for (const e of c?.env ?? []) {
        if (e.name.startsWith('TRUEUP_'))
          assert.ok(known.has(e.name), `${dir}: ${e.name} is not a trueup setting`);
      }
      assert.equal(c?.env.find((e) => e.name === ENV_NAMES.leaderElect)?.value, 'true');
      assert.equal(c?.env.find((e) => e.name === ENV_NAMES.metricsAddress)?.value, '0.0.0.0:8080');
      // What the controller reads from that environment in the pod (fieldRefs resolved as the kubelet would).
      const podEnv: Record<string, string> = {};
      for (const e of (c?.env ?? []) as {
        name: string;
        value?: string;
        valueFrom?: { fieldRef?: { fieldPath?: string } };
      }[]) {
        const field = e.valueFrom?.fieldRef?.fieldPath;
        podEnv[e.name] =
          e.value ??
          (field === 'metadata.namespace'
            ? 'trueup-system'
            : field === 'metadata.name'
              ? 'trueup-controller-3'
              : '');
      }
      const config = loadConfig({}, podEnv);
      // The webhook secret comes from an optional Secret; without it the webhook refuses requests,
      // and the install never opts in to unsigned ones.
      assert.deepEqual(c?.env.find((e) => e.name === ENV_NAMES.webhookSecret)?.valueFrom, {
        secretKeyRef: { name: 'trueup-webhook', key: 'secret', optional: true },
      });
      assert.ok(
        !c?.env.some((e) => e.name === ENV_NAMES.webhookInsecure),
        `${dir}: opts in to unsigned webhooks`,
      );
      assert.deepEqual([config.webhookSecret, config.webhookInsecure], ['', false]);
      assert.equal(
        loadConfig({}, { ...podEnv, [ENV_NAMES.webhookSecret]: 'from-the-secret' }).webhookSecret,
        'from-the-secret',
      );
      // The liveness probe asks /healthz, which fails for a wedged controller.
      assert.deepEqual(c?.livenessProbe?.httpGet, { path: '/healthz', port: 'http-metrics' });
      assert.equal(config.leaderElection.enabled, true);
      assert.equal(config.leaderElection.leaseNamespace, 'trueup-system');
      assert.equal(config.metricsAddress, '0.0.0.0:8080');
      assert.equal(config.cacheDir, '/var/cache/trueup');
      if (dir.includes('namespaced')) assert.deepEqual(config.namespaces, ['trueup-system']);
      else assert.deepEqual(config.namespaces, []);
      // Sharded: pod ordinal 3 of 2 shards.
      assert.equal(config.shards, dir.endsWith('sharded') ? 2 : 1);
      assert.equal(config.podName, 'trueup-controller-3');
      if (dir.endsWith('sharded')) assert.equal(shardFromPodName(config.podName, config.shards), 1);
    }
  });

  it('is accepted object by object when trueup syncs it, with the monitoring CRDs installed', async () => {
    const crds = yaml.loadAll(
      await readFile(join(import.meta.dirname, 'fixtures', 'monitoring-crds.yaml'), 'utf8'),
    ) as KubeObject[];
    const monitoring = await sync(
      {
        app: { namespace: 'default', name: 'monitoring-crds' },
        destinationNamespace: 'default',
        objects: crds,
      },
      { client, inventory: new MemoryInventory(), healthTimeoutMs: 60_000 },
    );
    assert.equal(monitoring.phase, 'Succeeded', monitoring.message);

    const objects = await render('deploy');
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of [
      'Namespace',
      'CustomResourceDefinition',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
      'Deployment',
      'Service',
      'ServiceMonitor',
      'PrometheusRule',
      'ConfigMap',
    ]) {
      assert.ok(kinds.has(kind), `deploy/ has no ${kind}`);
    }
    const result = await sync(
      {
        app: { namespace: 'trueup-system', name: 'trueup-install' },
        destinationNamespace: 'trueup-system',
        objects,
      },
      { client, inventory: new MemoryInventory(), healthTimeoutMs: 60_000 },
    );
    const failures = result.resources.filter((r) => r.action === ResultAction.Failed);
    assert.deepEqual(
      failures.map((f) => `${f.ref.kind} ${f.ref.name}: ${f.message}`),
      [],
    );
    for (const o of objects) {
      const live = await client.get({
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name ?? '',
        ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      });
      assert.ok(live, `${idOf(o)} is not in the cluster after the sync`);
    }
  });

  it('is accepted by kubectl apply --server-side -k deploy as the README says (server dry run)', async () => {
    const { stdout } = await run(
      'kubectl',
      [
        '--kubeconfig',
        cluster.kubeconfigPath,
        'apply',
        '--server-side',
        '--force-conflicts',
        '--dry-run=server',
        '-k',
        join(ROOT, 'deploy'),
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, (await render('deploy')).length, stdout);
    for (const line of lines) assert.match(line, /serverside-applied \(server dry run\)$/);
  });

  it('runs its pod template under the restricted Pod Security level (the ReplicaSet creates pods)', async () => {
    const listPods = async () =>
      (
        await client.list('v1', 'Pod', {
          namespace: 'trueup-system',
          labelSelector: 'app.kubernetes.io/name=trueup-controller',
        })
      ).items;
    const pods = await eventually(
      'a controller pod',
      async () => {
        const items = await listPods();
        return items.length > 0 && items;
      },
      60_000,
    ).catch(async (err: Error) => {
      const events = (await client.list('v1', 'Event', { namespace: 'trueup-system' })).items.map((e) =>
        String((e as { message?: unknown }).message),
      );
      throw new Error(`no controller pod was created: ${err.message}; events: ${events.join('; ')}`);
    });
    assert.ok(pods.length > 0);
  });

  it('accepts the sharded overlay: a StatefulSet instead of the Deployment (server-side dry run)', async () => {
    const objects = await render('deploy/overlays/sharded');
    assert.ok(!objects.some((o) => o.kind === 'Deployment'), 'the sharded overlay still has the Deployment');
    const result = await sync(
      {
        app: { namespace: 'trueup-system', name: 'trueup-install-sharded' },
        destinationNamespace: 'trueup-system',
        objects: objects.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Service'),
        dryRun: true,
      },
      { client, inventory: new MemoryInventory(), healthTimeoutMs: 60_000 },
    );
    const failures = result.resources.filter((r) => r.action === ResultAction.Failed);
    assert.deepEqual(
      failures.map((f) => `${f.ref.kind} ${f.ref.name}: ${f.message}`),
      [],
    );
  });

  it('accepts the least-privilege overlay (server-side dry run)', async () => {
    const objects = await render('deploy/overlays/namespaced');
    // The only cluster-wide grant: the UI's token and access reviews (as system:auth-delegator),
    // which are cluster-scoped and give no access to anything.
    assert.deepEqual(
      objects.filter((o) => o.kind === 'ClusterRoleBinding').map((o) => o.metadata.name),
      ['trueup-ui-reviews'],
      'the overlay binds a ClusterRole beyond the UI reviews',
    );
    const reviews = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'trueup-ui-reviews');
    assert.deepEqual(
      ((reviews?.rules ?? []) as { resources: string[]; verbs: string[] }[]).map((r) => [
        r.resources,
        r.verbs,
      ]),
      [
        [['tokenreviews'], ['create']],
        [['subjectaccessreviews'], ['create']],
      ],
    );
    await assertDryRunAccepted(objects, 'trueup-install-namespaced');
  });

  it('accepts the impersonating overlay (server-side dry run): the controller itself writes only trueup.dev kinds and events', async () => {
    const objects = await render('deploy/overlays/impersonating');
    const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'trueup-controller') as
      | (KubeObject & { rules: { apiGroups?: string[]; resources?: string[]; verbs: string[] }[] })
      | undefined;
    const writes = (role?.rules ?? []).filter((r) =>
      r.verbs.some((v) => !['get', 'list', 'watch'].includes(v)),
    );
    assert.deepEqual(writes.map((r) => `${r.apiGroups?.join(',')}/${r.resources?.join(',')}`).sort(), [
      '/events',
      '/serviceaccounts',
      'authentication.k8s.io/tokenreviews',
      'authorization.k8s.io/subjectaccessreviews',
      'events.k8s.io/events',
      'trueup.dev/*',
    ]);
    await assertDryRunAccepted(objects, 'trueup-install-impersonating');
  });
});
