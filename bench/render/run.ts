/**
 * Render benchmark: whole-process `./bin/trueup render` against `kubectl kustomize` on the same
 * trees in the same run, plus the in-process render time of the large tree.
 *
 * Trees (generated into a temp dir): "seed" — one app as the seeds lay it out (base + production
 * overlay with patches, images, replicas, generators); "monorepo" — 200 such apps gathered by an
 * environment layer and a cluster layer (1,200 objects, three overlay layers); "large" — 2,000+
 * resources in a base of 40 services, under three overlay layers (prefix/labels/patches,
 * namespace/images/replicas, generators/annotations/JSON patches).
 *
 * Usage: npx tsx bench/render/run.ts [--runs N] [--seed-runs N] [--mid-runs N] [--before BIN [--before-label TEXT]] [--write]
 *   --runs: runs on the large tree (default 3; kubectl takes minutes each), --seed-runs: on the
 *   seed tree (default 15), --mid-runs: on the monorepo (default 5), --before: another trueup
 *   launcher (an older build) run in the same rounds, so a change is measured side by side
 *   (--before-label: what to call it in the results),
 *   --write: update the Render section of bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DiskTree } from '../../src/render/disk-tree.js';
import { renderTree } from '../../src/render/index.js';
import { writeResultsSection } from '../results.js';
import { largeTree, monorepoTree, seedTree } from './trees.js';

const repo = join(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const option = (name: string): string | undefined =>
  args.includes(name) ? args[args.indexOf(name) + 1] : undefined;
const runs = Number(option('--runs')) || 3;
const seedRuns = Number(option('--seed-runs')) || 15;
const midRuns = Number(option('--mid-runs')) || 5;
const before = option('--before');
const beforeLabel = option('--before-label') ?? before;
const write = args.includes('--write');
const load0 = loadavg();

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Run {
  ms: number;
  cpuMs: number | undefined;
  out: string;
  ok: boolean;
}

/** Runs a command; wall time, and user+system CPU time of the child when /usr/bin/time exists. */
function run(cmd: string, argv: string[], cwd: string, env?: NodeJS.ProcessEnv): Run {
  const timeFile = join(cwd, '.time');
  const t = performance.now();
  const opts = { cwd, encoding: 'utf8' as const, maxBuffer: 512 * 1024 * 1024, ...(env ? { env } : {}) };
  const r = timeBin
    ? spawnSync(timeBin, ['-f', '%U %S', '-o', timeFile, cmd, ...argv], opts)
    : spawnSync(cmd, argv, opts);
  const ms = performance.now() - t;
  let cpuMs: number | undefined;
  if (timeBin) {
    const [u, s] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    cpuMs = ((u ?? 0) + (s ?? 0)) * 1000;
  }
  return { ms, cpuMs, out: r.stdout, ok: r.status === 0 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
/** The median of per-round ratios a/b (both measured in the same round, so under the same load). */
const medianRatio = (a: Run[], b: Run[]) => median(a.map((r, i) => r.ms / b[i]!.ms));

function docs(text: string): number {
  return text.split(/^---$/m).filter((d) => d.trim()).length;
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
const cpuOf = (rs: Run[]) => {
  const c = rs.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]));
  return c.length ? median(c) : undefined;
};

const work = mkdtempSync(join(tmpdir(), 'trueup-bench-render-'));
const results: string[] = [];
try {
  if (!existsSync(join(repo, 'dist/cli/main.js'))) throw new Error('run npm run build first');
  const trees = [
    { name: 'seed overlay (1 app, base + production)', path: seedTree(join(work, 'seed')), n: seedRuns },
    {
      name: 'seed-style monorepo (200 apps, 3 overlay layers)',
      path: monorepoTree(join(work, 'monorepo')),
      n: midRuns,
    },
    { name: 'large (2,000+ objects, 3 overlay layers)', path: largeTree(join(work, 'large')).path, n: runs },
  ];
  const rows: string[] = [];
  // The seed tree once more with NODE_EXTRA_CA_CERTS unset (node reads the file at start-up;
  // bin/trueup's shell prologue drops it for a local render, which this checks from outside).
  const noCaEnv = { ...process.env };
  delete noCaEnv.NODE_EXTRA_CA_CERTS;
  const caNote: string[] = [];
  for (const t of trees) {
    const tru: Run[] = [];
    const old: Run[] = [];
    const kub: Run[] = [];
    const noCa: Run[] = [];
    let objects = 0;
    let same = true;
    for (let i = 0; i < t.n; i++) {
      const argv = ['render', '--root', work, t.path];
      const a = run(join(repo, 'bin/trueup'), argv, work);
      const o = before ? run(before, argv, work) : undefined;
      const b = run('kubectl', ['kustomize', t.path], work);
      if (!a.ok || !b.ok || (o && !o.ok)) throw new Error(`${t.name}: a render failed`);
      tru.push(a);
      if (o) old.push(o);
      kub.push(b);
      if (t === trees[0] && process.env.NODE_EXTRA_CA_CERTS)
        noCa.push(run(join(repo, 'bin/trueup'), argv, work, noCaEnv));
      objects = docs(b.out);
      same &&= a.out === b.out && (!o || o.out === b.out);
    }
    const cpuT = cpuOf(tru);
    const cpuK = cpuOf(kub);
    const cpuO = cpuOf(old);
    const cpu = (x: number | undefined) => (x === undefined ? 'n/a' : ms(x));
    const beforeCells = before
      ? ` ${ms(median(old.map((r) => r.ms)))} | ${medianRatio(old, kub).toFixed(3)} | ${cpu(cpuO)} |`
      : '';
    rows.push(
      `| ${t.name} | ${objects} | ${t.n} |${beforeCells} ${ms(median(tru.map((r) => r.ms)))} | ${ms(median(kub.map((r) => r.ms)))} | **${medianRatio(tru, kub).toFixed(3)}** | ${cpu(cpuT)} / ${cpu(cpuK)} | ${same ? 'yes' : 'no'} |`,
    );
    process.stdout.write(`${rows[rows.length - 1]}\n`);
    if (noCa.length)
      caNote.push(
        `With \`NODE_EXTRA_CA_CERTS\` unset (node then skips reading ${process.env.NODE_EXTRA_CA_CERTS} at start-up), the seed overlay takes ` +
          `${ms(median(noCa.map((r) => r.ms)))} wall, ${cpu(cpuOf(noCa))} CPU (ratio ${medianRatio(noCa, kub).toFixed(3)}); this machine sets it for every process, and the table is measured with it set ` +
          '(bin/trueup itself starts a local render without it, so the two figures should agree; a launcher from before that change pays for the file in every run).',
      );
  }
  const large = trees[2]!;
  const tree = new DiskTree(work);
  const rel = large.path.slice(work.length + 1);
  const inproc: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await renderTree(tree, rel);
    inproc.push(performance.now() - t);
  }
  const load1 = loadavg();
  const cpu = cpus();
  const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(', ');
  const beforeHead = before ? ' before: trueup (wall) | before: ratio | before: CPU |' : '';
  const beforeRule = before ? ' --- | --- | --- |' : '';
  results.push(
    '## Render',
    '',
    `Measured by \`npx tsx bench/render/run.ts --runs ${runs} --seed-runs ${seedRuns} --mid-runs ${midRuns}${before ? ' --before BIN' : ''} --write\` on ${new Date().toISOString().slice(0, 10)}, ` +
      `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, node ${process.version}, ` +
      `reference ${spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout.split('\n').join(' ').trim()}. ` +
      'Whole process, wall time, median of the runs; in each round the tools run one after the other on the same tree, ' +
      'and the ratio is the median of the per-round ratios trueup / kubectl (lower is better; the goal is at most 0.6 on ' +
      'one small overlay and 0.10 from 1,000 objects up). ' +
      `Load average (1, 5, 15 min) at the start: ${loads(load0)}; at the end: ${loads(load1)} — the machine is shared with ` +
      'other work, so wall times move with contention; CPU time (user+sys of the process, via /usr/bin/time, 10 ms ' +
      'resolution) is the steadier figure.',
    ...(before ? ['', `"Before" is ${beforeLabel}, run in the same rounds as the current build.`] : []),
    '',
    `| tree | objects | runs |${beforeHead} trueup render (wall) | kubectl kustomize (wall) | ratio trueup / kubectl | CPU user+sys trueup / kubectl | byte-identical output |`,
    `| --- | --- | --- |${beforeRule} --- | --- | --- | --- | --- |`,
    ...rows,
    '',
    ...(caNote.length ? [...caNote, ''] : []),
    `In-process \`renderTree\` of the large tree (no process start, no YAML output): median ${median(inproc).toFixed(0)} ms ` +
      `(min ${Math.min(...inproc).toFixed(0)} ms) over ${runs} runs.`,
    '',
  );
  process.stdout.write(`${results.join('\n')}\n`);
  if (write) {
    await writeResultsSection('Render', results.join('\n'));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
