/**
 * Writes crds/*.yaml (every entry of src/api/crds.ts, from its zod schema) and
 * crds/kustomization.yaml.
 * Usage: tsx scripts/gen-crd.ts [--check]   (--check: exit 1 if a committed file is stale)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRD_FILES, crdFileText, crdsKustomizationText } from '../src/api/crds.js';

const dir = join(import.meta.dirname, '..', 'crds');
const files = [
  ...CRD_FILES.map((e) => ({ target: join(dir, e.file), text: crdFileText(e) })),
  { target: join(dir, 'kustomization.yaml'), text: crdsKustomizationText() },
];
const check = process.argv.includes('--check');
let stale = 0;
for (const { target, text } of files) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current === text) continue;
  if (check) {
    process.stderr.write(`${target} is stale: run npx tsx scripts/gen-crd.ts\n`);
    stale++;
  } else {
    writeFileSync(target, text);
    process.stdout.write(`wrote ${target}\n`);
  }
}
if (stale > 0) process.exit(1);
