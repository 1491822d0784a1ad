/**
 * One large app: M ConfigMaps (one multi-document file in a plain directory) in one Application.
 * Times the first sync, a no-change resync and a one-object change (from the commit's refresh
 * to the app Synced at the new revision with the object changed), with the controller's RSS and
 * heap, and the same three steps with `kubectl apply --server-side` on the same file (its max
 * RSS from /usr/bin/time). The controller runs in this process (for exact timing); the bench's
 * own footprint before it starts is reported as the baseline.
 * Usage: npx tsx bench/scale-churn/large-app.ts [--objects 5000] [--no-kubectl]
 * Prints a JSON result on stdout; progress on stderr.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Application } from '../../src/api/application.js';
import { Annotation } from '../../src/api/application.js';
import { TreeRenderPort } from '../../src/controller/adapters/render.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { Controller } from '../../src/controller/controller.js';
import { GitSource } from '../../src/source/index.js';
import { countingReconciles } from '../../test/support/counting-metrics.js';
import { appObject, load, log, MiB, namespace, sleep, startEnv } from './harness.js';

const run = promisify(execFile);
const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const m = flag('objects', 5000);

const manifest = (changed: number) =>
  Array.from(
    { length: m },
    (_, i) =>
      // "---" first: a file that starts with "{" is a JSON stream to kubectl.
      `---\n${JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `big-${String(i).padStart(5, '0')}`, labels: { part: String(i % 7) } },
        data: { value: i === changed ? 'changed' : `v${i}`, text: 'x'.repeat(200) },
      })}\n`,
  ).join('');

const env = await startEnv();
const work = await mkdtemp(join(tmpdir(), 'bench-large-'));
try {
  const repo = await env.git.createRepo('large');
  const first = await repo.commit({ 'app/all.yaml': manifest(-1) });
  const stamp = Date.now();
  const appNs = await namespace(env.client, `large-apps-${stamp}`);
  const dest = await namespace(env.client, `large-dest-${stamp}`);
  const kdest = await namespace(env.client, `large-kubectl-${stamp}`);

  const counting = countingReconciles();
  const { metrics } = counting;
  global.gc?.();
  const baseline = process.memoryUsage();
  const controller = new Controller({
    client: env.client,
    config: { concurrency: 10, requeueInterval: 3_600_000, namespaces: [appNs] },
    source: new GitSourcePort(new GitSource({ cacheDir: join(work, 'git') })),
    render: new TreeRenderPort(),
    metrics,
  });
  await controller.start();
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const app = () => controller.apps().find((a) => a.metadata.name === 'large') as Application | undefined;
  const synced = (rev: string) => {
    const s = app()?.status;
    return (
      s?.sync?.status === 'Synced' &&
      s.sync.revision === rev &&
      s.health?.status === 'Healthy' &&
      (s.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
    );
  };
  const waitUntil = async (what: string, ok: () => boolean) => {
    const deadline = Date.now() + 30 * 60_000;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await sleep(20);
    }
  };
  const step = async (what: string, act: () => Promise<void>, done: () => boolean) => {
    const before = env.client.counter.snapshot();
    const l = load();
    const t = performance.now();
    await act();
    await waitUntil(what, done);
    const seconds = (performance.now() - t) / 1000;
    const after = env.client.counter.snapshot();
    const requests = Object.fromEntries(
      Object.entries(after).flatMap(([k, v]) =>
        v - before[k as keyof typeof before] ? [[k, v - before[k as keyof typeof before]]] : [],
      ),
    );
    const r = {
      seconds: Math.round(seconds * 100) / 100,
      requests,
      rssMiB: MiB(process.memoryUsage().rss),
      loadavg: l,
    };
    log(`[large] ${what}: ${JSON.stringify(r)}`);
    return r;
  };

  const firstSync = await step(
    'first sync',
    async () => {
      await env.client.create(appObject('large', appNs, env.git.url('large'), 'app', dest), {
        fieldManager: 'bench',
      });
    },
    () => synced(first),
  );
  const firstPeak = peakRss;
  await sleep(3000);
  await controller.queue.whenIdle();
  const r0 = counting.passes();
  const resync = await step(
    'no-change resync',
    async () => controller.queue.add(`${appNs}/large`),
    () => counting.passes() > r0,
  );
  const refresh = async () => {
    await env.client.apply(
      {
        apiVersion: 'trueup.dev/v1alpha1',
        kind: 'Application',
        metadata: { name: 'large', namespace: appNs, annotations: { [Annotation.Refresh]: 'normal' } },
      },
      { fieldManager: 'bench-refresh', force: true },
    );
  };
  let second = '';
  const oneChange = await step(
    'one-object change (commit, refresh, synced)',
    async () => {
      second = await repo.commit({ 'app/all.yaml': manifest(42) });
      await refresh();
    },
    () => synced(second),
  );
  const heap = process.memoryUsage();
  clearInterval(sampler);
  await controller.stop();

  // kubectl apply --server-side on the same objects (the same file), into its own namespace.
  const kubectl = async (what: string, text: string) => {
    const file = join(work, 'all.yaml');
    await writeFile(file, text);
    const l = load();
    const t = performance.now();
    const { stderr } = await run(
      '/usr/bin/time',
      [
        '-f',
        'MAXRSS %M',
        'kubectl',
        '--kubeconfig',
        env.cp.kubeconfigPath,
        'apply',
        '--server-side',
        '-n',
        kdest,
        '-f',
        file,
      ],
      { maxBuffer: 64 * 2 ** 20 },
    );
    const r = {
      seconds: Math.round(((performance.now() - t) / 1000) * 100) / 100,
      maxRssMiB: MiB(Number(/MAXRSS (\d+)/.exec(stderr)?.[1] ?? 0) * 1024),
      loadavg: l,
    };
    log(`[large] kubectl ${what}: ${JSON.stringify(r)}`);
    return r;
  };
  const withKubectl = !process.argv.includes('--no-kubectl');
  const kFirst = withKubectl ? await kubectl('first apply', manifest(-1)) : undefined;
  const kAgain = withKubectl ? await kubectl('no-change apply', manifest(-1)) : undefined;
  const kOne = withKubectl ? await kubectl('one-object change', manifest(42)) : undefined;
  const ratio = (a: number, b: number | undefined) => (b ? Math.round((a / b) * 100) / 100 : undefined);
  process.stdout.write(
    `${JSON.stringify(
      {
        objects: m,
        trueup: {
          firstSync,
          noChangeResync: resync,
          oneObjectChange: oneChange,
          baselineRssMiB: MiB(baseline.rss),
          peakRssMiB: MiB(peakRss),
          peakRssDuringFirstSyncMiB: MiB(firstPeak),
          heapUsedMiB: { baseline: MiB(baseline.heapUsed), end: MiB(heap.heapUsed) },
        },
        kubectl: { firstApply: kFirst, noChangeApply: kAgain, oneObjectChange: kOne },
        ratioTrueupOverKubectl: {
          first: ratio(firstSync.seconds, kFirst?.seconds),
          noChange: ratio(resync.seconds, kAgain?.seconds),
          oneChange: ratio(oneChange.seconds, kOne?.seconds),
        },
        loadavg: load(),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
  await env.stop();
}
