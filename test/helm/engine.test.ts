/**
 * The engine's host: the time budget stops a template that loops and names the chart, the
 * engine recovers with a fresh worker, renders are serialised, the caller's event loop stays
 * free while the engine works, and a missing engine says how to build it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { isTrueupError } from '../../src/api/errors.js';
import { HelmEngine } from '../../src/helm/engine.js';
import { engineBuildDir, locateEngine } from '../../src/helm/locate.js';
import { renderChart } from '../../src/helm/render-chart.js';
import { DiskTree } from '../../src/render/disk-tree.js';
import { helmTools, sharedEngine } from '../support/helm.js';
import { eventually } from '../support/wait.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'helm');
const tree = new DiskTree(FIXTURES);
const opts = { releaseName: 'r', namespace: 'default' };

function rejectsWith(code: string, pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(isTrueupError(err), String(err));
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('the engine host', () => {
  let engine: HelmEngine;
  before(async () => {
    // An engine of its own: this file terminates workers on purpose.
    engine = await HelmEngine.load((await helmTools()).wasm, { timeoutMs: 3000 });
  });
  after(() => engine.close());

  test('reports the versions it was built from', async () => {
    const info = await engine.info();
    assert.equal(info.helmVersion, 'v3.22.0');
    assert.match(info.kubeVersion, /^v1\.\d+\.0$/);
    assert.match(info.goVersion, /^go1\./);
  });

  test('a template that loops is stopped by the time budget, with the chart named; the next render works', async () => {
    // Each worker holds a scratch file for Go's stderr; count them through /proc.
    const scratchFiles = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return /trueup-helm-.*\.stderr/.test(readlinkSync(`/proc/self/fd/${fd}`));
        } catch {
          return false;
        }
      }).length;
    const before = scratchFiles();
    const started = engine.stats().workersStarted;
    await assert.rejects(
      renderChart(engine, tree, 'loop', opts),
      rejectsWith(
        'HELM_TIMEOUT',
        /^chart loop in .*fixtures\/helm: rendering took longer than 3s and was stopped/,
      ),
    );
    const result = await renderChart(engine, tree, 'shop/charts/worker', opts);
    assert.deepEqual(
      result.manifests.map((m) => m.source),
      ['worker/templates/cronjob.yaml'],
    );
    assert.equal(engine.stats().workersStarted, started + 1);
    // The stopped worker's descriptors are closed once it has exited; the new one holds as many.
    await eventually(
      'descriptors of the stopped worker closed',
      async () => scratchFiles() === before || undefined,
    );
  });

  test("the caller's event loop keeps running while a render works", async () => {
    let settled = false;
    const render = renderChart(engine, tree, 'loop', opts).then(
      () => undefined,
      (err: unknown) => err,
    );
    void render.finally(() => {
      settled = true;
    });
    // Timers fire while the engine is busy in its worker thread.
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(settled, false);
    const err = await render;
    assert.ok(isTrueupError(err) && err.code === 'HELM_TIMEOUT');
  });

  test('concurrent renders queue and each gets its own answer', async () => {
    const [a, b, c] = await Promise.all([
      renderChart(engine, tree, 'shop/charts/worker', { ...opts, releaseName: 'a' }),
      renderChart(engine, tree, 'bad-manifest', opts).catch((e: unknown) => e),
      renderChart(engine, tree, 'shop/charts/worker', { ...opts, releaseName: 'b' }),
    ]);
    assert.match(a.manifests[0]?.content ?? '', /name: a-worker/);
    assert.ok(isTrueupError(b) && b.code === 'HELM_MANIFEST_INVALID');
    assert.match(c.manifests[0]?.content ?? '', /name: b-worker/);
  });

  test('a worker whose memory grew past the budget is replaced after its render', async () => {
    const small = await HelmEngine.load((await helmTools()).wasm, { maxMemoryBytes: 1 });
    try {
      const first = await renderChart(small, tree, 'shop/charts/worker', opts);
      assert.deepEqual(small.stats(), { renders: 1, workersStarted: 1, memoryRecycles: 1 });
      const second = await renderChart(small, tree, 'shop/charts/worker', opts);
      assert.deepEqual(second, first);
      assert.deepEqual(small.stats(), { renders: 2, workersStarted: 2, memoryRecycles: 2 });
    } finally {
      await small.close();
    }
  });

  test('a closed engine refuses renders', async () => {
    const other = await HelmEngine.load((await helmTools()).wasm);
    await other.close();
    await assert.rejects(
      renderChart(other, tree, 'shop/charts/worker', opts),
      rejectsWith('HELM_ENGINE_FAILED', /closed/),
    );
  });
});

describe('hooks, notes and warnings come back in parts', () => {
  test("hooks carry their events, weight and delete policies in Helm's order (by kind, then name); test hooks too", async () => {
    const result = await renderChart(await sharedEngine(), tree, 'shop', opts);
    assert.deepEqual(
      result.hooks.map((h) => [h.kind, h.name, h.events.join(','), h.weight, h.deletePolicies.join(',')]),
      [
        ['ServiceAccount', 'r-shop-hooks', 'pre-install', -10, ''],
        ['Pod', 'r-shop-test', 'test', 0, ''],
        ['Job', 'r-shop-migrate', 'pre-install,pre-upgrade', -5, 'before-hook-creation,hook-succeeded'],
        ['Job', 'r-shop-warm-cache', 'post-install,post-upgrade', 3, ''],
      ],
    );
    assert.equal(result.notes, 'r-shop is installed in default.\n');
    assert.deepEqual(result.chart, { name: 'shop', version: '1.4.2' });
  });

  test("Helm's warnings are returned, not printed", async () => {
    const result = await renderChart(await sharedEngine(), tree, 'shop', {
      ...opts,
      set: ['ingress.host.x=1'],
    });
    // What helm template logs to stderr for the same flags, less its `coalesce.go:319: ` prefix.
    const line =
      'warning: destination for shop.ingress.host is a table. Ignoring non-table value (shop.example.com)';
    assert.deepEqual(result.warnings, [line, line]);
  });
});

describe('finding the engine', () => {
  const empty = mkdtempSync(join(tmpdir(), 'trueup-helm-cache-'));
  after(() => rmSync(empty, { recursive: true, force: true }));

  test('the cache directory is the one helm/build.sh builds into', async () => {
    const { stdout } = await promisify(execFile)(
      'bash',
      [join(import.meta.dirname, '..', '..', 'helm', 'build.sh'), '--key'],
      {
        env: { ...process.env, TRUEUP_CACHE_DIR: empty },
      },
    );
    assert.equal(stdout.trim(), await engineBuildDir({ cacheDir: empty }));
    assert.equal(await locateEngine(), (await helmTools()).wasm);
  });

  test('a missing engine says how to build it', async () => {
    await assert.rejects(
      locateEngine({ cacheDir: empty }),
      rejectsWith('HELM_ENGINE_MISSING', /is not built .*bash helm\/build\.sh.*TRUEUP_HELM_ENGINE/),
    );
    await assert.rejects(
      locateEngine({ explicit: join(empty, 'nope.wasm') }),
      rejectsWith('HELM_ENGINE_MISSING', /TRUEUP_HELM_ENGINE=.*nope\.wasm does not exist; build it with/),
    );
    await assert.rejects(
      HelmEngine.load(join(empty, 'nope.wasm')),
      rejectsWith('HELM_ENGINE_MISSING', /cannot read it/),
    );
  });

  test('an engine built from older sources (without trueup_collect) is refused at start, saying how to rebuild', async () => {
    // The smallest WASI reactor: a memory and an empty _initialize, none of the engine's calls.
    const module = Uint8Array.from([
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
      ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // types: () -> ()
      ...[0x03, 0x02, 0x01, 0x00], // one function of type 0
      ...[0x05, 0x03, 0x01, 0x00, 0x01], // one memory, one page
      ...[0x07, 0x18, 0x02], // two exports:
      ...[0x06, ...Buffer.from('memory'), 0x02, 0x00],
      ...[0x0b, ...Buffer.from('_initialize'), 0x00, 0x00],
      ...[0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b], // its body: end
    ]);
    const path = join(empty, 'old-engine.wasm');
    writeFileSync(path, module);
    await assert.rejects(
      HelmEngine.load(path),
      rejectsWith(
        'HELM_ENGINE_FAILED',
        /old-engine\.wasm: cannot start: .*no trueup_collect.*helm\/build\.sh/,
      ),
    );
  });
});
