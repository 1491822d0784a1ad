/**
 * Regenerates src/render/yaml/fixtures/<case>/expected.yaml: each case's input.yaml rendered by
 * the reference, `kubectl kustomize` (Kustomize v5.5), as the only resource of a kustomization.
 * The YAML unit tests parse input.yaml and emit it, and must match expected.yaml byte for byte.
 *
 * Usage: npx tsx scripts/gen-yaml-fixtures.ts   (needs kubectl on PATH)
 *        npx tsx scripts/gen-yaml-fixtures.ts --fuzz N [SEED]   (see fuzz below)
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'src', 'render', 'yaml', 'fixtures');
if (process.argv[2] === '--fuzz') {
  process.exit(await fuzz(Number(process.argv[3] ?? 50), Number(process.argv[4] ?? 1)));
}
for (const name of readdirSync(root).sort()) {
  const dir = mkdtempSync(join(tmpdir(), 'trueup-yaml-fixture-'));
  try {
    copyFileSync(join(root, name, 'input.yaml'), join(dir, 'input.yaml'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- input.yaml\n');
    const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    writeFileSync(join(root, name, 'expected.yaml'), out);
    console.log(`${name}: ${out.length} bytes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `--fuzz N [SEED]`: differential test of parse + emit against kubectl kustomize on random
 * string and number values (quoting, escapes, folding, block scalars); exits 1 on a difference.
 */
async function fuzz(n: number, firstSeed: number): Promise<number> {
  const { parseYamlDocuments } = await import('../src/render/yaml/parse.js');
  const { emitYamlDocuments } = await import('../src/render/yaml/emit.js');
  let seed = firstSeed;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const atoms = [
    'a',
    'b',
    'Z',
    '0',
    '7',
    ' ',
    ' ',
    ':',
    '#',
    '-',
    "'",
    '"',
    '\\n',
    '\\t',
    'é',
    '✓',
    '😀',
    '\\\\',
    '{',
    '}',
    '[',
    ']',
    ',',
    '&',
    '*',
    '!',
    '|',
    '>',
    '%',
    '@',
    '`',
    '?',
    '.',
    'yes',
    'no',
    'on',
    'true',
    'null',
    '~',
    '1e3',
    '0755',
    '0x1F',
    '1:20',
    '2001-12-14',
    'word ',
    'longer words here ',
    '\\u00a0',
    '\\r',
    '=',
    '<<',
  ] as const;
  const plainAtoms = [
    '0',
    '1',
    '7',
    '9',
    '12',
    '.',
    '-',
    '+',
    'e',
    'E',
    'x',
    'o',
    'b',
    '_',
    ':',
    'a',
    'F',
    'T',
    'Z',
    't',
    'inf',
    'nan',
    'null',
    'true',
    'True',
    'no',
    '~',
    '2001-12-14',
    't10:20:30',
    ' 10:20:30.5',
    '-05:00',
    'Z',
  ] as const;
  let failures = 0;
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const data: Record<string, string> = {};
    const count = 1 + Math.floor(rnd() * 6);
    for (let k = 0; k < count; k++) {
      let v = '';
      const len = Math.floor(rnd() * (rnd() < 0.2 ? 40 : 8));
      for (let j = 0; j < len; j++) v += pick(atoms);
      data[`k${k}`] = v;
    }
    // Plain scalars: how go-yaml v3 resolves numbers, booleans, nulls, timestamps.
    const plain: string[] = [];
    for (let k = 0; k < 3; k++) {
      let t = '';
      const len = 1 + Math.floor(rnd() * 8);
      for (let j = 0; j < len; j++) t += pick(plainAtoms);
      plain.push(`  p${k}: ${t}`);
    }
    // Double-quoted YAML text of each value (JSON escapes are YAML escapes here).
    const lines = Object.entries(data).map(([k, v]) => `  ${k}: "${v.replaceAll('"', '\\"')}"`);
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f\ndata:\n${lines.join('\n')}\nplain:\n${plain.join('\n')}\n`;
    const dir = mkdtempSync(join(tmpdir(), 'trueup-yaml-fuzz-'));
    let ref: string;
    try {
      writeFileSync(join(dir, 'input.yaml'), text);
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- input.yaml\n');
      try {
        ref = execFileSync('kubectl', ['kustomize', dir], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch {
        ref = 'ERROR';
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    let ours: string;
    try {
      ours = emitYamlDocuments(parseYamlDocuments(text, 'input.yaml'));
    } catch {
      ours = 'ERROR';
    }
    if (ref === 'ERROR' && ours === 'ERROR') errors++;
    if (ref !== ours) {
      failures++;
      console.log(`DIFF\n--- input\n${text}--- kubectl kustomize\n${ref}--- ours\n${ours}`);
    }
  }
  console.log(`${n - failures}/${n} agree (seed ${firstSeed}; ${errors} inputs both refused)`);
  return failures === 0 ? 0 : 1;
}
