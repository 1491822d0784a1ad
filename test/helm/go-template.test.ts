/**
 * Go templates outside charts, evaluated by text/template + sprig in the Helm engine: the
 * function set Argo CD's ApplicationSets give (sprig without env/expandenv/getHostByName, plus
 * toYaml/fromYaml/fromYamlArray/normalize/slugify), text/template's options, and per-item errors.
 * Expected values follow Go's text/template, sprig's and Argo CD's documented behaviour.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { isTrueupError } from '../../src/api/errors.js';
import type { HelmEngine } from '../../src/helm/engine.js';
import { evaluateGoTemplate, evaluateGoTemplates } from '../../src/helm/go-template.js';
import { sharedEngine } from '../support/helm.js';

const params = {
  path: { path: 'apps/guestbook', basename: 'guestbook', segments: ['apps', 'guestbook'] },
  number: 42,
  branch: 'Feature/ABC_1',
  env: 'prod',
  replicas: 3,
};

describe('Go templates in the Helm engine', () => {
  let engine: HelmEngine;
  before(async () => {
    engine = await sharedEngine();
  });

  const outputs: [name: string, template: string, expected: string, options?: string[]][] = [
    ['nested fields', '{{.path.basename}}-{{.env}}', 'guestbook-prod'],
    ['index into a list', '{{index .path.segments 0}}', 'apps'],
    ['JSON numbers print as Go prints float64 whole numbers', 'preview-{{.number}}', 'preview-42'],
    ['a missing key prints <no value> by default', '{{.nope}}', '<no value>'],
    [
      'missingkey=zero on a map prints <no value> too (Go: the map element type is interface{})',
      '{{.nope}}',
      '<no value>',
      ['missingkey=zero'],
    ],
    [
      'sprig string functions',
      '{{ .env | upper }}-{{ .branch | lower | replace "/" "-" }}',
      'PROD-feature-abc_1',
    ],
    [
      'sprig default and ternary',
      '{{ .nope | default "dev" }} {{ ternary "a" "b" (eq .env "prod") }}',
      'dev a',
    ],
    ['sprig list functions', '{{ list 1 2 3 | len }} {{ join "," (list "a" "b") }}', '3 a,b'],
    ['whitespace trimming', 'a {{- " b " -}} c', 'a b c'],
    [
      'normalize (Argo CD): lowercase, invalid DNS characters to -',
      '{{ normalize .branch }}',
      'feature-abc-1',
    ],
    ['slugify (Argo CD): defaults', '{{ slugify "Hello World, Feature_1!" }}', 'hello-world-feature_1'],
    ['slugify with maxSize and no smart truncation', '{{ slugify 5 false "Hello World" }}', 'hello'],
    [
      'toYaml',
      '{{ toYaml .path }}',
      'basename: guestbook\npath: apps/guestbook\nsegments:\n- apps\n- guestbook',
    ],
    ['fromYaml', '{{ (fromYaml "a: b").a }}', 'b'],
    ['fromYamlArray', '{{ index (fromYamlArray "[a, b]") 1 }}', 'b'],
    ['toJson', '{{ toJson .path.segments }}', '["apps","guestbook"]'],
  ];
  for (const [name, template, expected, options] of outputs) {
    test(name, async () => {
      assert.equal(await evaluateGoTemplate(engine, { template, data: params }, options), expected);
    });
  }

  const errors: [name: string, template: string, pattern: RegExp, options?: string[]][] = [
    ['missingkey=error names the key', '{{.nope}}', /map has no entry for key "nope"/, ['missingkey=error']],
    [
      'env is not available (it would read the controller environment)',
      '{{ env "HOME" }}',
      /function "env" not defined/,
    ],
    ['expandenv is not available', '{{ expandenv "$HOME" }}', /function "expandenv" not defined/],
    [
      'getHostByName is not available (no network from templates)',
      '{{ getHostByName "x" }}',
      /function "getHostByName" not defined/,
    ],
    ['a parse error', '{{ .path', /unclosed action/],
    ['sprig fail', '{{ fail "stop here" }}', /stop here/],
    ['an unknown option', '{{ . }}', /template options .*missingkey=bogus/, ['missingkey=bogus']],
  ];
  for (const [name, template, pattern, options] of errors) {
    test(`error: ${name}`, async () => {
      await assert.rejects(
        evaluateGoTemplate(engine, { template, data: params }, options, 'ApplicationSet x'),
        (err) => {
          assert.ok(isTrueupError(err));
          assert.equal(err.code, 'HELM_TEMPLATE_ERROR');
          assert.match(err.message, /^ApplicationSet x: /);
          assert.match(err.message, pattern);
          return true;
        },
      );
    });
  }

  test('a batch: each item gets its own output or error, the same template parsed once serves many', async () => {
    const items = [
      { template: 'app-{{.n}}', data: { n: 1 } },
      { template: '{{ .n', data: { n: 2 } },
      { template: 'app-{{.n}}', data: { n: 3 } },
    ];
    const results = await evaluateGoTemplates(engine, items);
    assert.deepEqual(results[0], { output: 'app-1' });
    assert.ok('error' in results[1]! && /unclosed action/.test(results[1].error));
    assert.deepEqual(results[2], { output: 'app-3' });
    assert.deepEqual(await evaluateGoTemplates(engine, []), []);
  });

  test("templates run on the engine's one worker: no new worker per call", async () => {
    const stats = engine.stats();
    await evaluateGoTemplate(engine, { template: '{{ . }}', data: 'x' });
    assert.equal(engine.stats().workersStarted, stats.workersStarted);
  });
});
