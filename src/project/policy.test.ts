import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AppProjectSpec, DEFAULT_PROJECT_SPEC } from '../api/app-project.js';
import {
  checkDestination,
  checkObjects,
  checkSourceNamespace,
  checkSourceRepos,
  destinationPermitted,
  globMatch,
} from './policy.js';

const IN = 'https://kubernetes.default.svc';
const cluster = { server: IN, name: 'in-cluster' };

describe('globMatch', () => {
  const cases: [string, string, boolean][] = [
    ['*', 'anything/at/all', true],
    ['https://git.example.com/team-a/*', 'https://git.example.com/team-a/web', true],
    ['https://git.example.com/team-a/*', 'https://git.example.com/team-b/web', false],
    ['team-?', 'team-a', true],
    ['team-?', 'team-ab', false],
    ['team-[ab]', 'team-b', true],
    ['team-[!ab]', 'team-b', false],
    ['team-[!ab]', 'team-c', true],
    ['a.b', 'axb', false],
    ['', '', true],
    ['', 'x', false],
  ];
  for (const [pattern, value, expected] of cases)
    test(`${pattern} ~ ${value}: ${expected}`, () => assert.equal(globMatch(pattern, value), expected));
});

describe('sourceRepos', () => {
  const spec: AppProjectSpec = {
    sourceRepos: ['https://git.example.com/team-a/*', '!https://git.example.com/team-a/secret*'],
  };
  const cases: [string, boolean][] = [
    ['https://git.example.com/team-a/web.git', true],
    ['HTTPS://git.example.com/Team-A/web/', true],
    ['https://git.example.com/team-a/secret-stuff', false],
    ['https://git.example.com/team-b/web', false],
  ];
  for (const [url, ok] of cases)
    test(`${url}: ${ok ? 'permitted' : 'refused'}`, () => {
      const v = checkSourceRepos('team-a', spec, [url]);
      assert.equal(v.length === 0, ok);
      if (!ok)
        assert.match(
          v[0]!.message,
          /^project team-a: source repository .* is not permitted \(sourceRepos\)$/,
        );
    });
  test('no sourceRepos: nothing is permitted (as Argo CD)', () =>
    assert.equal(checkSourceRepos('p', {}, ['https://x/y']).length, 1));
});

describe('destinations', () => {
  const spec: AppProjectSpec = {
    destinations: [
      { server: IN, namespace: 'team-a-*' },
      { name: 'in-cluster', namespace: 'shared' },
      { server: '*', namespace: '!team-a-secret' },
    ],
  };
  const cases: [string, string, string, boolean][] = [
    ['by server and glob', IN, 'team-a-web', true],
    ['by name', IN, 'shared', true],
    ['a deny entry wins over an allow', IN, 'team-a-secret', false],
    ['no entry allows it', IN, 'kube-system', false],
    ['cluster-scoped: the cluster is permitted, namespace denies do not apply', IN, '', true],
    ['another cluster', 'https://other:6443', 'team-a-web', false],
  ];
  for (const [name, server, namespace, ok] of cases)
    test(name, () => {
      assert.equal(
        destinationPermitted(spec, { server, name: server === IN ? 'in-cluster' : '', namespace }),
        ok,
      );
    });
  test('a denied cluster', () =>
    assert.equal(
      destinationPermitted(
        { destinations: [{ server: `!${IN}`, namespace: '*' }] },
        { ...cluster, namespace: 'x' },
      ),
      false,
    ));
  test('the message names the namespace and the rule', () =>
    assert.match(
      checkDestination('p', spec, { ...cluster, namespace: 'kube-system' })[0]!.message,
      /^project p: destination namespace kube-system of https:\/\/kubernetes\.default\.svc is not permitted \(destinations\)$/,
    ));
});

describe('sourceNamespaces', () => {
  test("the controller's namespace is always allowed", () =>
    assert.deepEqual(checkSourceNamespace('p', {}, 'trueup-system', 'trueup-system'), []));
  test('other namespaces need a matching glob', () => {
    const spec = { sourceNamespaces: ['team-*'] };
    assert.deepEqual(checkSourceNamespace('p', spec, 'team-a', 'trueup-system'), []);
    assert.match(
      checkSourceNamespace('p', spec, 'other', 'trueup-system')[0]!.message,
      /namespace other .*sourceNamespaces/,
    );
  });
});

describe('kinds', () => {
  const spec: AppProjectSpec = {
    destinations: [{ server: '*', namespace: 'team-a' }],
    clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }],
  };
  const obj = (group: string, kind: string, namespace: string) => ({ group, kind, namespace, name: 'x' });
  const cases: [string, ReturnType<typeof obj>, string | undefined][] = [
    ['a whitelisted cluster kind', obj('', 'Namespace', ''), undefined],
    [
      'a cluster kind not whitelisted',
      obj('rbac.authorization.k8s.io', 'ClusterRole', ''),
      'clusterResourceWhitelist',
    ],
    ['a namespaced kind (no whitelist: all)', obj('apps', 'Deployment', 'team-a'), undefined],
    ['a blacklisted namespaced kind', obj('', 'ResourceQuota', 'team-a'), 'namespaceResourceBlacklist'],
    ['an object in a namespace not permitted', obj('', 'ConfigMap', 'kube-system'), 'destinations'],
  ];
  for (const [name, o, rule] of cases)
    test(name, () => {
      const v = checkObjects('p', spec, [o], cluster);
      assert.equal(v[0]?.rule, rule);
    });
  test('a namespaced whitelist admits only its kinds', () => {
    const s = { ...spec, namespaceResourceWhitelist: [{ group: 'apps', kind: '*' }] };
    assert.equal(checkObjects('p', s, [obj('apps', 'Deployment', 'team-a')], cluster).length, 0);
    const v = checkObjects('p', s, [obj('', 'ConfigMap', 'team-a')], cluster);
    assert.match(
      v[0]!.message,
      /^project p: ConfigMap team-a\/x is not permitted \(namespaceResourceWhitelist\)$/,
    );
  });
  test('a blacklisted cluster kind', () => {
    const s = {
      ...spec,
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      clusterResourceBlacklist: [{ group: '', kind: 'Namespace' }],
    };
    assert.equal(
      checkObjects('p', s, [obj('', 'Namespace', '')], cluster)[0]?.rule,
      'clusterResourceBlacklist',
    );
  });
});

test('the default project permits everything', () => {
  const s = DEFAULT_PROJECT_SPEC;
  assert.deepEqual(checkSourceRepos('default', s, ['https://any/repo']), []);
  assert.deepEqual(checkDestination('default', s, { ...cluster, namespace: 'anything' }), []);
  assert.deepEqual(checkSourceNamespace('default', s, 'any', 'trueup-system'), []);
  assert.deepEqual(
    checkObjects(
      'default',
      s,
      [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', namespace: '', name: 'x' }],
      cluster,
    ),
    [],
  );
});
