/**
 * Patch fixtures: each fixtures/<case>/ holds a kustomization (target.yaml + patch files) whose
 * expected.yaml / expected-error.txt was produced by `kubectl kustomize`
 * (scripts/gen-smp-fixtures.ts). Here the same patches go through our functions directly.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TrueupError } from '../../api/errors.js';
import type { JsonObject, JsonValue, KubeObject } from '../../api/object.js';
import { compileOpenApiSchema, type MergeSchema } from '../openapi/schema.js';
import { emitYamlDocuments } from '../yaml/emit.js';
import { parseYamlDocument, parseYamlDocuments } from '../yaml/parse.js';
import { applyJson6902, parseJson6902Patch } from './json6902.js';
import { applyStrategicMerge } from './strategic-merge.js';

const fixtures = join(import.meta.dirname, 'fixtures');

/** Cases where our result is known to differ from the reference (documented in the report). */
const KNOWN_DIFFERENCES = new Set<string>([
  // A patch element whose merge key is the empty string: the reference keeps one copy, we two.
]);

/** Applies a strategic merge as Kustomize's ApplySmPatch does: the target keeps its identity. */
function smp(o: KubeObject, patch: JsonObject, where: string, schema?: MergeSchema): KubeObject | null {
  const out = applyStrategicMerge(o, patch, where, schema ? { schema } : {});
  if (out === null) return null;
  out.apiVersion = o.apiVersion;
  out.kind = o.kind;
  if (o.metadata.name === undefined) delete out.metadata.name;
  else out.metadata.name = o.metadata.name;
  if (o.metadata.namespace === undefined) delete out.metadata.namespace;
  else out.metadata.namespace = o.metadata.namespace;
  return out;
}

interface PatchEntry {
  path: string;
  target?: { kind: string; name: string };
}

function render(dir: string): KubeObject[] {
  const k = parseYamlDocument(
    readFileSync(join(dir, 'kustomization.yaml'), 'utf8'),
    'kustomization.yaml',
  ) as unknown as {
    resources: string[];
    patches: PatchEntry[];
    openapi?: { path: string };
  };
  const schema = k.openapi
    ? compileOpenApiSchema(parseYamlDocument(readFileSync(join(dir, k.openapi.path), 'utf8'), k.openapi.path))
    : undefined;
  let objects: (KubeObject | null)[] = [];
  for (const r of k.resources) {
    objects.push(...(parseYamlDocuments(readFileSync(join(dir, r), 'utf8'), r) as unknown as KubeObject[]));
  }
  for (const p of k.patches) {
    const text = readFileSync(join(dir, p.path), 'utf8');
    const docs = parseYamlDocuments(text, p.path);
    if (p.target) {
      const t = p.target;
      const content = Array.isArray(docs[0]) ? parseJson6902Patch(text, p.path) : (docs[0] as JsonValue);
      objects = objects.map((o) => {
        if (!o || o.kind !== t.kind || o.metadata.name !== t.name) return o;
        return Array.isArray(content)
          ? applyJson6902(o, content, p.path)
          : smp(o, content as JsonObject, p.path, schema);
      });
      continue;
    }
    for (const doc of docs as JsonObject[]) {
      const meta = doc.metadata as JsonObject;
      const i = objects.findIndex(
        (o) =>
          o &&
          o.kind === doc.kind &&
          o.metadata.name === meta.name &&
          o.metadata.namespace === meta.namespace,
      );
      if (i < 0) throw new Error(`no resource matches strategic merge patch ${String(meta.name)}`);
      objects[i] = smp(objects[i] as KubeObject, doc, p.path, schema);
    }
  }
  return objects.filter((o): o is KubeObject => o !== null);
}

const byId = (a: KubeObject, b: KubeObject) =>
  `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);

describe('patches as kubectl kustomize applies them (fixtures from the reference)', () => {
  for (const name of readdirSync(fixtures).sort()) {
    const dir = join(fixtures, name);
    const errorFile = join(dir, 'expected-error.txt');
    it(name, { skip: KNOWN_DIFFERENCES.has(name) ? 'known difference' : false }, () => {
      if (existsSync(errorFile)) {
        assert.throws(() => render(dir));
        return;
      }
      const expected = parseYamlDocuments(readFileSync(join(dir, 'expected.yaml'), 'utf8'), 'expected.yaml');
      const got = render(dir).sort(byId);
      assert.equal(
        emitYamlDocuments(got),
        emitYamlDocuments((expected as unknown as KubeObject[]).sort(byId)),
      );
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
