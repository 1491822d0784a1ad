import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryTree } from '../../test/support/memory-tree.js';
import { isTrueupError } from '../api/errors.js';
import { chartKind, readBounded, readChartDir, treePath } from './chart-files.js';
import { defaultHelmLimits } from './limits.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isTrueupError(err) ? err.code : String(err);
  }
  return undefined;
}

describe('treePath', () => {
  const cases: [string, string, string | { code: string }][] = [
    ['apps/web', 'values-prod.yaml', 'apps/web/values-prod.yaml'],
    ['apps/web', '../shared/values.yaml', 'apps/shared/values.yaml'],
    ['apps/web', './envs//prod/', 'apps/web/envs/prod'],
    ['', '.', ''],
    ['apps/web', '../../values.yaml', 'values.yaml'],
    ['apps/web', '../../../etc/passwd', { code: 'HELM_PATH_ESCAPES' }],
    ['', '..', { code: 'HELM_PATH_ESCAPES' }],
    ['apps', '/etc/passwd', { code: 'HELM_PATH_ESCAPES' }],
  ];
  for (const [base, path, want] of cases) {
    test(`${base || '(root)'} + ${path}`, () => {
      if (typeof want === 'string') assert.equal(treePath(base, path, 'values file'), want);
      else
        assert.equal(
          code(() => treePath(base, path, 'values file')),
          want.code,
        );
    });
  }
});

describe('reading a chart from a tree', () => {
  const tree = new MemoryTree({
    'charts/web/Chart.yaml': 'name: web\n',
    'charts/web/templates/a.yaml': 'a',
    'charts/web/charts/sub-1.0.0.tgz': new Uint8Array([1, 2, 3]),
    'charts/web/.helmignore': '*.bak\n',
    'charts/plain/x.yaml': 'x',
    'web-1.0.0.tgz': new Uint8Array(10),
    'values.yaml': 'a: 1\n',
  });

  test('what is a chart', async () => {
    assert.equal(await chartKind(tree, 'charts/web'), 'dir');
    assert.equal(await chartKind(tree, 'web-1.0.0.tgz'), 'archive');
    assert.equal(await chartKind(tree, 'charts/plain'), undefined);
    assert.equal(await chartKind(tree, 'values.yaml'), undefined);
    assert.equal(await chartKind(tree, 'nothing'), undefined);
  });

  test('every file of the directory, chart-relative, in path order (.helmignore is applied by the engine)', async () => {
    const files = await readChartDir(tree, 'charts/web', defaultHelmLimits);
    assert.deepEqual(
      files.map((f) => [f.name, f.data.byteLength]),
      [
        ['.helmignore', 6],
        ['Chart.yaml', 10],
        ['charts/sub-1.0.0.tgz', 3],
        ['templates/a.yaml', 1],
      ],
    );
  });

  test('budgets: too many files, too many bytes, a file too large', async () => {
    await assert.rejects(readChartDir(tree, 'charts/web', { ...defaultHelmLimits, maxChartFiles: 3 }), {
      code: 'HELM_TOO_LARGE',
      message: 'chart charts/web in memory: more than 3 files',
    });
    await assert.rejects(readChartDir(tree, 'charts/web', { ...defaultHelmLimits, maxChartBytes: 15 }), {
      code: 'HELM_TOO_LARGE',
      message: 'chart charts/web in memory: more than 15 bytes',
    });
    await assert.rejects(readBounded(tree, 'web-1.0.0.tgz', 9, 'chart archive'), {
      code: 'HELM_TOO_LARGE',
      message: 'chart archive web-1.0.0.tgz: 10 bytes, over the budget of 9',
    });
    assert.equal((await readBounded(tree, 'web-1.0.0.tgz', 10, 'chart archive')).byteLength, 10);
  });

  test('missing files and directories are named', async () => {
    await assert.rejects(readBounded(tree, 'values-prod.yaml', 100, 'values file'), {
      code: 'HELM_FILE_MISSING',
      message: 'values file values-prod.yaml: not found in memory',
    });
    await assert.rejects(readBounded(tree, 'charts', 100, 'values file'), {
      code: 'HELM_FILE_MISSING',
      message: 'values file charts: not a file in memory',
    });
  });
});
