/**
 * What one request of each kind costs the API server (issue 20), and whether a cheaper status
 * write exists. On a fresh control plane, `--count` requests of each kind below (each object
 * written once, as in a cold start), `--concurrency` in flight, interleaved over `--rounds`
 * rounds; per kind the CPU seconds of kube-apiserver and etcd (from /proc) divided by the count.
 *   configmap-apply      the controller's recorded ConfigMap server-side apply, renamed
 *   event-create         the controller's recorded Event, renamed
 *   status-merge         the controller's recorded first status write (JSON merge patch of the
 *                        whole first status), on an Application
 *   status-merge-small   a merge patch of one field (status.sync.status)
 *   status-apply         server-side apply of the same status (apply-patch on /status, forced)
 *   status-json-patch    a JSON patch adding the same status
 *   status-merge-schemaless the recorded status merge patch on a CRD without a schema
 *                        (x-kubernetes-preserve-unknown-fields) and the same spec
 *   status-merge-small-on-full a one-field merge patch (status.reconciledAt) on an Application
 *                        that already holds the full status (written before the measurement):
 *                        tells a write's cost by the patch's size from its cost by the object's
 * It also reports the size of one Application's managedFields after each kind of write.
 * Usage: npx tsx bench/scale/status-cost.ts --script FILE [--count 1000] [--rounds 2]
 *   [--concurrency 16] [--kinds configmap-apply,...]   (FILE: a recording of api-floor.ts record)
 */
import { createReadStream } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../src/api/object.js';
import type { ClusterClient } from '../../src/kube/types.js';
import { CpuLedger } from '../support/proc-cpu.js';
import { replay } from './floor-replay.js';
import { kindOf, type RecordedRequest, RequestKind } from './floor-script.js';
import { tokenTargetOf } from './identity.js';
import { applyNamespace, appObject, createApps, withCluster } from './setup.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const KINDS = [
  'configmap-apply',
  'event-create',
  'status-merge',
  'status-merge-small',
  'status-apply',
  'status-json-patch',
  'status-merge-schemaless',
  'status-merge-small-on-full',
] as const;
type CostKind = (typeof KINDS)[number];

interface Samples {
  apply: RecordedRequest;
  event: RecordedRequest;
  status: RecordedRequest;
}

async function samplesOf(path: string): Promise<Samples> {
  const found: Partial<Samples> = {};
  for await (const line of createInterface({ input: createReadStream(path) })) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as RecordedRequest;
    const kind = kindOf(r);
    if (kind === RequestKind.Apply && !found.apply && r.path.includes('/configmaps/')) found.apply = r;
    if (kind === RequestKind.Event && !found.event) found.event = r;
    if (kind === RequestKind.StatusPatch && !found.status) found.status = r;
  }
  if (!found.apply || !found.event || !found.status)
    throw new Error(`${path}: no ConfigMap apply, Event or status patch recorded`);
  return found as Samples;
}

const SCHEMALESS_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'blobs.bench.trueup.dev' },
  spec: {
    group: 'bench.trueup.dev',
    names: { kind: 'Blob', plural: 'blobs', singular: 'blob', listKind: 'BlobList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
} as unknown as KubeObject;

async function schemalessReady(client: ClusterClient): Promise<void> {
  await client.apply(SCHEMALESS_CRD, { fieldManager: 'bench', force: true });
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    try {
      await client.list('bench.trueup.dev/v1', 'Blob');
      return;
    } catch {
      client.invalidateDiscovery();
      await sleep(200);
    }
  }
  throw new Error('CRD blobs.bench.trueup.dev not served within 30 s');
}

/** The requests of one kind for `count` objects in namespace `ns` (whose objects exist when needed). */
function requestsOf(kind: CostKind, s: Samples, ns: string, count: number): RecordedRequest[] {
  const status = (JSON.parse(s.status.body ?? '{}') as { status: unknown }).status;
  return Array.from({ length: count }, (_, i): RecordedRequest => {
    const name = `a${String(i).padStart(5, '0')}`;
    const app = `/apis/trueup.dev/v1alpha1/namespaces/${ns}/applications/${name}/status`;
    const q = '?fieldManager=trueup-controller';
    const base = { atMs: 0, status: 200 };
    const merge = s.status.contentType ?? 'application/merge-patch+json';
    switch (kind) {
      case 'configmap-apply': {
        const body = JSON.parse(s.apply.body ?? '{}') as KubeObject;
        body.metadata = { ...body.metadata, name: `c-${name}`, namespace: ns };
        const query = s.apply.path.slice(s.apply.path.indexOf('?'));
        return {
          ...base,
          method: 'PATCH',
          path: `/api/v1/namespaces/${ns}/configmaps/c-${name}${query}`,
          contentType: s.apply.contentType ?? 'application/apply-patch+yaml',
          body: JSON.stringify(body),
        };
      }
      case 'event-create': {
        const body = JSON.parse(s.event.body ?? '{}') as KubeObject;
        body.metadata = { ...body.metadata, name: `e-${name}`, namespace: ns };
        // The API server refuses an Event whose object is in another namespace.
        body.involvedObject = { ...(body.involvedObject as object), namespace: ns };
        return {
          ...base,
          method: 'POST',
          path: `/api/v1/namespaces/${ns}/events`,
          contentType: 'application/json',
          body: JSON.stringify(body),
        };
      }
      case 'status-merge':
        return {
          ...base,
          method: 'PATCH',
          path: `${app}${q}`,
          contentType: merge,
          body: s.status.body ?? '',
        };
      case 'status-merge-small-on-full':
        return {
          ...base,
          method: 'PATCH',
          path: `${app}${q}`,
          contentType: 'application/merge-patch+json',
          body: JSON.stringify({ status: { reconciledAt: new Date(Date.UTC(2027, 0, 1)).toISOString() } }),
        };
      case 'status-merge-small':
        return {
          ...base,
          method: 'PATCH',
          path: `${app}${q}`,
          contentType: 'application/merge-patch+json',
          body: JSON.stringify({ status: { sync: { status: 'Synced' } } }),
        };
      case 'status-apply':
        return {
          ...base,
          method: 'PATCH',
          path: `${app}${q}&force=true`,
          contentType: 'application/apply-patch+yaml',
          body: JSON.stringify({
            apiVersion: 'trueup.dev/v1alpha1',
            kind: 'Application',
            metadata: { name, namespace: ns },
            status,
          }),
        };
      case 'status-json-patch':
        return {
          ...base,
          method: 'PATCH',
          path: `${app}${q}`,
          contentType: 'application/json-patch+json',
          body: JSON.stringify([{ op: 'add', path: '/status', value: status }]),
        };
      case 'status-merge-schemaless':
        return {
          ...base,
          method: 'PATCH',
          path: `/apis/bench.trueup.dev/v1/namespaces/${ns}/blobs/${name}/status${q}`,
          contentType: merge,
          body: s.status.body ?? '',
        };
      default:
        throw new Error(`unknown kind ${kind satisfies never}`);
    }
  });
}

async function createBlobs(client: ClusterClient, ns: string, count: number, spec: unknown) {
  await applyNamespace(client, ns);
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, j) =>
        client.create(
          {
            apiVersion: 'bench.trueup.dev/v1',
            kind: 'Blob',
            metadata: { name: `a${String(i + j).padStart(5, '0')}`, namespace: ns },
            spec,
          } as unknown as KubeObject,
          { fieldManager: 'bench' },
        ),
      ),
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      script: { type: 'string' },
      count: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '16' },
      kinds: { type: 'string', default: KINDS.join(',') },
    },
  });
  if (!values.script) throw new Error('--script FILE (a recording of api-floor.ts record) is required');
  const count = Number(values.count);
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);
  for (const [flag, v] of [
    ['count', count],
    ['rounds', rounds],
    ['concurrency', concurrency],
  ] as const)
    if (!Number.isInteger(v) || v <= 0) throw new Error(`--${flag}: a positive integer`);
  const kinds = values.kinds.split(',').filter(Boolean) as CostKind[];
  for (const k of kinds)
    if (!(KINDS as readonly string[]).includes(k))
      throw new Error(`--kinds: ${k} is not one of ${KINDS.join(', ')}`);
  const samples = await samplesOf(values.script);
  const results: Record<string, unknown> = { count, rounds, concurrency, loadavgAtStart: loadavg() };
  await withCluster('token', async (kubeconfig, repoURL, client, cp) => {
    const target = await tokenTargetOf(kubeconfig);
    await schemalessReady(client);
    // The Blobs carry the Applications' spec, so only the schema differs.
    const spec = appObject('x', 'x', repoURL, 'x-dest').spec;
    const perKind: Record<string, { apiserver: number[]; etcd: number[]; mismatched: number }> = {};
    const managedFields: Record<string, number> = {};
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round, so no kind always runs first or last.
      const order = kinds.map((_, i) => kinds[(i + round * 3) % kinds.length] as CostKind);
      for (const kind of order) {
        const ns = `cost-${round}-${KINDS.indexOf(kind)}`;
        log(`[cost] round ${round + 1}/${rounds}: ${kind} (setting up ${ns})`);
        if (kind === 'status-merge-schemaless') await createBlobs(client, ns, count, spec);
        else if (kind.startsWith('status')) await createApps(client, ns, `${ns}-dest`, repoURL, count);
        if (kind === 'status-merge-small-on-full')
          (await replay(target, requestsOf('status-merge', samples, ns, count), concurrency)).closeWatches();
        else await applyNamespace(client, ns);
        await sleep(3000);
        const ledger = new CpuLedger();
        for (const p of cp.processes()) ledger.track(p.name, p.pid);
        const { result, closeWatches } = await replay(
          target,
          requestsOf(kind, samples, ns, count),
          concurrency,
        );
        closeWatches();
        const spent = ledger.spent().perProcess;
        const entry = perKind[kind] ?? { apiserver: [], etcd: [], mismatched: 0 };
        entry.apiserver.push(((spent['kube-apiserver'] ?? 0) / count) * 1000);
        entry.etcd.push(((spent.etcd ?? 0) / count) * 1000);
        entry.mismatched += Object.values(result.mismatched).reduce((a, b) => a + (b ?? 0), 0);
        perKind[kind] = entry;
        if (kind.startsWith('status') && kind !== 'status-merge-schemaless') {
          const app = await client.get({
            apiVersion: 'trueup.dev/v1alpha1',
            kind: 'Application',
            namespace: ns,
            name: 'a00000',
          });
          managedFields[kind] = JSON.stringify(app?.metadata.managedFields ?? []).length;
        }
      }
    }
    results.msPerRequest = perKind;
    results.managedFieldsBytesOfOneApp = managedFields;
  });
  results.loadavgAtEnd = loadavg();
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

await main();
