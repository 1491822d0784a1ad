import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { desiredHash, VerdictCache } from './cache.js';

const deployment = (resourceVersion: string, replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { namespace: 'web', name: 'api', resourceVersion },
  spec: { replicas },
});

test('after an apply, the version it overwrote is in sync (a lagging informer), other versions are compared', () => {
  const desired = deployment('', 3);
  const hash = desiredHash(desired);
  const cache = new VerdictCache();
  // A kubectl scale made version 7 (replicas 5); the self-heal apply overwrote it with version 8.
  cache.record('k', hash, deployment('8', 3), [], deployment('7', 5));
  const cases: [string, KubeObject, boolean][] = [
    ['the applied version', deployment('8', 3), true],
    ['the overwritten version, still in the informer', deployment('7', 5), true],
    ['a later edit', deployment('9', 5), false],
    ['a later status-only change', { ...deployment('10', 3), status: { readyReplicas: 3 } }, true],
  ];
  for (const [what, live, inSync] of cases) assert.equal(cache.inSync('k', hash, live, []), inSync, what);
  // Without an apply (a verdict from a comparison), nothing is superseded.
  const compared = new VerdictCache();
  compared.record('k', hash, deployment('8', 3), []);
  assert.equal(compared.inSync('k', hash, deployment('7', 5), []), false);
});
