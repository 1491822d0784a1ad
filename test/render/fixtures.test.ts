/**
 * The renderer's conformance suite: every tree under test/fixtures/render/ rendered by trueup and
 * compared with what `kubectl kustomize` produced for it (scripts/gen-render-fixtures.ts):
 * the same objects in the same order, or an error where the reference failed.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isTrueupError } from '../../src/api/errors.js';
import type { JsonValue } from '../../src/api/object.js';
import { DiskTree } from '../../src/render/disk-tree.js';
import { renderTree } from '../../src/render/index.js';
import { emitYamlDocuments } from '../../src/render/yaml/emit.js';
import { parseYamlDocuments } from '../../src/render/yaml/parse.js';

const root = join(import.meta.dirname, '..', 'fixtures', 'render');
const cases = readdirSync(root)
  .filter((n) => statSync(join(root, n)).isDirectory())
  .sort();

function key(o: JsonValue): string {
  const obj = o as { apiVersion?: string; kind?: string; metadata?: { namespace?: string; name?: string } };
  return `${obj.apiVersion ?? ''} ${obj.kind ?? ''} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

test('there are at least 100 fixture trees', () => {
  assert.ok(cases.length >= 100, `only ${cases.length} fixtures`);
});

for (const name of cases) {
  const dir = join(root, name);
  const renderFile = join(dir, 'RENDER');
  const target = existsSync(renderFile) ? readFileSync(renderFile, 'utf8').trim() || '.' : '.';
  const expectedFile = join(dir, 'expected.yaml');
  test(`render fixture ${name}`, async () => {
    const tree = new DiskTree(dir);
    if (!existsSync(expectedFile)) {
      assert.ok(
        existsSync(join(dir, 'expected-error.txt')),
        `${name}: no expectation; run gen-render-fixtures`,
      );
      await assert.rejects(renderTree(tree, target), (err: unknown) => {
        assert.ok(isTrueupError(err), `${name}: expected a TrueupError, got ${String(err)}`);
        return true;
      });
      return;
    }
    const expectedText = readFileSync(expectedFile, 'utf8');
    const expected = parseYamlDocuments(expectedText, 'expected.yaml');
    const actualText = emitYamlDocuments(await renderTree(tree, target));
    const actual = parseYamlDocuments(actualText, 'output');
    assert.deepEqual(actual.map(key), expected.map(key), `${name}: objects or order differ`);
    for (let i = 0; i < expected.length; i++)
      assert.deepEqual(actual[i], expected[i], `${name}: ${key(expected[i]!)}`);
  });
}
