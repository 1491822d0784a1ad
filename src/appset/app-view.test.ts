import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { appSetView } from './app-view.js';
import { ownedBy } from './reconciler.js';

const app = (metadata: Record<string, unknown>): KubeObject => ({
  apiVersion: 'trueup.dev/v1alpha1',
  kind: 'Application',
  metadata: {
    name: 'a',
    namespace: 'apps',
    uid: 'u-a',
    resourceVersion: '7',
    managedFields: [{ manager: 'trueup-controller', operation: 'Update' }],
    ...metadata,
  },
  spec: { destination: { namespace: 'd' } },
  status: { sync: { status: 'Synced' } },
});

const setRef = { apiVersion: 'trueup.dev/v1alpha1', kind: 'ApplicationSet', name: 's', uid: 'u-s' };

test("an ApplicationSet's own Application is kept whole but for its managedFields", () => {
  const owned = app({ ownerReferences: [setRef], labels: { 'trueup.dev/application-set': 's' } });
  const view = appSetView(owned);
  const { managedFields: _m, ...meta } = owned.metadata as Record<string, unknown>;
  assert.deepEqual(view, { ...owned, metadata: meta });
  assert.equal(ownedBy(view as never, 'u-s'), true, 'still recognised as the set’s');
});

test('any other Application is kept as its name, namespace, uid, resourceVersion and labels', () => {
  const table: [string, KubeObject, KubeObject['metadata']][] = [
    [
      'no owner',
      app({ labels: { team: 'x' } }),
      { name: 'a', namespace: 'apps', uid: 'u-a', resourceVersion: '7', labels: { team: 'x' } },
    ],
    [
      'owned by something else',
      app({ ownerReferences: [{ kind: 'Deployment', name: 'x', uid: 'u-x' }] }),
      { name: 'a', namespace: 'apps', uid: 'u-a', resourceVersion: '7' },
    ],
  ];
  for (const [what, input, metadata] of table) {
    const view = appSetView(input);
    assert.deepEqual(view, { apiVersion: input.apiVersion, kind: input.kind, metadata }, what);
    assert.equal(ownedBy(view as never, 'u-s'), false, `${what}: not the set's`);
  }
});
