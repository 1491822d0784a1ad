import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HelmRenderResult } from './protocol.js';
import { helmTemplateText } from './template-text.js';

const base: HelmRenderResult = {
  chart: { name: 'c', version: '1' },
  crds: [],
  manifests: [],
  hooks: [],
  notes: '',
  warnings: [],
};
const hook = { kind: 'Job', name: 'j', events: ['pre-install'], weight: 0, deletePolicies: [] };

test('CRDs, then manifests, trimmed as Go trims; then hooks as they are', () => {
  const text = helmTemplateText({
    ...base,
    crds: [{ source: 'c/crds/a.yaml', content: 'kind: CustomResourceDefinition\n\n' }],
    manifests: [{ source: 'c/templates/b.yaml', content: 'kind: B\n\u00a0' }],
    hooks: [{ ...hook, source: 'c/templates/h.yaml', content: 'kind: Job\n' }],
  });
  assert.equal(
    text,
    '---\n# Source: c/crds/a.yaml\nkind: CustomResourceDefinition\n\n\n' +
      '---\n# Source: c/templates/b.yaml\nkind: B\n' +
      '---\n# Source: c/templates/h.yaml\nkind: Job\n\n',
  );
});

test('a BOM is not space to Go: it stays', () => {
  const text = helmTemplateText({ ...base, manifests: [{ source: 's', content: 'a: 1\ufeff' }] });
  assert.equal(text, '---\n# Source: s\na: 1\ufeff\n');
});

test('nothing rendered prints one empty line, as helm template does', () => {
  assert.equal(helmTemplateText(base), '\n');
});
