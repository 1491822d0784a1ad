/**
 * Regenerates src/render/yaml/fixtures/<case>/expected.yaml: each case's input.yaml rendered by
 * the reference, `kubectl kustomize` (Kustomize v5.5), as the only resource of a kustomization.
 * The YAML unit tests parse input.yaml and emit it, and must match expected.yaml byte for byte.
 *
 * Usage: npx tsx scripts/gen-yaml-fixtures.ts   (needs kubectl on PATH)
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'src', 'render', 'yaml', 'fixtures');
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
