/**
 * Regenerates the expected output of every patch fixture under src/render/patch/fixtures/<case>/:
 * runs the reference, `kubectl kustomize` (Kustomize v5.5), on the case's kustomization and
 * writes its stdout to expected.yaml, or its error to expected-error.txt when it fails. The
 * patch unit tests apply the same patches with our functions and compare.
 *
 * Usage: npx tsx scripts/gen-smp-fixtures.ts [CASE...]   (needs kubectl on PATH)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'src', 'render', 'patch', 'fixtures');
const only = process.argv.slice(2);
for (const name of readdirSync(root).sort()) {
  if (only.length && !only.includes(name)) continue;
  const dir = join(root, name);
  if (!existsSync(join(dir, 'kustomization.yaml'))) continue;
  const res = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  rmSync(join(dir, 'expected.yaml'), { force: true });
  rmSync(join(dir, 'expected-error.txt'), { force: true });
  if (res.status === 0) {
    writeFileSync(join(dir, 'expected.yaml'), res.stdout);
    console.log(`${name}: ok`);
  } else {
    // Keep only the reference's message (drop the timestamped klog prefix).
    const msg = res.stderr.replace(/^E\d{4} [\d:.]+\s+\d+ run\.go:\d+\] /gm, '').replaceAll(dir, '<case>');
    writeFileSync(join(dir, 'expected-error.txt'), msg);
    console.log(`${name}: error`);
  }
}
