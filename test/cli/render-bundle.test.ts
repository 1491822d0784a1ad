/**
 * `trueup render` runs from the one-script bundle with its code cache (scripts/bundle-render.mjs,
 * bin/render-bundle.cjs). Checks the built bundle against the compiled modules of the same build:
 * same output, same errors (codes recognised across the bundle's own copy of TrueupError), and a
 * code cache V8 accepts. Needs `npm run build` (npm ci runs it).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

const repo = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'trueup-render-bundle-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

type Main = (
  argv: string[],
  io: { stdout: (t: string) => void; stderr: (t: string) => void },
) => Promise<number>;
interface Loaded {
  exports: { main: Main };
  script: { cachedDataRejected?: boolean };
}
let loaded: Loaded | undefined;
let modulesMain: Main;

before(async () => {
  const { loadRenderBundle } = (await import(pathToFileURL(join(repo, 'bin', 'render-bundle.cjs')).href)) as {
    loadRenderBundle: (root: string) => Loaded | undefined;
  };
  assert.ok(existsSync(join(repo, 'dist', 'cli', 'main.js')), 'dist/ is missing: run npm run build');
  loaded = loadRenderBundle(repo);
  modulesMain = ((await import(pathToFileURL(join(repo, 'dist', 'cli', 'main.js')).href)) as { main: Main })
    .main;
  mkdirSync(join(tmp, 'base'));
  writeFileSync(join(tmp, 'base', 'kustomization.yaml'), 'resources: [cm.yaml]\nnamePrefix: x-\n');
  writeFileSync(join(tmp, 'base', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
  mkdirSync(join(tmp, 'bad'));
  writeFileSync(join(tmp, 'bad', 'kustomization.yaml'), 'resources: [missing.yaml]\n');
  // more output than a pipe holds (64 KiB), so the writer meets a reader that has gone
  mkdirSync(join(tmp, 'big'));
  writeFileSync(join(tmp, 'big', 'kustomization.yaml'), 'resources: [cm.yaml]\n');
  const data = Array.from({ length: 4000 }, (_, i) => `  k${i}: ${'v'.repeat(60)}\n`).join('');
  writeFileSync(
    join(tmp, 'big', 'cm.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n${data}`,
  );
});

async function run(main: Main, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

test('the build made a bundle no older than the modules, and V8 takes its code cache', () => {
  assert.ok(loaded, 'dist/render.bundle.cjs is missing or older than dist/cli/main.js: run npm run build');
  assert.equal(loaded.script.cachedDataRejected, false);
});

test('the bundle renders and fails as the compiled modules do', async () => {
  assert.ok(loaded);
  for (const argv of [
    ['render', '--root', tmp, join(tmp, 'base')],
    ['render', '--root', tmp, join(tmp, 'bad')],
    ['render', '--root', tmp, join(tmp, 'nowhere')],
    ['render'],
    // render --repo runs the compiled modules from the bundle: their errors must keep their code
    ['render', '--repo', 'https://127.0.0.1:1/nothing.git'],
  ]) {
    assert.deepEqual(await run(loaded.exports.main, argv), await run(modulesMain, argv), argv.join(' '));
  }
  const bad = await run(loaded.exports.main, ['render', '--root', tmp, join(tmp, 'bad')]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /bad\/kustomization\.yaml: resources entry missing\.yaml.*\[RENDER_FILE_MISSING\]/);
  const remote = await run(loaded.exports.main, ['render', '--repo', 'https://127.0.0.1:1/nothing.git']);
  assert.equal(remote.code, 1);
  assert.match(remote.err, /\[\w+\]\n$/);
});

test('bin/trueup render prints the bundle output as a process', () => {
  const r = spawnSync(
    process.execPath,
    [join(repo, 'bin', 'trueup'), 'render', '--root', tmp, join(tmp, 'base')],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x-c\n');
});

test('bin/trueup render into a pipe its reader closes early (| head -1) exits quietly', async () => {
  const child = spawn(
    process.execPath,
    [join(repo, 'bin', 'trueup'), 'render', '--root', tmp, join(tmp, 'big')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let first = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    stderr += t;
  });
  // read one chunk, then close the read end as head does after its first line
  child.stdout.once('data', (chunk: Buffer) => {
    first = chunk.toString();
    child.stdout.destroy();
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  assert.match(first, /^apiVersion: v1\n/);
  assert.equal(stderr, '');
  assert.deepEqual({ code, signal }, { code: 0, signal: null });
});
