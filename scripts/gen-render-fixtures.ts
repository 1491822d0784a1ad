/**
 * Regenerates the expected output of every render fixture with the reference, `kubectl kustomize`
 * (never by hand). A fixture is a directory under test/fixtures/render/ holding a file tree, an
 * optional RENDER file (the directory to render, relative to the fixture; default the fixture
 * itself), and the reference's result: expected.yaml (its stdout) or expected-error.txt (it
 * failed; the first line of its error, paths made relative). An error fixture also needs a
 * hand-written expected-code.txt (trueup's error code, then the file its message must name),
 * which this script never touches: test/render/fixtures.test.ts asserts both.
 *
 * Usage: npx tsx scripts/gen-render-fixtures.ts [NAME_SUBSTRING...]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'test', 'fixtures', 'render');
const filters = process.argv.slice(2);

const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
if (version.status !== 0) {
  process.stderr.write('gen-render-fixtures: kubectl is required\n');
  process.exit(2);
}
process.stdout.write(`reference: ${version.stdout.split('\n').join('; ')}\n`);

let ok = 0;
let failed = 0;
for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  if (!statSync(dir).isDirectory()) continue;
  if (filters.length && !filters.some((f) => name.includes(f))) continue;
  const renderFile = join(dir, 'RENDER');
  const rel = existsSync(renderFile) ? readFileSync(renderFile, 'utf8').trim() : '.';
  const res = spawnSync('kubectl', ['kustomize', rel || '.'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 20_000,
  });
  const expected = join(dir, 'expected.yaml');
  const expectedError = join(dir, 'expected-error.txt');
  if (res.status === 0) {
    writeFileSync(expected, res.stdout);
    rmSync(expectedError, { force: true });
    ok++;
  } else {
    const message = (res.stderr || res.error?.message || 'failed')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('# Warning'))
      .map((l) => l.replace(/^E\d{4} [\d:.]+\s+\d+ run\.go:\d+\] /, '').replaceAll(dir, '<fixture>'))
      .join('\n');
    writeFileSync(expectedError, `${message}\n`);
    rmSync(expected, { force: true });
    failed++;
  }
}
process.stdout.write(`${ok} rendered, ${failed} errors (expected-error.txt)\n`);
