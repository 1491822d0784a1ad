/**
 * The API server's floor for a cold start (issue 20): what exactly the controller's requests cost
 * the control plane, with the controller's own work taken away.
 *   record - the scale bench's cold start (N Applications, 3 ConfigMaps each, `bin/trueup
 *            controller` with a ServiceAccount token) through a recording proxy
 *            (request-recorder.ts): every request, in order, with its body, to a JSONL file
 *   replay - for each variant (all requests; without Events; without watches; without both), a
 *            fresh control plane with the same N Applications, then the recorded script sent by
 *            a minimal client (floor-replay.ts) at `--concurrency` requests in flight: wall time
 *            and the CPU seconds of kube-apiserver, etcd, kube-controller-manager and the client
 *            (from /proc/<pid>/stat), at the last answer and once the watches have drained
 * Usage: npx tsx bench/scale/api-floor.ts record [--apps 10000] [--out FILE]
 *        npx tsx bench/scale/api-floor.ts replay --script FILE [--apps 10000] [--concurrency 64]
 *          [--variants 0,1,2,3]   (indices into VARIANTS of floor-script.ts)
 * Prints JSON on stdout (load average included); progress on stderr.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { ControlPlane } from '../../test/control-plane/control-plane.js';
import { CpuLedger } from '../support/proc-cpu.js';
import { cliCold } from './cli-child.js';
import { replay } from './floor-replay.js';
import { type RecordedRequest, summarize, VARIANTS, variantOf } from './floor-script.js';
import { tokenTargetOf } from './identity.js';
import { RecordingProxy } from './request-recorder.js';
import { APP_NAMESPACE, createApps, DEST_NAMESPACE, withCluster } from './setup.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ledgerOf(cp: ControlPlane): CpuLedger {
  const ledger = new CpuLedger();
  for (const p of cp.processes()) ledger.track(p.name, p.pid);
  return ledger;
}

async function record(apps: number, out: string): Promise<Record<string, unknown>> {
  return withCluster('token', async (kubeconfig, repoURL, client, cp) => {
    log(`[floor] creating ${apps} Applications`);
    await createApps(client, APP_NAMESPACE, DEST_NAMESPACE, repoURL, apps);
    const target = await tokenTargetOf(kubeconfig);
    const proxy = await RecordingProxy.start(target);
    // The controller's own kubeconfig, with the proxy (plain HTTP on localhost) as its server.
    const proxied = join(cp.dir, 'recorded.kubeconfig');
    await writeFile(
      proxied,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        // client-node refuses plain HTTP unless TLS verification is declared off (there is no TLS).
        clusters: [{ name: 'proxy', cluster: { server: proxy.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'sa', user: { token: target.token } }],
        contexts: [{ name: 'sa', context: { cluster: 'proxy', user: 'sa' } }],
        'current-context': 'sa',
      }),
      { mode: 0o600 },
    );
    const cacheDir = await mkdtemp(join(tmpdir(), 'bench-floor-'));
    try {
      log(`[floor] cold start of ${apps} apps through the recording proxy`);
      const cold = await cliCold({
        kubeconfig: proxied,
        appNs: APP_NAMESPACE,
        apps,
        cacheDir,
        client,
        logPath: join(tmpdir(), `trueup-floor-controller-${process.pid}.log`),
      });
      await proxy.close();
      await writeFile(out, `${proxy.recorded.map((r) => JSON.stringify(r)).join('\n')}\n`);
      log(`[floor] ${proxy.recorded.length} requests recorded to ${out}`);
      return { apps, out, cold, recorded: proxy.recorded.length, summary: summarize(proxy.recorded) };
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
}

async function readScript(path: string): Promise<RecordedRequest[]> {
  const out: RecordedRequest[] = [];
  for await (const line of createInterface({ input: createReadStream(path) }))
    if (line.trim()) out.push(JSON.parse(line) as RecordedRequest);
  return out;
}

/** Waits until the watches have received nothing new for 2 s (at most 60 s). */
async function drained(bytes: () => number): Promise<void> {
  const until = Date.now() + 60_000;
  let last = -1;
  while (Date.now() < until) {
    const now = bytes();
    if (now === last) return;
    last = now;
    await sleep(2000);
  }
}

async function replayVariant(script: RecordedRequest[], apps: number, concurrency: number, v: number) {
  const variant = VARIANTS[v];
  if (!variant) throw new Error(`--variants: ${v} is not one of 0..${VARIANTS.length - 1}`);
  const requests = variantOf(script, variant);
  return withCluster('token', async (kubeconfig, repoURL, client, cp) => {
    log(`[floor] ${variant.name}: creating ${apps} Applications`);
    await createApps(client, APP_NAMESPACE, DEST_NAMESPACE, repoURL, apps);
    const target = await tokenTargetOf(kubeconfig);
    await sleep(5000); // let the control plane settle after the creates
    const loadavgAtStart = loadavg();
    const ledger = ledgerOf(cp);
    ledger.track('replay client', process.pid);
    log(`[floor] ${variant.name}: replaying ${requests.length} requests, ${concurrency} in flight`);
    const start = performance.now();
    const { result, closeWatches } = await replay(target, requests, concurrency);
    const seconds = (performance.now() - start) / 1000;
    const atLastAnswer = ledger.spent();
    await drained(() => result.watchBytes);
    const afterDrain = ledger.spent();
    closeWatches();
    log(`[floor] ${variant.name}: ${seconds.toFixed(1)} s, ${JSON.stringify(atLastAnswer.perProcess)}`);
    return {
      variant: variant.name,
      requests: summarize(requests),
      seconds,
      replay: result,
      cpuAtLastAnswer: atLastAnswer,
      cpuAfterWatchesDrained: afterDrain,
      loadavgAtStart,
      loadavgAtEnd: loadavg(),
    };
  });
}

async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      apps: { type: 'string', default: '10000' },
      out: { type: 'string' },
      script: { type: 'string' },
      concurrency: { type: 'string', default: '64' },
      variants: { type: 'string', default: '0,1,2,3' },
    },
  });
  const apps = Number(values.apps);
  if (!Number.isInteger(apps) || apps <= 0) throw new Error(`--apps ${values.apps}: a positive integer`);
  const results: Record<string, unknown> = { command, apps, loadavgAtStart: loadavg() };
  if (command === 'record') {
    results.record = await record(apps, values.out ?? join(tmpdir(), `trueup-floor-${apps}.jsonl`));
  } else if (command === 'replay') {
    if (!values.script) throw new Error('replay: --script FILE (from `record`) is required');
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency <= 0)
      throw new Error(`--concurrency ${values.concurrency}: a positive integer`);
    const script = await readScript(values.script);
    const runs = [];
    for (const v of values.variants.split(',').map(Number)) {
      runs.push(await replayVariant(script, apps, concurrency, v));
    }
    results.replays = runs;
  } else {
    throw new Error(`usage: api-floor.ts record|replay (got ${command ?? 'nothing'})`);
  }
  results.loadavgAtEnd = loadavg();
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

await main();
