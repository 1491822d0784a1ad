/**
 * Helm benchmark: trueup's engine (Helm's own code as WebAssembly, in a worker thread) against
 * the reference `helm template` (same Helm version, native), in the same run, on two charts: a
 * mid-size web application chart (bench/helm/webapp-chart.ts) and a large platform chart
 * (bench/helm/chart.ts):
 *   - engine load: compile the .wasm and start the Go runtime in a worker (once per process);
 *   - per chart, the first render, then warm renders (the controller's steady state: read the
 *     chart from disk, render, sorted output; no process start), each timed in wall time and in
 *     CPU time of the whole process (every thread: the worker running Go, V8's compiler and GC
 *     threads, the main thread);
 *   - `helm template` as a whole process (wall, and the child's CPU from wait4), and `trueup
 *     render` as a whole process;
 *   - the process's extra memory (RSS) with the engine loaded and after the renders.
 * The outputs are checked to be byte-identical.
 *
 * Usage: npx tsx bench/helm/run.ts [--runs N] [--warm N] [--write]
 *   --runs: whole-process runs of each tool per chart (default 7), --warm: warm renders per chart
 *   (default 30), --write: update the Helm section of bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HelmEngine } from '../../src/helm/engine.js';
import { renderChart } from '../../src/helm/render-chart.js';
import { helmTemplateText } from '../../src/helm/template-text.js';
import { DiskTree } from '../../src/render/disk-tree.js';
import { buildHelmTools } from '../../test/support/helm.js';
import { writeResultsSection } from '../results.js';
import { writeLargeChart } from './chart.js';
import { writeWebAppChart } from './webapp-chart.js';

const repo = join(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const flag = (name: string, dflt: number) => Number(args[args.indexOf(name) + 1]) || dflt;
const runs = flag('--runs', 7);
const warmRuns = flag('--warm', 30);
const write = args.includes('--write');
const load0 = loadavg();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

/**
 * Runs a command as a child of a small Python process that reports the child's own rusage
 * (wait4: user + system CPU, microsecond resolution) and wall time on its stderr's last line;
 * Node has no way to read a child's rusage.
 */
const RUSAGE = `import json, os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t
sys.stderr.write("\\n" + json.dumps({"code": os.waitstatus_to_exitcode(status), "wall": wall, "cpu": ru.ru_utime + ru.ru_stime}) + "\\n")
`;

function timed(cmd: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv): Timing & { out: string } {
  const r = spawnSync('python3', ['-c', RUSAGE, cmd, ...argv], {
    cwd,
    env: { ...env, PATH: `${env.PATH ?? ''}:${process.env.PATH ?? ''}` },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const last = r.stderr.trimEnd().split('\n').at(-1) ?? '';
  const usage = JSON.parse(last) as { code: number; wall: number; cpu: number };
  if (usage.code !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed:\n${r.stderr}`);
  return { wallMs: usage.wall * 1000, cpuMs: usage.cpu * 1000, out: r.stdout };
}

/** CPU time of this whole process (all threads, the engine's worker included), in ms. */
function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const charts = [
  {
    dir: 'webapp',
    size: 'mid-size',
    write: writeWebAppChart,
    what:
      'bench/helm/webapp-chart.ts, the shape of a typical web application chart (what `helm create` starts and charts like ' +
      'ingress-nginx or a Bitnami app grow into): three components, the usual kinds around them, a migration hook and a ' +
      '`helm test` Pod, one subchart (a Redis-like StatefulSet), helpers through include/tpl/toYaml, `.Files.Get`, a schema',
  },
  {
    dir: 'platform',
    size: 'large',
    write: writeLargeChart,
    what: 'bench/helm/chart.ts, a library chart, two subcharts (one twice by alias), 24 services x 6 kinds, schema, CRD, hook',
  },
];

/**
 * What the figures above come from and what was tried, measured on 2026-12-06 (kept in the
 * section on every --write; update it when the engine changes).
 */
const NOTES = [
  'Before the collector change below (this bench, 2026-12-06 03:23 UTC, load 6.1, 30 warm renders): mid-size warm render 71 ms CPU (66 ms wall) ' +
    'against 64 ms CPU (82 ms wall) for the `helm template` process, **1.10x** CPU; large 169 ms CPU against 106 ms, **1.60x** CPU. ' +
    'After it, three runs of this bench between 04:14 and 04:28 UTC at load 7-18: mid-size 0.82x, 0.86x, 0.81x CPU (warm render 59-63 ms); large 1.22x, 1.38x, 1.53x CPU ' +
    '(warm render 135-145 ms; the `helm template` process itself moved between 95 and 110 ms). The interleaved A/B below is the cleaner measure of the change.',
  '',
  'Where a warm render goes (`node --cpu-prof` of the engine worker over 30 warm renders of the large chart, an engine linked with symbols): ' +
    'the main thread (reading the chart, encoding the request, posting it, parsing the answer) is under 2% of a render; the rest is Go. ' +
    "Of the Go part: Helm's template engine about 50% (`toYaml` ~16%, `tpl` copying the template set ~9%, `include` ~9%, parsing ~4%), " +
    "Helm's manifest sorter about 41% (YAML-decoding every document through sigs.k8s.io/yaml ~29%, the regexp document split ~11%), " +
    'dependencies and values coalescing ~5%, chart loading ~3%, the schema ~1%; the collector (assists, marking, write barriers), inside those, 10-15%.',
  '',
  "Changed (helm/wasm/main.go, src/helm/worker.ts): Go's collector is off during a call and runs after its answer is posted (`trueup_collect`, " +
    "when 4 MB or more were allocated since the last), when only the engine's own few MB are alive; a 256 MiB memory limit bounds a render that allocates a lot. " +
    'A/B against the previous engine, 3 rounds of 40 warm renders each, load ~10: mid-size 86-97 -> 70-73 ms CPU (median per round), large 173-213 -> 140-154 ms, ' +
    "about 20% less; the module's memory after both charts about the same (~50-60 MiB). Tried and not kept: GOGC=400 (a similar CPU gain, but the module grew to 181-203 MiB " +
    'instead of 49); GOGC=400 with a collection after each answer (mid-size as good, large not: a cycle still fell inside its render).',
  '',
  "The 0.2x goal is met for neither chart, and this engine cannot meet it: for the mid-size chart it means about 14 ms of CPU, while Helm's own steps take " +
    "about 50 ms of CPU per warm render in WebAssembly (about 2.5x native). What is left is inside Helm's packages: the sorter must YAML-decode every document " +
    'to fail exactly as Helm does on invalid YAML (a head-only decode with goyaml still parses every document, about two thirds of the cost of that decode), `toYaml` goes through JSON and back, ' +
    "`tpl` copies the template set per call. Not done: handing the controller JSON objects from Go instead of YAML text; the controller's YAML parse of a rendered " +
    'chart measures about 6 ms of CPU for the mid-size chart (chartObjects in src/controller/adapters/render-helm.ts), the text must still be produced for byte-identity ' +
    'with `helm template`, and a second serialization in Go would cost about as much in WebAssembly; it would not change the render. Branch `helm-speed` (patched copies ' +
    "of Helm's Engine.Render and SortManifests: about 10%) stays not adopted: under the 25% this repository asks of patched copies of Helm code; V8's `--no-liftoff` (tried earlier: about 10% less CPU per render, but process-wide and the engine load went from ~2 s to ~10 s) is not used either.",
  '',
];

const tools = await buildHelmTools((line) => process.stderr.write(`${line}\n`));
const work = mkdtempSync(join(tmpdir(), 'trueup-bench-helm-'));
try {
  for (const chart of charts) chart.write(join(work, chart.dir));
  const helmEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HELM_CACHE_HOME: join(work, '.helm'),
    HELM_CONFIG_HOME: join(work, '.helm'),
    HELM_DATA_HOME: join(work, '.helm'),
    KUBECONFIG: '/dev/null',
  };
  const hasDist = existsSync(join(repo, 'dist/cli/main.js'));
  const tree = new DiskTree(work);
  const options = { releaseName: 'bench', namespace: 'bench' };

  // In-process: load, then per chart a first render and warm renders.
  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const engine = await HelmEngine.load(tools.wasm);
  const loadMs = performance.now() - t;
  const rssLoaded = process.memoryUsage().rss;
  const measured = [];
  for (const chart of charts) {
    t = performance.now();
    const first = helmTemplateText(await renderChart(engine, tree, chart.dir, options));
    const firstMs = performance.now() - t;
    const warm: Timing[] = [];
    let objects = 0;
    for (let i = 0; i < warmRuns; i++) {
      const c = processCpuMs();
      t = performance.now();
      const result = await renderChart(engine, tree, chart.dir, options);
      helmTemplateText(result);
      warm.push({ wallMs: performance.now() - t, cpuMs: processCpuMs() - c });
      objects = result.crds.length + result.manifests.length + result.hooks.length;
    }
    measured.push({ chart, first, firstMs, warm, objects });
  }
  const rssWarm = process.memoryUsage().rss;
  await engine.close();

  // `helm template` of a one-ConfigMap chart: the native process's cost with (next to) nothing to
  // render, so a chart's process time minus it is roughly what native Helm spends rendering it.
  mkdirSync(join(work, 'tiny', 'templates'), { recursive: true });
  writeFileSync(join(work, 'tiny', 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\n');
  writeFileSync(
    join(work, 'tiny', 'templates', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tiny\n',
  );
  const tinyCpu = median(
    Array.from(
      { length: runs },
      () => timed(tools.helm, ['template', 'bench', 'tiny', '-n', 'bench'], work, helmEnv).cpuMs,
    ),
  );

  // Whole processes, alternating.
  const lines: string[] = [];
  const ratios: string[] = [];
  const natives: string[] = [];
  let same = true;
  for (const { chart, first, firstMs, warm, objects } of measured) {
    const helmArgs = ['template', 'bench', chart.dir, '--include-crds', '-n', 'bench'];
    const trueupArgs = ['render', '--root', work, chart.dir, '--release-name', 'bench', '-n', 'bench'];
    const helm: Timing[] = [];
    const trueup: Timing[] = [];
    for (let i = 0; i < runs; i++) {
      const h = timed(tools.helm, helmArgs, work, helmEnv);
      same &&= h.out === first;
      helm.push(h);
      if (hasDist) {
        const r = timed(join(repo, 'bin/trueup'), trueupArgs, work, {
          ...process.env,
          TRUEUP_HELM_ENGINE: tools.wasm,
        });
        same &&= r.out === first;
        trueup.push(r);
      }
    }
    const wall = (xs: Timing[]) => median(xs.map((x) => x.wallMs));
    const cpu = (xs: Timing[]) => median(xs.map((x) => x.cpuMs));
    const cell = (xs: Timing[]) =>
      `${ms(cpu(xs))} (min ${ms(Math.min(...xs.map((x) => x.cpuMs)))}) | ${ms(wall(xs))} (min ${ms(Math.min(...xs.map((x) => x.wallMs)))})`;
    lines.push(
      `**${chart.size}** (${chart.what}): ${objects} objects, ${(first.length / 1024).toFixed(0)} KB of YAML.`,
      '',
      '| step | CPU (median) | wall (median) | runs |',
      '| --- | --- | --- | --- |',
      ...(chart === charts[0]
        ? [`| engine load (compile the .wasm, start the Go runtime in a worker) | | ${ms(loadMs)} | 1 |`]
        : []),
      `| first render${chart === charts[0] ? ' after the load' : ' of this chart'} | | ${ms(firstMs)} | 1 |`,
      `| warm render (read chart, render, sort, text) | ${cell(warm)} | ${warmRuns} |`,
      `| \`helm template\` whole process (native Go) | ${cell(helm)} | ${runs} |`,
      hasDist
        ? `| \`trueup render\` whole process (node start + engine load + render) | ${cell(trueup)} | ${runs} |`
        : '| `trueup render` whole process | not measured (no dist/: run npm run build) | | 0 |',
      '',
    );
    ratios.push(
      `${chart.size}: **${(cpu(warm) / cpu(helm)).toFixed(2)}x** CPU, **${(wall(warm) / wall(helm)).toFixed(2)}x** wall`,
    );
    const nativeRender = cpu(helm) - tinyCpu;
    natives.push(
      `${chart.size}: the goal is ${ms(0.2 * cpu(helm))} of CPU per warm render; native Helm spends about ${ms(nativeRender)} rendering this chart ` +
        `(its process ${ms(cpu(helm))} minus ${ms(tinyCpu)} for a one-ConfigMap chart), the engine ${ms(cpu(warm))}: ` +
        `**${(cpu(warm) / nativeRender).toFixed(1)}x** native`,
    );
  }

  const cpuInfo = cpus();
  const section = [
    '## Helm',
    '',
    `Measured by \`npx tsx bench/helm/run.ts --runs ${runs} --warm ${warmRuns}${write ? ' --write' : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
      `${cpuInfo.length} x ${cpuInfo[0]?.model ?? 'cpu'}, node ${process.version}, Helm v3.22.0 (engine and reference built from the same module by helm/build.sh). ` +
      `Load average at the start: ${load0.map((l) => l.toFixed(1)).join(', ')} (the machine is shared; wall times move with contention). ` +
      "CPU is user + system time: for a warm render, of the whole bench process (every thread) around the call; for a process, the child's rusage. " +
      `Output byte-identical to \`helm template --include-crds\`: ${same ? 'yes' : 'NO'}.`,
    '',
    ...lines,
    `Warm render / \`helm template\` process (goal: at most 0.2x): ${ratios.join('; ')}${load0[0]! > cpuInfo.length ? ` (at this load a whole process's wall time includes waiting for a CPU: compare CPU)` : ''}. ` +
      `Engine size ${mib(readFileSync(tools.wasm).byteLength)} on disk. Process RSS: ${mib(rss0)} before the load, ` +
      `+${mib(rssLoaded - rss0)} with the engine loaded, +${mib(rssWarm - rss0)} after ${2 * (warmRuns + 1)} renders (the worker's wasm memory included).`,
    '',
    `Against native Helm's own rendering, same run: ${natives.join('; ')}.`,
    '',
    ...NOTES,
  ].join('\n');
  process.stdout.write(`${section}\n`);
  if (write) await writeResultsSection('Helm', section);
} finally {
  rmSync(work, { recursive: true, force: true });
}
