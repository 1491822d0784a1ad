/**
 * Writes crds/application.yaml from the zod schema in src/api/application.ts.
 * Usage: tsx scripts/gen-crd.ts [--check]   (--check: exit 1 if the committed file is stale)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applicationCrdYaml } from '../src/api/crd.js';

const target = join(import.meta.dirname, '..', 'crds', 'application.yaml');
const text = applicationCrdYaml();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    process.stderr.write(`${target} is stale: run npx tsx scripts/gen-crd.ts\n`);
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
