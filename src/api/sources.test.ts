import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationSpecSchema } from './application.js';
import { applicationCrd } from './crd.js';
import { sourcesOf } from './sources.js';

const repoURL = 'https://git.example.com/org/charts.git';
const valuesRepo = 'https://git.example.com/org/values.git';

test('spec.sources parses: a chart source and a ref-only values source; path has no default there', () => {
  const spec = ApplicationSpecSchema.parse({
    sources: [
      { repoURL, path: 'charts/web', helm: { valueFiles: ['$values/envs/prod/values.yaml'] } },
      { repoURL: valuesRepo, targetRevision: 'main', ref: 'values' },
    ],
    destination: { namespace: 'web' },
  });
  assert.equal(spec.source, undefined);
  assert.deepEqual(
    sourcesOf(spec).map((s) => [
      s.field,
      s.repoURL,
      s.targetRevision,
      s.path,
      'ref' in s ? s.ref : undefined,
    ]),
    [
      ['spec.sources[0]', repoURL, 'HEAD', 'charts/web', undefined],
      ['spec.sources[1]', valuesRepo, 'main', undefined, 'values'],
    ],
  );
});

test('spec.sources refusals name the rule (table)', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['neither source nor sources', {}, /set exactly one of spec\.source \(one source\) and spec\.sources/],
    ['both', { source: { repoURL }, sources: [{ repoURL, path: 'a' }] }, /set exactly one of spec\.source/],
    ['empty list', { sources: [] }, /too_small|>=1/],
    ['no path and no ref', { sources: [{ repoURL }] }, /needs a path \(rendered\) or a ref/],
    ['bad ref name', { sources: [{ repoURL, ref: 'my values' }] }, /a ref is a name of letters/],
    [
      'refs not unique',
      {
        sources: [
          { repoURL, ref: 'v' },
          { repoURL: valuesRepo, ref: 'v' },
        ],
      },
      /refs must be unique/,
    ],
    // The rules of a single source hold for each entry.
    ['path leaves the repo', { sources: [{ repoURL, path: '../x' }] }, /must stay inside the repository/],
    [
      'helm with kustomize',
      { sources: [{ repoURL, path: 'a', helm: {}, kustomize: {} }] },
      /cannot be combined with kustomize or directory/,
    ],
    [
      'absolute value file',
      { sources: [{ repoURL, path: 'a', helm: { valueFiles: ['/x'] } }] },
      /stays inside/,
    ],
  ];
  for (const [name, spec, message] of cases) {
    const r = ApplicationSpecSchema.safeParse({ destination: {}, ...spec });
    assert.equal(r.success, false, name);
    assert.match(JSON.stringify(r.error?.issues), message, name);
  }
});

test('the CRD carries the same rules as CEL: exclusivity, path or ref, unique refs, single-source rules per entry', () => {
  const crd = applicationCrd() as {
    spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] };
  };
  const spec = (
    (crd.spec.versions[0] as (typeof crd.spec.versions)[number]).schema.openAPIV3Schema.properties as Record<
      string,
      Record<string, unknown>
    >
  ).spec as {
    'x-kubernetes-validations': { rule: string }[];
    properties: Record<string, Record<string, unknown>>;
  };
  assert.ok(spec['x-kubernetes-validations'].some((r) => r.rule === 'has(self.source) != has(self.sources)'));
  const sources = spec.properties.sources as {
    'x-kubernetes-validations': { rule: string }[];
    items: { 'x-kubernetes-validations': { rule: string }[]; properties: Record<string, unknown> };
  };
  assert.match(sources['x-kubernetes-validations'][0]?.rule ?? '', /self\.filter\(b, has\(b\.ref\)/);
  const rules = sources.items['x-kubernetes-validations'].map((r) => r.rule);
  assert.ok(rules.includes('has(self.path) || has(self.ref)'));
  assert.ok(rules.includes('!(has(self.kustomize) && has(self.directory))'));
  assert.ok('ref' in sources.items.properties && 'helm' in sources.items.properties);
});

test('sourcesOf reads an unvalidated spec (the informer copy) without throwing', () => {
  assert.deepEqual(sourcesOf({}), []);
  assert.deepEqual(
    sourcesOf({ sources: [{ repoURL: 5 }, { repoURL: 'https://a' }] as { repoURL?: unknown }[] }).map(
      (s) => s.field,
    ),
    ['spec.sources[1]'],
  );
  assert.deepEqual(
    sourcesOf({ source: { repoURL: 'https://a', targetRevision: 'main' } }).map((s) => s.field),
    ['spec.source'],
  );
});
