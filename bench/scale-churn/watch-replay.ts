/**
 * The controller's CPU per status-only watch event with no network and no other process: the
 * watch lines of widget-events.ts (the same bytes every run) replayed into the real client (its
 * decoding of each line), informer and ClusterRuntime (tracked objects, the status-only filter,
 * health), through a transport double that answers discovery and the LIST and hands the watch
 * its lines `--batch` at a time, one batch per macrotask (as the transport's reader hands on
 * what one read took). Each round is one status write of every object; the first round is not
 * measured (it replaces the listed objects), then each round's CPU (user+system, this process)
 * over its events. The lines of a round are made before it is measured.
 * For comparing versions of the per-event code with little noise, and for profiling it:
 *   node --cpu-prof --import tsx bench/scale-churn/watch-replay.ts
 * It does not see what the transport's read batching saves (socket reads, TLS, HTTP parsing):
 * watch-events.ts (over HTTP) and churn-status.ts (the API server) do.
 * Usage: npx tsx bench/scale-churn/watch-replay.ts [--objects 10000] [--rounds 5] [--batch 100]
 * Prints a JSON result on stdout: µs per event per round and their median, events that queued
 * an app (0 expected), garbage collections over the measured rounds (the making of their lines
 * included).
 */
import { clusterClientOver, type Transport } from '../../src/kube/index.js';
import { countGarbageCollections } from '../support/gc-counter.js';
import { watchWidgets } from './event-path.js';
import { WIDGET_EVENTS_API, widgetDiscovery, widgetList, widgetWatchLine } from './widget-events.js';

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = flag('objects', 10_000);
const rounds = flag('rounds', 5);
const batch = Math.max(1, flag('batch', 100));

let rv = 1000;
let watchSink: ((line: string) => void) | undefined;
const transport: Transport = {
  async send(spec) {
    if (spec.path === `/apis/${WIDGET_EVENTS_API}`) return { status: 200, body: widgetDiscovery };
    if (spec.path === `/apis/${WIDGET_EVENTS_API}/widgets`) return { status: 200, body: widgetList(n, rv) };
    return { status: 404, body: { message: `${spec.path}: not served by the replay` } };
  },
  stream(_spec, onLine, signal) {
    watchSink = onLine;
    return new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
  },
  close() {},
};
const client = clusterClientOver(transport);
const { runtime, tally } = await watchWidgets(client);
const deadline = Date.now() + 60_000;
while (!watchSink) {
  if (Date.now() > deadline) throw new Error('the informer did not open its watch within 60 s');
  await new Promise((r) => setTimeout(r, 10));
}
const sink = watchSink;
const tick = () => new Promise<void>((r) => setImmediate(r));

/** Replays one status write of every object; returns its CPU µs and the events the runtime saw. */
async function replay(round: number): Promise<{ cpuUs: number; events: number }> {
  // Trimmed, as the transport's reader hands lines on.
  const lines = Array.from({ length: n }, (_, i) => widgetWatchLine(i, round, ++rv).trimEnd());
  await tick();
  const seen = tally.events;
  const cpu = process.cpuUsage();
  for (let i = 0; i < lines.length; i += batch) {
    for (let j = i; j < Math.min(i + batch, lines.length); j++) sink(lines[j] as string);
    await tick();
  }
  const used = process.cpuUsage(cpu);
  return { cpuUs: used.user + used.system, events: tally.events - seen };
}

await replay(2);
const gc = countGarbageCollections();
const perRound: number[] = [];
const queuedBefore = tally.queued;
for (let r = 0; r < rounds; r++) {
  const { cpuUs, events: seen } = await replay(3 + r);
  if (seen !== n) throw new Error(`round ${r}: the runtime saw ${seen} events of ${n}`);
  perRound.push(Math.round((cpuUs / seen) * 10) / 10);
}
const sorted = [...perRound].sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    objects: n,
    batch,
    rounds,
    usPerEvent: perRound,
    medianUsPerEvent: sorted[Math.floor(sorted.length / 2)],
    queued: tally.queued - queuedBefore,
    gc: { young: gc.young, youngMs: Math.round(gc.youngMs), full: gc.full, fullMs: Math.round(gc.fullMs) },
  })}\n`,
);
await runtime.stop();
client.close();
