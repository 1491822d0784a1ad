import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appKeyOfTrackingId, formatTrackingId, parseTrackingId } from './tracking.js';

test('tracking ids round-trip, including core and cluster-scoped objects', () => {
  const refs = [
    { group: 'apps', kind: 'Deployment', namespace: 'web', name: 'api' },
    { group: '', kind: 'Namespace', namespace: '', name: 'web' },
  ];
  for (const ref of refs) {
    const id = formatTrackingId('trueup-system', 'web-prod', ref);
    assert.deepEqual(parseTrackingId(id), { appNamespace: 'trueup-system', appName: 'web-prod', ref });
  }
  assert.equal(
    formatTrackingId('a', 'b', { group: 'apps', kind: 'Deployment', namespace: 'n', name: 'x' }),
    'a/b:apps/Deployment:n/x',
  );
  assert.equal(appKeyOfTrackingId('a/b:/ConfigMap:n/x'), 'a/b');
  assert.equal(parseTrackingId('garbage'), undefined);
  assert.equal(parseTrackingId(undefined), undefined);
});
