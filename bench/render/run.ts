/**
 * Render benchmark: whole-process `./bin/trueup render` against `kubectl kustomize` on the same
 * trees in the same run, plus the in-process render time of the large tree.
 *
 * Trees (generated into a temp dir): "seed" — one app as the seeds lay it out (base + production
 * overlay with patches, images, replicas, generators); "large" — 2,000+ resources in a base of 40
 * services, under three overlay layers (prefix/labels/patches, namespace/images/replicas,
 * generators/annotations/JSON patches).
 *
 * Usage: npx tsx bench/render/run.ts [--runs N] [--write]   (--write updates bench/RESULTS.md)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DiskTree } from '../../src/render/disk-tree.js';
import { renderTree } from '../../src/render/index.js';
import { largeTree, seedTree } from './trees.js';

const repo = join(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 7;
const write = args.includes('--write');

function run(cmd: string, argv: string[], cwd: string): { ms: number; out: string; ok: boolean } {
  const t = performance.now();
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return { ms: performance.now() - t, out: r.stdout, ok: r.status === 0 };
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
    let objects = 0;
    let same = true;
    for (let i = 0; i < runs; i++) {
      const a = run(join(repo, 'bin/trueup'), ['render', '--root', work, t.path], work);
      const b = run('kubectl', ['kustomize', t.path], work);
      if (!a.ok || !b.ok) throw new Error(`${t.name}: a render failed`);
      tru.push(a.ms);
      kub.push(b.ms);
      objects = docs(b.out);
      same &&= a.out === b.out;
    }
    const mt = median(tru);
    const mk = median(kub);
    rows.push(
      `| ${t.name} | ${objects} | ${mt.toFixed(0)} ms | ${mk.toFixed(0)} ms | ${(mk / mt).toFixed(2)}x | ${same ? 'yes' : 'no'} |`,
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
    `Measured by \`npx tsx bench/render/run.ts --runs ${runs} --write\` on ${new Date().toISOString().slice(0, 10)}, ` +
      `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, node ${process.version}, ` +
      `reference ${spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout.split('\n').join(' ').trim()}. ` +
      'Whole process, wall clock, median of the runs, both tools alternating on the same tree in the same run. ' +
      'The machine is shared with other work, so absolute times move; the ratio is the figure.',
    '',
    '| tree | objects | trueup render | kubectl kustomize | speed-up | byte-identical output |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `In-process \`renderTree\` of the large tree (no process start, no YAML output): median ${median(inproc).toFixed(0)} ms ` +
      `(min ${Math.min(...inproc).toFixed(0)} ms) over ${runs} runs.`,
    '',
  );
  process.stdout.write(`${results.join('\n')}\n`);
  if (write) {
    const file = join(repo, 'bench/RESULTS.md');
    const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
    const section = results.join('\n');
    const re = /## Render\n[\s\S]*?(?=\n## |$)/;
    writeFileSync(file, re.test(old) ? old.replace(re, section) : `${old.trimEnd()}\n\n${section}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
