import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fasttemplate } from './fasttemplate.js';
import { fasttemplateRenderer, renderEach, TemplateError } from './template-engine.js';

const params = {
  path: 'apps/web/overlays/production',
  'path[1]': 'web',
  'path.basename': 'production',
  'path.basenameNormalized': 'production',
  'values.env': 'prod',
  number: '42',
  nested: { not: 'a string' },
};

// Argo CD's documented fasttemplate behaviour: `{{name}}` (spaces trimmed) → the param; a
// tag that names no string param is left as written.
const cases: [string, string][] = [
  ['{{path}}', 'apps/web/overlays/production'],
  ['{{path[1]}}-{{path.basename}}', 'web-production'],
  ['{{ path.basenameNormalized }}', 'production'],
  ['preview-{{number}}', 'preview-42'],
  ['{{values.env}}', 'prod'],
  ['{{unknown}}', '{{unknown}}'],
  ['{{ unknown }}', '{{ unknown }}'],
  ['{{nested}}', '{{nested}}'],
  ['{{}}', '{{}}'],
  ['no tags', 'no tags'],
  ['{{path', '{{path'],
  ['{{.path.path}}', '{{.path.path}}'],
  ['a{{number}}b{{number}}c', 'a42b42c'],
];

for (const [template, want] of cases) {
  test(`fasttemplate ${template} → ${want}`, () => assert.equal(fasttemplate(template, params), want));
}

test('renderEach renders every string and map key, per parameter set', async () => {
  const value = {
    metadata: { name: '{{name}}', annotations: { 'team/{{name}}': '{{n}}' } },
    spec: { list: ['{{name}}', 3, true, null] },
  };
  const out = await renderEach(fasttemplateRenderer, value, [{ name: 'a', n: '1' }, { name: 'b' }]);
  assert.deepEqual(out, [
    { metadata: { name: 'a', annotations: { 'team/a': '1' } }, spec: { list: ['a', 3, true, null] } },
    { metadata: { name: 'b', annotations: { 'team/b': '{{n}}' } }, spec: { list: ['b', 3, true, null] } },
  ]);
});

test('renderEach turns a failed string into a TemplateError naming it', async () => {
  const failing = {
    render: async (items: readonly { template: string }[]) =>
      items.map((i) => (i.template === 'bad' ? { error: 'boom' } : { output: i.template })),
  };
  const [r] = await renderEach(failing, { a: 'ok', b: 'bad' }, [{}]);
  assert.ok(r instanceof TemplateError);
  assert.equal(r.template, 'bad');
  assert.equal(r.message, 'boom');
});
