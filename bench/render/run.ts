/**
 * Render benchmark: whole-process `./bin/trueup render` against `kubectl kustomize` on the same
 * trees in the same run, plus the in-process render time of the large tree.
 *
 * Trees (generated into a temp dir): "seed" — one app as the seeds lay it out (base + production
 * overlay with patches, images, replicas, generators); "large" — 2,000+ resources in a base of 40
 * services, under three overlay layers (prefix/labels/patches, namespace/images/replicas,
 * generators/annotations/JSON patches).
 *
 * Usage: npx tsx bench/render/run.ts [--runs N] [--seed-runs N] [--write]
 *   --runs: runs on the large tree (default 3; kubectl takes minutes each), --seed-runs: on the
 *   seed tree (default 15), --write: update the Render section of bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DiskTree } from '../../src/render/disk-tree.js';
import { renderTree } from '../../src/render/index.js';
import { writeResultsSection } from '../results.js';
import { largeTree, seedTree } from './trees.js';

const repo = join(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const load0 = loadavg();
const seedRuns = Number(args[args.indexOf('--seed-runs') + 1]) || 15;
const write = args.includes('--write');

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command; wall time, and user+system CPU time of the child when /usr/bin/time exists. */
function run(
  cmd: string,
  argv: string[],
  cwd: string,
): { ms: number; cpuMs: number | undefined; out: string; ok: boolean } {
  const timeFile = join(cwd, '.time');
  const t = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ['-f', '%U %S', '-o', timeFile, cmd, ...argv], {
        cwd,
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      })
    : spawnSync(cmd, argv, { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
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

function docs(text: string): number {
  return text.split(/^---$/m).filter((d) => d.trim()).length;
}

const work = mkdtempSync(join(tmpdir(), 'trueup-bench-render-'));
const results: string[] = [];
try {
  if (!existsSync(join(repo, 'dist/cli/main.js'))) throw new Error('run npm run build first');
  const trees = [
    { name: 'seed overlay (1 app, base + production)', path: seedTree(join(work, 'seed')) },
    { name: 'large (2,000+ objects, 3 overlay layers)', path: largeTree(join(work, 'large')).path },
  ];
  const rows: string[] = [];
  for (const t of trees) {
    const tru: number[] = [];
    const kub: number[] = [];
    const truCpu: number[] = [];
    const kubCpu: number[] = [];
    let objects = 0;
    let same = true;
    for (let i = 0; i < (t === trees[0] ? seedRuns : runs); i++) {
      const a = run(join(repo, 'bin/trueup'), ['render', '--root', work, t.path], work);
      const b = run('kubectl', ['kustomize', t.path], work);
      if (!a.ok || !b.ok) throw new Error(`${t.name}: a render failed`);
      tru.push(a.ms);
      kub.push(b.ms);
      if (a.cpuMs !== undefined) truCpu.push(a.cpuMs);
      if (b.cpuMs !== undefined) kubCpu.push(b.cpuMs);
      objects = docs(b.out);
      same &&= a.out === b.out;
    }
    const mt = median(tru);
    const mk = median(kub);
    const cpu = truCpu.length
      ? `${median(truCpu).toFixed(0)} ms / ${median(kubCpu).toFixed(0)} ms (${(median(kubCpu) / median(truCpu)).toFixed(2)}x)`
      : 'n/a';
    rows.push(
      `| ${t.name} | ${objects} | ${tru.length} | ${mt.toFixed(0)} ms | ${mk.toFixed(0)} ms | ${(mk / mt).toFixed(2)}x | ${cpu} | ${same ? 'yes' : 'no'} |`,
    );
    process.stdout.write(`${rows[rows.length - 1]}\n`);
  }
  const large = trees[1]!;
  const tree = new DiskTree(work);
  const rel = large.path.slice(work.length + 1);
  const inproc: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await renderTree(tree, rel);
    inproc.push(performance.now() - t);
  }
  const cpu = (await import('node:os')).cpus();
  results.push(
    '## Render',
    '',
    `Measured by \`npx tsx bench/render/run.ts --runs ${runs} --seed-runs ${seedRuns} --write\` on ${new Date().toISOString().slice(0, 10)}, ` +
      `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, node ${process.version}, ` +
      `reference ${spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout.split('\n').join(' ').trim()}. ` +
      'Whole process, median of the runs, both tools alternating on the same tree in the same run. ' +
      `Load average at the start: ${load0
        .map((l) => l.toFixed(1))
        .join(', ')} — the machine is shared with other work, ` +
      'so wall times move with contention; CPU time (user+sys of the process, via /usr/bin/time) is the steadier figure.',
    '',
    '| tree | objects | runs | trueup render (wall) | kubectl kustomize (wall) | speed-up (wall) | CPU user+sys trueup / kubectl | byte-identical output |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
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
