/**
 * The renderer's conformance suite: every tree under test/fixtures/render/ rendered by trueup and
 * compared with what `kubectl kustomize` produced for it (scripts/gen-render-fixtures.ts):
 * byte-identical output, or, where the reference failed, a TrueupError with the code and naming
 * the file that the fixture's expected-code.txt gives.
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

/**
 * What an error fixture expects of trueup, beside the reference's own message in
 * expected-error.txt: expected-code.txt holds the error code (first line) and the file the
 * message must name (second line, tree-relative to the fixture).
 */
function expectedError(dir: string, name: string): { code: string; file: string } {
  const file = join(dir, 'expected-code.txt');
  assert.ok(existsSync(file), `${name}: an error fixture needs expected-code.txt (code, then file named)`);
  const [code = '', named = ''] = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim());
  assert.ok(code && named, `${name}: expected-code.txt needs two lines: the code and the file named`);
  return { code, file: named };
}

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
      const want = expectedError(dir, name);
      await assert.rejects(renderTree(tree, target), (err: unknown) => {
        assert.ok(isTrueupError(err), `${name}: expected a TrueupError, got ${String(err)}`);
        assert.equal(err.code, want.code, `${name}: ${err.message}`);
        assert.ok(
          err.message.includes(want.file),
          `${name}: the message does not name ${want.file}: ${err.message}`,
        );
        return true;
      });
      return;
    }
    const expectedText = readFileSync(expectedFile, 'utf8');
    const actualText = emitYamlDocuments(await renderTree(tree, target));
    if (actualText === expectedText) return;
    // Not byte-identical: say which object differs first, then fail on the bytes.
    const expected = parseYamlDocuments(expectedText, 'expected.yaml');
    const actual = parseYamlDocuments(actualText, 'output');
    assert.deepEqual(actual.map(key), expected.map(key), `${name}: objects or order differ`);
    for (let i = 0; i < expected.length; i++)
      assert.deepEqual(actual[i], expected[i], `${name}: ${key(expected[i]!)}`);
    assert.equal(actualText, expectedText, `${name}: same objects, different bytes`);
  });
}
