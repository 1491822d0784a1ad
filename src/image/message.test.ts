import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageRef } from '../api/image-policy.js';
import { defaultMessage, templateData } from './message.js';
import type { SetterChange } from './setters.js';

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name: 'api' };
const changes: SetterChange[] = [
  {
    file: 'apps/api.yaml',
    line: 9,
    setter: 'apps:api',
    oldValue: 'r/api:v1',
    newValue: 'r/api:v2',
    object: deployment,
  },
  {
    file: 'apps/kustomization.yaml',
    line: 4,
    setter: 'apps:api:tag',
    oldValue: 'v1',
    newValue: 'v2',
    object: { apiVersion: '', kind: 'Kustomization', namespace: '', name: '' },
  },
];
const refs: ReadonlyMap<string, ImageRef> = new Map([['apps:api', { name: 'r/api', tag: 'v2' }]]);

test("templateData follows Flux's v1beta2 model (objects keyed Kind/namespace/name)", () => {
  assert.deepEqual(templateData('apps/auto', changes, refs, { env: 'dev' }), {
    AutomationObject: 'apps/auto',
    Changed: {
      Changes: [
        { OldValue: 'r/api:v1', NewValue: 'r/api:v2', Setter: 'apps:api' },
        { OldValue: 'v1', NewValue: 'v2', Setter: 'apps:api:tag' },
      ],
      FileChanges: {
        'apps/api.yaml': {
          'Deployment/web/api': [{ OldValue: 'r/api:v1', NewValue: 'r/api:v2', Setter: 'apps:api' }],
        },
        'apps/kustomization.yaml': {
          'Kustomization/unnamed': [{ OldValue: 'v1', NewValue: 'v2', Setter: 'apps:api:tag' }],
        },
      },
      Objects: {
        'Deployment/web/api': [{ OldValue: 'r/api:v1', NewValue: 'r/api:v2', Setter: 'apps:api' }],
        'Kustomization/unnamed': [{ OldValue: 'v1', NewValue: 'v2', Setter: 'apps:api:tag' }],
      },
      ImageResult: { Images: [{ Name: 'r/api:v2', Repository: 'r/api', Tag: 'v2', Digest: '' }] },
    },
    Values: { env: 'dev' },
  });
});

test('the default message lists every change with its file and line', () => {
  assert.equal(
    defaultMessage('apps/auto', changes),
    'Update images (image update automation apps/auto)\n\n- apps/api.yaml:9: r/api:v1 -> r/api:v2\n- apps/kustomization.yaml:4: v1 -> v2\n',
  );
});
