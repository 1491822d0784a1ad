import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncIdentity } from './impersonation.js';

const IN = 'https://kubernetes.default.svc';
const project = (entries?: { server: string; namespace: string; defaultServiceAccount: string }[]) => ({
  name: 'p',
  spec: entries ? { destinationServiceAccounts: entries } : {},
});

test('who an app syncs as', () => {
  const cases: [
    string,
    ReturnType<typeof project>,
    string | undefined,
    string,
    ReturnType<typeof syncIdentity>,
  ][] = [
    ['nobody named: the controller itself', project(), undefined, 'web', {}],
    [
      "the app's serviceAccountName, in the app's namespace (Flux)",
      project(),
      'deployer',
      'web',
      { user: 'system:serviceaccount:team-a:deployer' },
    ],
    [
      "the project's first matching entry, in the destination namespace (Argo CD)",
      project([
        { server: IN, namespace: 'other', defaultServiceAccount: 'x' },
        { server: '*', namespace: 'w*', defaultServiceAccount: 'sync' },
      ]),
      undefined,
      'web',
      { user: 'system:serviceaccount:web:sync' },
    ],
    [
      'an entry naming NAMESPACE:NAME',
      project([{ server: '*', namespace: '*', defaultServiceAccount: 'ops:sync' }]),
      undefined,
      'web',
      { user: 'system:serviceaccount:ops:sync' },
    ],
    [
      "the project's entries win over the app's name",
      project([{ server: '*', namespace: '*', defaultServiceAccount: 'sync' }]),
      'deployer',
      'web',
      { user: 'system:serviceaccount:web:sync' },
    ],
    [
      'a project with entries that match nothing refuses',
      project([{ server: IN, namespace: 'other', defaultServiceAccount: 'x' }]),
      'deployer',
      'web',
      {
        problem:
          'project p: no destinationServiceAccounts entry matches namespace web of https://kubernetes.default.svc',
      },
    ],
    [
      'a bare name with no destination namespace refuses',
      project([{ server: '*', namespace: '*', defaultServiceAccount: 'sync' }]),
      undefined,
      '',
      { problem: 'project p: sync names no namespace and the app has no destination namespace' },
    ],
  ];
  for (const [name, p, sa, destNs, expected] of cases)
    assert.deepEqual(
      syncIdentity(p, { namespace: 'team-a', serviceAccountName: sa }, { server: IN, namespace: destNs }),
      expected,
      name,
    );
});
