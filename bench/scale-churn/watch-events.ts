/**
 * The controller's CPU per status-only watch event, without an API server on the same cores:
 * watch-events-server.ts (its own process) streams status writes of N Widgets at RATE a second
 * over plain HTTP; here the real transport, client, informer and ClusterRuntime (tracked
 * objects, the status-only filter, health) take them. Prints the CPU seconds per minute of this
 * process over the window, µs per event, the events that queued an app (0 expected) and the
 * garbage collections. The first round is not measured (the listed objects are replaced once).
 * A narrower figure than churn-status.ts (no TLS, no reconciler, no Applications), for
 * comparing versions of the event path on a busy machine: run both a few times, interleaved.
 * Usage: npx tsx bench/scale-churn/watch-events.ts [--objects 10000] [--rate 1000] [--seconds 30]
 *          [--watch-coalesce MS]   (the client's watch coalescing window, 0: off; default its own)
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createClusterClient } from '../../src/kube/index.js';
import { countGarbageCollections } from '../support/gc-counter.js';
import { watchWidgets } from './event-path.js';

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = flag('objects', 10_000);
const rate = flag('rate', 1000);
const seconds = flag('seconds', 30);
const coalesceMs = process.argv.includes('--watch-coalesce') ? flag('watch-coalesce', 0) : undefined;

const gc = countGarbageCollections();

const server = spawn(
  process.execPath,
  ['--import', 'tsx', join(import.meta.dirname, 'watch-events-server.ts'), String(n), String(rate)],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
try {
  const port = await new Promise<string>((resolve) =>
    server.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const client = await createClusterClient(kc, coalesceMs === undefined ? {} : { watchRead: { coalesceMs } });
  const { runtime, tally } = await watchWidgets(client);
  await new Promise((r) => setTimeout(r, (n / rate) * 1000 + 3000));

  const at0 = { t: performance.now(), cpu: process.cpuUsage(), ...tally, gc: { ...gc } };
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const dt = (performance.now() - at0.t) / 1000;
  const cpu = process.cpuUsage(at0.cpu);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const seen = tally.events - at0.events;
  process.stdout.write(
    `${JSON.stringify({
      objects: n,
      ...(coalesceMs === undefined ? {} : { coalesceMs }),
      eventsPerSecond: Math.round(seen / dt),
      queued: tally.queued - at0.queued,
      cpuSecondsPerMinute: Math.round((cpuSeconds / dt) * 60 * 1000) / 1000,
      usPerEvent: Math.round((cpuSeconds / seen) * 1e7) / 10,
      gc: {
        young: gc.young - at0.gc.young,
        youngMs: Math.round(gc.youngMs - at0.gc.youngMs),
        full: gc.full - at0.gc.full,
        fullMs: Math.round(gc.fullMs - at0.gc.fullMs),
      },
    })}\n`,
  );
  await runtime.stop();
  client.close();
} finally {
  server.kill();
}
