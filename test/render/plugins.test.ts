/**
 * Builtin plugin configs (`generators:`, `transformers:`, `validators:`): the error fixtures under
 * test/fixtures/render/bad-plugin-* fail with a stable code and name the file at fault (their
 * output against `kubectl kustomize` is checked by fixtures.test.ts), plus the pure helpers.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isTrueupError } from '../../src/api/errors.js';
import { DiskTree } from '../../src/render/disk-tree.js';
import { RenderErrorCode } from '../../src/render/errors.js';
import { renderTree } from '../../src/render/index.js';
import { insertPathPart } from '../../src/render/plugins/namespace.js';
import { MemoryTree } from '../support/memory-tree.js';

const root = join(import.meta.dirname, '..', 'fixtures', 'render');

/** Fixture → the code and the start of the message (the file it names first). */
const ERRORS: Record<string, { code: string; message: RegExp }> = {
  'bad-plugin-exec': {
    code: RenderErrorCode.Unsupported,
    message: /^exec-plugin\.yaml: SedTransformer sed: apiVersion someteam\.example\.com\/v1 is not builtin/,
  },
  'bad-plugin-krm-function': {
    code: RenderErrorCode.Unsupported,
    message: /^fn\.yaml: SetLabels fn: KRM function plugins/,
  },
  'bad-plugin-helm': {
    code: RenderErrorCode.Unsupported,
    message: /^helm\.yaml: HelmChartInflationGenerator chart: Helm charts are not supported/,
  },
  'bad-plugin-path-outside': {
    code: RenderErrorCode.OutsideRoot,
    message: /^app\/patch\.yaml: PatchTransformer outside: .*secret-patch\.yaml.* is not in or below/,
  },
  'bad-plugin-config-outside': {
    code: RenderErrorCode.OutsideRoot,
    message: /^app\/kustomization\.yaml: generators entry \.\.\/gen\.yaml: .*gen\.yaml.* is not in or below/,
  },
  'bad-plugin-generator-file-outside': {
    code: RenderErrorCode.OutsideRoot,
    message: /^app\/kustomization\.yaml: generators: SecretGenerator s: .*key\.pem.* is not in or below/,
  },
  'bad-plugin-unknown-builtin': {
    code: RenderErrorCode.InvalidKustomization,
    message:
      /^kustomization\.yaml: transformers: SortOrderTransformer sort: .*unable to load builtin SortOrderTransformer/,
  },
  'bad-plugin-wrong-role': {
    code: RenderErrorCode.InvalidKustomization,
    message:
      /^kustomization\.yaml: transformers: ConfigMapGenerator g: ConfigMapGenerator is not a transformer/,
  },
  'bad-plugin-prefix-no-fieldspecs': {
    code: RenderErrorCode.InvalidKustomization,
    message: /^prefix\.yaml: PrefixTransformer p: fieldSpecs is not expected to be nil/,
  },
  'bad-plugin-replicas-no-match': {
    code: RenderErrorCode.InvalidKustomization,
    message: /^replicas\.yaml: ReplicaCountTransformer r: resource with name missing does not match/,
  },
  'bad-plugin-validator-modifies': {
    code: RenderErrorCode.InvalidKustomization,
    message: /^validator\.yaml: LabelTransformer v: a validator may not modify the objects/,
  },
};

test('every bad-plugin fixture has an expectation here and a reference error', () => {
  const names = readdirSync(root).filter((n) => n.startsWith('bad-plugin-'));
  assert.deepEqual(names.sort(), Object.keys(ERRORS).sort());
  for (const n of names)
    assert.ok(existsSync(join(root, n, 'expected-error.txt')), `${n}: kubectl must fail too`);
});

for (const [name, want] of Object.entries(ERRORS)) {
  test(`${name}: ${want.code}, naming the file`, async () => {
    const dir = join(root, name);
    const renderFile = join(dir, 'RENDER');
    const target = existsSync(renderFile) ? readFileSync(renderFile, 'utf8').trim() : '.';
    // expected-code.txt (the code, then the file named) is what the fixture suite checks too
    const [code, file = ''] = readFileSync(join(dir, 'expected-code.txt'), 'utf8').split('\n');
    assert.equal(code, want.code);
    await assert.rejects(renderTree(new DiskTree(dir), target), (err: unknown) => {
      assert.ok(isTrueupError(err), String(err));
      assert.equal(err.code, want.code, err.message);
      assert.match(err.message, want.message);
      assert.ok(file !== '' && err.message.includes(file), `${err.message} does not name ${file}`);
      return true;
    });
  });
}

test('insertPathPart puts the value at a path position as Kustomize does', () => {
  const table: [string, number, string][] = [
    ['', 0, 'PEACH'],
    ['/', 0, '/PEACH'],
    ['pie', 0, 'PEACH/pie'],
    ['/pie', 0, '/PEACH/pie'],
    ['raw', 1, 'raw/PEACH'],
    ['/raw', 1, '/raw/PEACH'],
    ['a/nice/warm/apple', 9, 'a/nice/warm/apple/PEACH'],
    ['a/b/c', 2, 'a/b/PEACH/c'],
    ['a/b', -3, 'PEACH/a/b'],
  ];
  for (const [path, pos, want] of table)
    assert.equal(insertPathPart(path, pos, 'PEACH'), want, `${path} @${pos}`);
  assert.equal(insertPathPart('a/b', 1, ''), 'a/b');
});

test('an inline config and a config file are told apart; origin names the plugin config', async () => {
  const K =
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nbuildMetadata: [originAnnotations, transformerAnnotations]\n';
  const gen =
    'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: "yes"\n  namespace: ns\nliterals: [a=b]\n';
  const tree = new MemoryTree({
    'kustomization.yaml': `${K}generators:\n- gen.yaml\ntransformers:\n- |-\n  apiVersion: builtin\n  kind: AnnotationsTransformer\n  metadata: {name: note}\n  annotations: {x: y}\n  fieldSpecs: [{path: metadata/annotations, create: true}]\n`,
    'gen.yaml': gen,
  });
  const [cm] = await renderTree(tree, '');
  assert.equal(cm?.metadata.annotations?.x, 'y');
  assert.equal(
    cm?.metadata.annotations?.['config.kubernetes.io/origin'],
    'configuredIn: gen.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n  name: "yes"\n  namespace: ns\n',
  );
  assert.equal(
    cm?.metadata.annotations?.['alpha.config.kubernetes.io/transformations'],
    '- configuredIn: kustomization.yaml\n  configuredBy:\n    apiVersion: builtin\n    kind: AnnotationsTransformer\n    name: note\n',
  );
});

test('a broken inline config is reported as YAML, not looked up as a path', async () => {
  const tree = new MemoryTree({
    'kustomization.yaml': 'transformers:\n- |-\n  apiVersion: builtin\n  kind: [oops\n',
  });
  await assert.rejects(renderTree(tree, ''), (err: unknown) => {
    assert.ok(isTrueupError(err), String(err));
    assert.match(err.message, /^kustomization\.yaml: inline plugin config:\d+:\d+: invalid YAML/);
    return true;
  });
});
