/**
 * Patch fixtures: each fixtures/<case>/ holds a kustomization (target.yaml + patch files) whose
 * expected.yaml / expected-error.txt was produced by `kubectl kustomize`
 * (scripts/gen-smp-fixtures.ts). They run through the production path, renderTree over the
 * directory: the output must be byte-identical, an error must be RENDER_PATCH_FAILED naming
 * the kustomization's patch file.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTrueupError, TrueupError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { DiskTree } from '../disk-tree.js';
import { renderTree } from '../index.js';
import { emitYamlDocuments } from '../yaml/emit.js';
import { parseYamlDocument, parseYamlDocuments } from '../yaml/parse.js';
import { applyJson6902 } from './json6902.js';
import { applyStrategicMerge } from './strategic-merge.js';

const fixtures = join(import.meta.dirname, 'fixtures');

/** The patch files the fixture's kustomization names (an error must name one of them). */
function patchFiles(dir: string): string[] {
  const k = parseYamlDocument(
    readFileSync(join(dir, 'kustomization.yaml'), 'utf8'),
    'kustomization.yaml',
  ) as {
    patches?: { path?: string }[];
  };
  return (k.patches ?? []).flatMap((p) => (p.path ? [p.path] : []));
}

describe('patches as kubectl kustomize applies them (fixtures from the reference, through renderTree)', () => {
  for (const name of readdirSync(fixtures).sort()) {
    const dir = join(fixtures, name);
    it(name, async () => {
      if (existsSync(join(dir, 'expected-error.txt'))) {
        const files = patchFiles(dir);
        await assert.rejects(renderTree(new DiskTree(dir), '.'), (err: unknown) => {
          assert.ok(isTrueupError(err), `${name}: not a TrueupError: ${String(err)}`);
          assert.equal(err.code, 'RENDER_PATCH_FAILED', err.message);
          assert.ok(
            files.some((f) => err.message.includes(f)),
            `${name}: the message names none of ${files.join(', ')}: ${err.message}`,
          );
          return true;
        });
        return;
      }
      const expected = readFileSync(join(dir, 'expected.yaml'), 'utf8');
      assert.equal(emitYamlDocuments(await renderTree(new DiskTree(dir), '.')), expected);
    });
  }
});

describe('patch errors are typed and name the patch', () => {
  const target = (
    parseYamlDocuments(
      readFileSync(join(fixtures, 'j-add-dash', 'target.yaml'), 'utf8'),
      't',
    ) as unknown as KubeObject[]
  )[0] as KubeObject;
  const rejects = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (err: unknown) => {
      assert.ok(err instanceof TrueupError);
      assert.equal(err.code, 'RENDER_PATCH_FAILED');
      assert.match(err.message, pattern);
      return true;
    });

  it('JSON 6902: failing test, missing path, bad index, unknown op', () => {
    rejects(
      () => applyJson6902(target, [{ op: 'test', path: '/spec/replicas', value: 7 }], 'p.yaml'),
      /^p\.yaml: .*operation 1 \(test \/spec\/replicas\).*Deployment web/,
    );
    rejects(() => applyJson6902(target, [{ op: 'remove', path: '/spec/nothing' }], 'p.yaml'), /nonexistent/);
    rejects(
      () => applyJson6902(target, [{ op: 'add', path: '/spec/a/b', value: 1 }], 'p.yaml'),
      /missing path/,
    );
    rejects(
      () => applyJson6902(target, [{ op: 'remove', path: '/spec/template/spec/containers/-' }], 'p.yaml'),
      /index/,
    );
    rejects(() => applyJson6902(target, [{ op: 'frob', path: '/spec' }], 'p.yaml'), /unexpected kind: frob/);
  });

  it('JSON 6902 does not modify its input', () => {
    const before = JSON.stringify(target);
    applyJson6902(target, [{ op: 'replace', path: '/spec/replicas', value: 3 }], 'p.yaml');
    assert.equal(JSON.stringify(target), before);
  });

  it('strategic merge: kind mismatch and unknown directive', () => {
    const patch = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: { a: 1 } },
    };
    rejects(
      () => applyStrategicMerge(target, patch, 'sm.yaml'),
      /^sm\.yaml: .*Deployment web.*expected ScalarNode but got MappingNode/,
    );
    const bogus = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { $patch: 'bogus' },
    };
    rejects(() => applyStrategicMerge(target, bogus, 'sm.yaml'), /unknown patch strategy 'bogus'/);
  });

  it('strategic merge does not modify its inputs and shares nothing with them', () => {
    const before = JSON.stringify(target);
    const patch = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { x: 'y' } },
    };
    const out = applyStrategicMerge(target, patch, 'sm.yaml') as KubeObject;
    assert.equal(JSON.stringify(target), before);
    (out.metadata.labels as Record<string, string>).x = 'changed';
    assert.equal(patch.metadata.labels.x, 'y');
    assert.notEqual(out.spec, target.spec);
  });
});
