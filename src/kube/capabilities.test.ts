import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiVersionsOf, kubeVersionOf } from './capabilities.js';

test('kubeVersionOf: the semver core of /version, for Helm (table)', () => {
  const cases: [unknown, string | undefined][] = [
    [{ gitVersion: 'v1.32.3', major: '1', minor: '32' }, 'v1.32.3'],
    [{ gitVersion: 'v1.30.4-eks-a737599', major: '1', minor: '30+' }, 'v1.30.4'],
    [{ gitVersion: 'v1.29.0+k3s1' }, 'v1.29.0'],
    [{ major: '1', minor: '28+' }, 'v1.28.0'],
    [{ gitVersion: 'unknown' }, undefined],
    ['v1.2.3', undefined],
  ];
  for (const [body, want] of cases) assert.equal(kubeVersionOf(body), want, JSON.stringify(body));
});

test('apiVersionsOf: core versions then every group version, once each', () => {
  assert.deepEqual(
    apiVersionsOf(
      { kind: 'APIVersions', versions: ['v1'] },
      {
        kind: 'APIGroupList',
        groups: [
          { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }] },
          {
            name: 'autoscaling',
            versions: [{ groupVersion: 'autoscaling/v2' }, { groupVersion: 'autoscaling/v1' }],
          },
          { name: 'broken' },
          { name: 'dup', versions: [{ groupVersion: 'apps/v1' }] },
        ],
      },
    ),
    ['v1', 'apps/v1', 'autoscaling/v2', 'autoscaling/v1'],
  );
  assert.deepEqual(apiVersionsOf(undefined, null), []);
});
