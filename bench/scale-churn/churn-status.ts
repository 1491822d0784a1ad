/**
 * Status churn: N apps × K Widgets each (a CRD with a status subresource), all Synced; then a
 * status write on every Widget every P seconds (as KEDA, External Secrets or HPAs do). Measures
 * the controller's CPU seconds per minute (its own process) over a quiet window and over a churn
 * window, and the API requests by verb and reconciles in each; and the write rate the churner
 * (status-churner.ts, in this process) reached, with this process's own CPU. Per window also the
 * watch events the controller received and its CPU µs per event (in the churn window also net of
 * the quiet window's CPU, as if the idle work stayed the same); the churn's µs per event times
 * 1,000 events/s is `cpuPercentOfOneCore.churnAt1000PerSecond` (the goal's rate, which the API
 * server on these shared cores does not always reach).
 * Usage: npx tsx bench/scale-churn/churn-status.ts [--apps 1000] [--per-app 10] [--period 10] [--window 60]
 *          [--in-flight 64] [--profile FILE] [--watch-coalesce MS]
 * --profile FILE: the controller's V8 CPU profile over the churn window, written to FILE.
 * --watch-coalesce MS: the controller client's watch coalescing window (0: off); default its own.
 * Prints a JSON result on stdout; progress on stderr.
 */
import { churnedStatus, WIDGET_API, widget } from '../../test/support/widget-crd.js';
import {
  appObject,
  ControllerProcess,
  cpuPerMinute,
  createAll,
  delta,
  load,
  log,
  MiB,
  namespace,
  type Stats,
  sleep,
  startEnv,
  usPerWatchEvent,
} from './harness.js';
import { churnStatus } from './status-churner.js';

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = flag('apps', 1000);
const perApp = flag('per-app', 10);
const period = flag('period', 10) * 1000;
const windowMs = flag('window', 60) * 1000;
const inFlight = flag('in-flight', 64);
const profileAt = process.argv.indexOf('--profile');
const profile = profileAt > 0 ? process.argv[profileAt + 1] : undefined;
const coalesceAt = process.argv.indexOf('--watch-coalesce');
if (coalesceAt > 0) process.env.BENCH_WATCH_COALESCE_MS = String(Number(process.argv[coalesceAt + 1]));

/** Garbage collections between two snapshots. */
const gcDelta = (a: Stats, b: Stats) =>
  a.gc && b.gc
    ? {
        young: b.gc.young - a.gc.young,
        youngMs: b.gc.youngMs - a.gc.youngMs,
        full: b.gc.full - a.gc.full,
        fullMs: b.gc.fullMs - a.gc.fullMs,
      }
    : undefined;

const env = await startEnv();
try {
  const repo = await env.git.createRepo('churn');
  const ws = Array.from({ length: perApp }, (_, i) => `w${i}`);
  await repo.commit({
    'app/kustomization.yaml': JSON.stringify({ resources: ws.map((w) => `${w}.yaml`) }),
    ...Object.fromEntries(ws.map((w, i) => [`app/${w}.yaml`, JSON.stringify(widget(w, i))])),
  });
  const stamp = Date.now();
  const appNs = await namespace(env.client, `churn-apps-${stamp}`);
  const dest = await namespace(env.client, `churn-dest-${stamp}`);
  const names = Array.from({ length: n }, (_, i) => `c${String(i).padStart(5, '0')}`);
  await createAll(
    env.client,
    names.map((a) => appObject(a, appNs, env.git.url('churn'), 'app', dest, `${a}-`)),
  );
  const ctl = ControllerProcess.start(env.cp.kubeconfigPath, appNs, 10, 180_000, profile);
  const cold = await ctl.until('all apps Ready', (s) => s.apps === n && s.ready === n, 30 * 60_000);
  log(`[churn] ${n} apps (${n * perApp} Widgets) Ready in ${(cold.t / 1000).toFixed(1)} s (load ${load()})`);
  await sleep(10_000);

  const window = async (label: string) => {
    const a = await ctl.next();
    const loadBefore = load();
    await sleep(windowMs);
    const b = await ctl.next();
    const r = {
      seconds: Math.round((b.t - a.t) / 100) / 10,
      cpuSecondsPerMinute: Math.round(cpuPerMinute(a, b) * 1000) / 1000,
      requests: delta(a, b),
      reconciles: b.reconciles - a.reconciles,
      watchEvents: (b.watchEvents ?? 0) - (a.watchEvents ?? 0),
      usPerWatchEvent: usPerWatchEvent(a, b),
      rssMiB: MiB(b.rss),
      heapUsedMiB: MiB(b.heapUsed),
      gc: gcDelta(a, b),
      loadavg: `${loadBefore} → ${load()}`,
    };
    log(`[churn] ${label}: ${JSON.stringify(r)}`);
    return { r, a, b };
  };
  const quiet = await window('quiet');

  const { resource } = await env.client.mapping(WIDGET_API, 'Widget');
  const objects = names.flatMap((a) =>
    ws.map((w) => ({ apiVersion: WIDGET_API, resource, namespace: dest, name: `${a}-${w}` })),
  );
  // First round: the Widgets get a status (with a Ready condition); then the churn proper.
  const churner = churnStatus(env.cp.kubeconfig, objects, period, churnedStatus, inFlight);
  while (churner.writes() < objects.length) await sleep(200);
  // The first round changes health (no conditions -> Ready): let those reconciles drain.
  await sleep(2 * period);
  // Until a second passes without a reconcile (bounded: a minute).
  for (let i = 0, prev = (await ctl.next()).reconciles; i < 60; i++) {
    const now = (await ctl.next()).reconciles;
    if (now === prev) break;
    prev = now;
  }
  if (profile) ctl.child.kill('SIGUSR2');
  const counts = () => ({
    at: performance.now(),
    writes: churner.writes(),
    failures: churner.failures(),
    late: churner.late(),
    cpu: process.cpuUsage(),
  });
  const c0 = counts();
  const churn = await window('churn');
  const c1 = counts();
  if (profile) {
    ctl.child.kill('SIGUSR2');
    await sleep(2000);
  }
  const churnSeconds = (c1.at - c0.at) / 1000;
  const writes = c1.writes - c0.writes;
  const benchCpuSeconds = (c1.cpu.user + c1.cpu.system - c0.cpu.user - c0.cpu.system) / 1e6;
  await churner.stop();
  await ctl.stop();
  const last = ctl.last as Stats;
  process.stdout.write(
    `${JSON.stringify(
      {
        apps: n,
        widgets: objects.length,
        periodSeconds: period / 1000,
        coldStartSeconds: Math.round(cold.t / 100) / 10,
        quiet: quiet.r,
        churn: {
          ...churn.r,
          // The idle controller's own CPU (timers, STATS lines) taken off: at a low event rate
          // it is a large part of the gross figure.
          usPerWatchEventNetOfQuiet:
            churn.r.watchEvents > 0
              ? Math.round(
                  (((churn.r.cpuSecondsPerMinute - quiet.r.cpuSecondsPerMinute) *
                    (churn.r.seconds / 60) *
                    1e6) /
                    churn.r.watchEvents) *
                    10,
                ) / 10
              : undefined,
          statusWrites: writes,
          statusWritesPerSecond: Math.round((writes / churnSeconds) * 10) / 10,
          wanted: objects.length / (period / 1000),
          failedWrites: c1.failures - c0.failures,
          lateWrites: c1.late - c0.late,
          benchCpuSecondsPerMinute: Math.round(benchCpuSeconds * (60 / churnSeconds) * 1000) / 1000,
        },
        cpuPercentOfOneCore: {
          quiet: Math.round((quiet.r.cpuSecondsPerMinute / 60) * 1000) / 10,
          churn: Math.round((churn.r.cpuSecondsPerMinute / 60) * 1000) / 10,
          // µs per event × 1,000 events/s = µs per second; / 1e6 × 100 for percent.
          churnAt1000PerSecond:
            churn.r.usPerWatchEvent === undefined ? undefined : Math.round(churn.r.usPerWatchEvent) / 10,
        },
        peakRssMiB: MiB(Math.max(...ctl.history.map((s) => s.rss))),
        caches: last.caches,
        loadavg: load(),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await env.stop();
}
