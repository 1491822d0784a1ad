/**
 * The test entry point behind `npm test`: runs every unit test (`src/**\/*.test.ts`) and, unless
 * `--unit` is given, every integration test (`test/**\/*.test.ts`) with node:test. Integration
 * tests share one real control plane started here, handed to them through
 * TRUEUP_TEST_CONTROL_PLANE_DIR; each test isolates itself in namespaces with generated names.
 *
 * Usage: tsx scripts/test.ts [--unit] [FILTER...]   (FILTER: substrings of test file paths)
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startControlPlane } from '../test/control-plane/control-plane.js';
import { giteaDir } from '../test/gitea/gitea.js';
import { buildRegistry } from '../test/registry/registry.js';
import { SHARED_CONTROL_PLANE_ENV } from '../test/support/cluster.js';
import { buildHelmTools } from '../test/support/helm.js';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const pick = (files: string[]) =>
  filters.length ? files.filter((f) => filters.some((s) => f.includes(s))) : files;
const unit = pick(findTests(join(root, 'src')));
const integration = unitOnly ? [] : pick(findTests(join(root, 'test')));

function runNodeTest(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...files], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const files = [...unit, ...integration];
if (files.length === 0) {
  process.stderr.write('no test files matched\n');
  process.exit(1);
}
const env: NodeJS.ProcessEnv = { ...process.env };
// The Helm engine and the reference helm: built here, with progress, the first time on a machine.
const helmE2e = [join('test', 'e2e', 'helm-app.test.ts'), join('test', 'e2e', 'helm-repo.test.ts')];
if (files.some((f) => f.startsWith(join('test', 'helm')) || helmE2e.includes(f))) {
  process.stderr.write('building (or finding) the Helm engine and the reference helm\n');
  await buildHelmTools((line) => process.stderr.write(`${line}\n`));
}
// Gitea (test/gitea, built from its Go module once per machine) for the files that start one.
if (integration.some((f) => readFileSync(join(root, f), 'utf8').includes('/gitea/gitea.js'))) {
  process.stderr.write('building (or finding) the Gitea test server\n');
  await giteaDir((line) => process.stderr.write(`${line}\n`));
}
// The OCI registry (distribution) for the tests that start one (charts from OCI, image scans).
if (
  files.some(
    (f) =>
      f.startsWith(join('test', 'registry')) ||
      readFileSync(join(root, f), 'utf8').includes('/registry/registry.js'),
  )
) {
  process.stderr.write('building (or finding) the distribution registry\n');
  await buildRegistry((line) => process.stderr.write(`${line}\n`));
}
let stop: (() => Promise<void>) | undefined;
if (integration.length > 0) {
  process.stderr.write(
    `starting the shared control plane for ${integration.length} integration test files\n`,
  );
  const cp = await startControlPlane({ workloads: true, log: (line) => process.stderr.write(`${line}\n`) });
  env[SHARED_CONTROL_PLANE_ENV] = cp.dir;
  stop = cp.stop;
}
let code = 1;
try {
  code = await runNodeTest(files, env);
} finally {
  await stop?.();
}
process.exit(code);
