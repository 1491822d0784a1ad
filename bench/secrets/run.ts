/**
 * SOPS decryption benchmark: the cost of decrypting one file (each fixture format; data key
 * opened with age, every value with AES-GCM, MAC verified), and of rendering a tree of 100
 * encrypted Secrets against its plaintext twin (the same render without decryption).
 *
 * The 100 files are encrypted by the reference sops CLI (test/sops/build.sh builds it into the
 * cache) into a temp dir, each with its own data key, as in a real repository.
 *
 * Usage: npx tsx bench/secrets/run.ts [--runs N] [--write]   (--write: update bench/RESULTS.md)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DiskTree } from '../../src/render/disk-tree.js';
import { renderTree } from '../../src/render/index.js';
import { AgeIdentities } from '../../src/secrets/age.js';
import { decryptSopsFile } from '../../src/secrets/sops/decrypt.js';
import { DecryptingTree } from '../../src/secrets/tree.js';
import { writeResultsSection } from '../results.js';

const repo = join(import.meta.dirname, '..', '..');
const F = join(repo, 'test/fixtures/sops');
const args = process.argv.slice(2);
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : '') || 20;
const write = args.includes('--write');
const keys = AgeIdentities.parse(readFileSync(join(F, 'keys/a.agekey'), 'utf8'), 'a.agekey');
const load0 = loadavg()[0] ?? 0;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function perFile(): Promise<[string, number, number][]> {
  const rows: [string, number, number][] = [];
  for (const f of ['secret.yaml', 'regex.yaml', 'config.json', 'app.env', 'blob.bin']) {
    const bytes = readFileSync(join(F, 'enc', f));
    await decryptSopsFile(f, bytes, keys); // warm-up
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) xs.push(await timed(() => decryptSopsFile(f, bytes, keys)));
    const values = (bytes.toString().match(/ENC\[AES256_GCM,/g) ?? []).length - 1;
    rows.push([f, values, median(xs)]);
  }
  return rows;
}

function secretYaml(i: number): string {
  const lines = Array.from({ length: 5 }, (_, k) => `  key${k}: value-${i}-${k}-${'x'.repeat(24)}`);
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s${i}\n  namespace: bench\nstringData:\n${lines.join('\n')}\n`;
}

/** Two trees of 100 Secrets (5 values each): encrypted by sops, and the same in plaintext. */
function trees(dir: string): { enc: string; plain: string } {
  const sops = join(
    execFileSync('bash', [join(repo, 'test/sops/build.sh')], { encoding: 'utf8' }).trim(),
    'sops',
  );
  const recipient = execFileSync(join(sops, '../age-keygen'), ['-y', join(F, 'keys/a.agekey')], {
    encoding: 'utf8',
  }).trim();
  const enc = join(dir, 'enc');
  const plain = join(dir, 'plain');
  mkdirSync(enc);
  mkdirSync(plain);
  const names = Array.from({ length: 100 }, (_, i) => `s${i}.yaml`);
  const k = `resources:\n${names.map((n) => `  - ${n}`).join('\n')}\n`;
  writeFileSync(join(enc, 'kustomization.yaml'), k);
  writeFileSync(join(plain, 'kustomization.yaml'), k);
  names.forEach((n, i) => {
    writeFileSync(join(plain, n), secretYaml(i));
    const out = execFileSync(sops, [
      'encrypt',
      '--age',
      recipient,
      '--encrypted-regex',
      '^(data|stringData)$',
      join(plain, n),
    ]);
    writeFileSync(join(enc, n), out);
  });
  return { enc, plain };
}

const dir = mkdtempSync(join(tmpdir(), 'trueup-bench-sops-'));
try {
  const files = await perFile();
  const t = trees(dir);
  const renderEnc = () => renderTree(new DecryptingTree(new DiskTree(t.enc), keys), '.');
  const renderPlain = () => renderTree(new DecryptingTree(new DiskTree(t.plain), keys), '.');
  const a = await renderEnc();
  const b = await renderPlain();
  if (JSON.stringify(a) !== JSON.stringify(b))
    throw new Error('the encrypted tree does not render as its plaintext twin');
  const encXs: number[] = [];
  const plainXs: number[] = [];
  for (let i = 0; i < Math.max(5, Math.floor(runs / 2)); i++) {
    encXs.push(await timed(renderEnc));
    plainXs.push(await timed(renderPlain));
  }
  const e = median(encXs);
  const p = median(plainXs);
  const lines = [
    '## SOPS decryption',
    '',
    `\`npx tsx bench/secrets/run.ts\` (${runs} runs per file, median; ${cpus().length} cores, load average ${load0.toFixed(1)} at start). One file: age opens the data key (X25519), AES-256-GCM opens each value, the MAC is verified.`,
    '',
    '| file | encrypted values | ms per file |',
    '| --- | --- | --- |',
    ...files.map(([f, n, ms]) => `| ${f} | ${n} | ${ms.toFixed(2)} |`),
    '',
    `Tree of 100 encrypted Secrets (5 values each, \`encrypted_regex\`), rendered: ${e.toFixed(1)} ms, against ${p.toFixed(1)} ms for its plaintext twin: ${(e - p).toFixed(1)} ms of decryption, ${((e - p) / 100).toFixed(2)} ms per file.`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (write) await writeResultsSection('SOPS decryption', lines.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
