/**
 * Soak: N apps (2 ConfigMaps + 1 Widget each) for a given time, with a commit every C seconds
 * (changes one ConfigMap's value in every app), a random `kubectl` edit of a managed ConfigMap
 * every E seconds (each must be reverted by self-heal), and status churn on every Widget
 * (a status write per Widget every S seconds). The controller runs in its own process; its
 * per-second STATS give the RSS and heap slope after warm-up, the cache sizes and the queue's
 * lanes (keys waiting, waits); a forced GC at the start and at the end of the measured window
 * (after warm-up, until the load stops) gives the heap's retained size.
 * Usage: npx tsx bench/scale-churn/soak.ts [--minutes 30] [--apps 1000] [--commit-every 30]
 *          [--edit-every 5] [--churn-period 30] [--requeue 60]
 * Prints a JSON result on stdout; progress on stderr.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { churnedStatus, WIDGET_API, widget } from '../../test/support/widget-crd.js';
import {
  appObject,
  ControllerProcess,
  cpuPerMinute,
  createAll,
  delta,
  type HeapSample,
  load,
  log,
  MiB,
  namespace,
  type Stats,
  sleep,
  startEnv,
} from './harness.js';
import { churnStatus } from './status-churner.js';

const run = promisify(execFile);
const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const minutes = flag('minutes', 30);
const n = flag('apps', 1000);
const commitEvery = flag('commit-every', 30) * 1000;
const editEvery = flag('edit-every', 5) * 1000;
const churnPeriod = flag('churn-period', 30) * 1000;
const requeue = flag('requeue', 60) * 1000;

/** Least-squares slope of y over x. */
function slope(points: readonly [number, number][]): number {
  const m = points.length;
  if (m < 2) return 0;
  const mx = points.reduce((a, p) => a + p[0], 0) / m;
  const my = points.reduce((a, p) => a + p[1], 0) / m;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den ? num / den : 0;
}

const env = await startEnv();
const cm = (name: string, value: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { value } });
try {
  const repo = await env.git.createRepo('soak');
  const files = (round: number) => ({
    'app/kustomization.yaml': JSON.stringify({ resources: ['a.yaml', 'b.yaml', 'w.yaml'] }),
    'app/a.yaml': cm('config-a', `round-${round}`),
    'app/b.yaml': cm('config-b', 'stable'),
    'app/w.yaml': JSON.stringify(widget('widget', 1)),
  });
  const commits: { sha: string; at: number; appliedAfterMs?: number }[] = [];
  commits.push({ sha: await repo.commit(files(0)), at: Date.now() });
  const stamp = Date.now();
  const appNs = await namespace(env.client, `soak-apps-${stamp}`);
  const dest = await namespace(env.client, `soak-dest-${stamp}`);
  const names = Array.from({ length: n }, (_, i) => `s${String(i).padStart(4, '0')}`);
  await createAll(
    env.client,
    names.map((a) => appObject(a, appNs, env.git.url('soak'), 'app', dest, `${a}-`)),
  );
  const ctl = ControllerProcess.start(env.cp.kubeconfigPath, appNs, 10, requeue);
  const t0 = Date.now();
  const cold = await ctl.until('all apps Ready', (s) => s.apps === n && s.ready === n, 20 * 60_000);
  log(`[soak] ${n} apps Ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (load ${load()})`);

  const { resource } = await env.client.mapping(WIDGET_API, 'Widget');
  const widgets = names.map((a) => ({
    apiVersion: WIDGET_API,
    resource,
    namespace: dest,
    name: `${a}-widget`,
  }));
  const churn = churnStatus(env.cp.kubeconfig, widgets, churnPeriod, churnedStatus, 8);
  // Warm-up: the first sixth of the soak (at least 2 minutes, at most half) is left out.
  const warmupMs = Math.min(Math.max(120_000, (minutes * 60_000) / 6), (minutes * 60_000) / 2);
  const end = Date.now() + minutes * 60_000;
  const windowStartsAt = Date.now() + warmupMs;
  let heapAtStart: HeapSample | undefined;
  // A retained-heap sample every 5 minutes of the window, with the Git tree cache's size then:
  // growth while that cache fills toward its bound is the cache, growth after it is not.
  const heapSamples: { heap: HeapSample; gitTrees: number }[] = [];
  let nextHeapSample = windowStartsAt;
  let round = 0;
  let nextCommit = Date.now() + commitEvery;
  let nextEdit = Date.now() + editEvery;
  const edits: { name: string; at: number; revertedAfterMs?: number }[] = [];
  const kubectl = (args: string[]) => run('kubectl', ['--kubeconfig', env.cp.kubeconfigPath, ...args]);
  const pendingEdits: Promise<void>[] = [];
  while (Date.now() < end) {
    if (Date.now() >= nextHeapSample) {
      const heap = await ctl.retainedHeap();
      heapAtStart ??= heap;
      heapSamples.push({ heap, gitTrees: ctl.last?.caches.git.trees ?? 0 });
      nextHeapSample += 5 * 60_000;
    }
    if (Date.now() >= nextCommit) {
      round++;
      commits.push({ sha: await repo.commit(files(round)), at: Date.now() });
      nextCommit += commitEvery;
    }
    if (Date.now() >= nextEdit) {
      nextEdit += editEvery;
      const app = names[Math.floor(Math.random() * n)] as string;
      const name = `${app}-config-b`;
      const edit = { name, at: Date.now() } as (typeof edits)[number];
      edits.push(edit);
      pendingEdits.push(
        (async () => {
          await kubectl([
            '-n',
            dest,
            'patch',
            'configmap',
            name,
            '--type=merge',
            '-p',
            '{"data":{"value":"edited"}}',
          ]);
          for (let i = 0; i < 600; i++) {
            const { stdout } = await kubectl([
              '-n',
              dest,
              'get',
              'configmap',
              name,
              '-o',
              'jsonpath={.data.value}',
            ]);
            if (stdout === 'stable') {
              edit.revertedAfterMs = Date.now() - edit.at;
              return;
            }
            await sleep(200);
          }
        })().catch((err: unknown) => {
          log(`[soak] edit of ${name}: ${String(err)}`);
        }),
      );
    }
    // A commit is applied when every app is synced to it or to a later one.
    const s = ctl.last;
    if (s) {
      for (const [k, c] of commits.entries()) {
        if (c.appliedAfterMs !== undefined) continue;
        const later = new Set(commits.slice(k).map((x) => x.sha.slice(0, 12)));
        const at = Object.entries(s.revisions).reduce((a, [rev, cnt]) => a + (later.has(rev) ? cnt : 0), 0);
        if (at === n) c.appliedAfterMs = Date.now() - c.at;
      }
    }
    await sleep(250);
  }
  const heapAtEnd = await ctl.retainedHeap();
  const windowEnd = (ctl.last as Stats).t;
  await churn.stop();
  await Promise.all(pendingEdits);
  const lastSha = (commits.at(-1) as { sha: string }).sha.slice(0, 12);
  const final = await ctl.until(
    'the last commit applied everywhere',
    (s) => s.revisions[lastSha] === n,
    10 * 60_000,
  );
  for (const c of commits) if (c.appliedAfterMs === undefined) c.appliedAfterMs = Date.now() - c.at;
  await ctl.stop();

  // The measured window: from the end of the warm-up to the end of the load.
  const soakStart = ctl.history.findIndex((s) => s === cold);
  const soak = ctl.history.slice(soakStart);
  const after = soak.filter((s) => s.t >= (heapAtStart?.t ?? cold.t + warmupMs) && s.t <= windowEnd);
  const first = after[0] as Stats;
  const lastS = after.at(-1) as Stats;
  const perHour = (f: (s: Stats) => number) =>
    MiB(slope(after.map((s) => [s.t / 3_600_000, f(s)] as [number, number])));
  const reverted = edits.filter((e) => e.revertedAfterMs !== undefined);
  const lags = commits.map((c) => c.appliedAfterMs as number).sort((a, b) => a - b);
  const revertTimes = reverted.map((e) => e.revertedAfterMs as number).sort((a, b) => a - b);
  const maxOf = <T>(f: (s: Stats) => T) => soak.map(f);
  const quantile = (xs: readonly number[], q: number) =>
    xs[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;
  const lane = (l: 'urgent' | 'periodic') => {
    const waits = soak.flatMap((s) => s.lanes?.[l].waits ?? []).sort((a, b) => a - b);
    return {
      started: waits.length,
      waitSeconds: { p50: quantile(waits, 0.5), p99: quantile(waits, 0.99), max: waits.at(-1) ?? 0 },
      waitingMax: Math.max(...maxOf((s) => s.lanes?.[l].waiting ?? 0)),
    };
  };
  const retained = (h: HeapSample | undefined) =>
    h
      ? {
          heapMiB: MiB(h.heapUsed),
          rssMiB: MiB(h.rss),
          atMinute: Math.round((h.t - cold.t) / 6000) / 10,
          collected: h.collected,
        }
      : undefined;
  const result = {
    minutes,
    apps: n,
    objects: n * 3,
    coldStartSeconds: Math.round(cold.t / 100) / 10,
    rssSlopeMiBPerHour: perHour((s) => s.rss),
    heapSlopeMiBPerHour: perHour((s) => s.heapUsed),
    rssMiB: { afterWarmup: MiB(first.rss), end: MiB(lastS.rss), max: MiB(Math.max(...maxOf((s) => s.rss))) },
    heapUsedMiB: { afterWarmup: MiB(first.heapUsed), end: MiB(lastS.heapUsed) },
    // After a forced GC: what the heap holds, at the start and the end of the measured window.
    heapRetained: { start: retained(heapAtStart), end: retained(heapAtEnd) },
    heapRetainedEvery5Minutes: heapSamples.map((h) => ({ ...retained(h.heap), gitTrees: h.gitTrees })),
    measuredMinutes: Math.round((windowEnd - first.t) / 6000) / 10,
    cpuSecondsPerMinute: Math.round(cpuPerMinute(first, lastS) * 100) / 100,
    caches: {
      renderMax: Math.max(...maxOf((s) => s.caches.render)),
      verdictsMax: Math.max(...maxOf((s) => s.caches.verdicts ?? 0)),
      verdictAppsMax: Math.max(...maxOf((s) => s.caches.verdictApps ?? 0)),
      gitReposMax: Math.max(...maxOf((s) => s.caches.git.repos)),
      gitTreesMax: Math.max(...maxOf((s) => s.caches.git.trees)),
      end: final.caches,
    },
    commits: commits.length,
    commitsApplied: commits.filter((c) => c.appliedAfterMs !== undefined).length,
    commitLagSeconds: {
      p50: (lags[Math.floor(lags.length / 2)] ?? 0) / 1000,
      max: (lags.at(-1) ?? 0) / 1000,
      // In commit order: a lag that grows over the soak is a queue falling behind.
      each: commits.map((c) => Math.round((c.appliedAfterMs as number) / 1000)),
    },
    edits: edits.length,
    editsReverted: reverted.length,
    revertSeconds: {
      p50: (revertTimes[Math.floor(revertTimes.length / 2)] ?? 0) / 1000,
      max: (revertTimes.at(-1) ?? 0) / 1000,
    },
    lanes: { urgent: lane('urgent'), periodic: lane('periodic') },
    statusWrites: churn.writes(),
    requestsDuringSoak: delta(cold, final),
    reconcilesDuringSoak: final.reconciles - cold.reconciles,
    loadavg: load(),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await env.stop();
}
