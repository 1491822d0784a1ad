import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationSpecSchema } from './application.js';

test('an Argo CD style spec parses, with defaults for targetRevision, path and server', () => {
  const spec = ApplicationSpecSchema.parse({
    source: { repoURL: 'https://git.example.com/org/config.git', path: 'apps/web/overlays/prod' },
    destination: { namespace: 'web' },
    syncPolicy: {
      automated: { prune: true, selfHeal: true },
      syncOptions: ['CreateNamespace=true'],
      retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
    },
    ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
  });
  assert.equal(spec.source?.targetRevision, 'HEAD');
  assert.equal(spec.destination.server, undefined, 'no default: no server means the own cluster');
  assert.equal(spec.syncPolicy?.retry?.backoff?.maxDuration, '3m');
});

test('bad specs are refused with the field named', () => {
  const r = ApplicationSpecSchema.safeParse({
    source: { repoURL: 'x' },
    destination: {},
    syncPolicy: { retry: { backoff: { duration: 'soon' } } },
  });
  assert.equal(r.success, false);
  assert.match(JSON.stringify(r.error?.issues), /duration/);
  assert.equal(ApplicationSpecSchema.safeParse({ source: {}, destination: {} }).success, false);
  assert.equal(
    ApplicationSpecSchema.safeParse({
      source: { repoURL: 'x' },
      destination: {},
      syncPolicy: { syncOptions: ['nope'] },
    }).success,
    false,
  );
});

test('the controller refuses what the CRD refuses, with the same message', () => {
  const base = { source: { repoURL: 'https://git.example/c.git' }, destination: {} };
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['project', { ...base, project: 'Team A' }, /must be the name of an AppProject/],
    ['server', { ...base, destination: { server: '' } }, />=1 characters/],
    ['dotdot', { ...base, source: { ...base.source, path: 'a/../..' } }, /inside the repository/],
    [
      'both',
      { ...base, source: { ...base.source, kustomize: {}, directory: { recurse: true } } },
      /either kustomize .* or directory/,
    ],
    ['ssa', { ...base, syncPolicy: { syncOptions: ['ServerSideApply=false'] } }, /server-side apply only/],
  ];
  for (const [name, spec, pattern] of cases) {
    const r = ApplicationSpecSchema.safeParse(spec);
    assert.equal(r.success, false, name);
    assert.match(r.error?.issues[0]?.message ?? '', pattern, name);
  }
  const ok = ApplicationSpecSchema.parse({
    ...base,
    project: 'default',
    destination: { name: '', server: 'https://kubernetes.default.svc' },
    source: { ...base.source, directory: { recurse: true, include: '*.yaml', exclude: '{a.yaml,b/*}' } },
  });
  assert.equal(ok.source?.directory?.recurse, true);
});

test('spec.source.helm parses; source with sources and helm.version refused; chart sources checked (table)', () => {
  const repoURL = 'https://git.example.com/org/config.git';
  const ok = ApplicationSpecSchema.parse({
    source: {
      repoURL,
      path: 'apps/web',
      helm: {
        valueFiles: ['values-prod.yaml'],
        valuesObject: { image: { tag: 'v2' } },
        parameters: [
          { name: 'replicas', value: '3' },
          { name: 'tag', forceString: true },
        ],
        fileParameters: [{ name: 'cert', path: 'files/cert.pem' }],
        version: 'v3',
      },
    },
    destination: {},
  });
  assert.deepEqual(ok.source?.helm?.parameters?.[1], { name: 'tag', value: '', forceString: true });
  const cases: [string, Record<string, unknown>, Record<string, unknown> | undefined, RegExp][] = [
    ['chart with path', { chart: 'nginx', path: 'apps/web' }, undefined, /cannot be combined with path/],
    ['chart with kustomize', { chart: 'nginx', kustomize: {} }, undefined, /cannot be combined with path/],
    ['chart name', { chart: 'a/b' }, undefined, /must be a chart name/],
    ['chart from ssh', { chart: 'nginx', repoURL: 'ssh://git@h/x' }, undefined, /an oci:\/\/ registry/],
    [
      'passCredentials without chart',
      { helm: { passCredentials: true } },
      undefined,
      /helm\.passCredentials is for charts from Helm repositories \(spec\.source\.chart\)/,
    ],
    ['version v2', { helm: { version: 'v2' } }, undefined, /helm\.version is not supported/],
    [
      'helm with kustomize',
      { helm: {}, kustomize: {} },
      undefined,
      /helm \(a chart at path\) cannot be combined/,
    ],
    [
      'helm with directory',
      { helm: {}, directory: {} },
      undefined,
      /cannot be combined with kustomize or directory/,
    ],
    [
      'absolute value file',
      { helm: { valueFiles: ['/etc/passwd'] } },
      undefined,
      /stays inside the repository/,
    ],
    [
      'source and sources',
      {},
      { sources: [{ repoURL, path: 'x' }] },
      /set exactly one of spec\.source \(one source\) and spec\.sources/,
    ],
  ];
  for (const [name, source, spec, message] of cases) {
    const r = ApplicationSpecSchema.safeParse({ source: { repoURL, ...source }, destination: {}, ...spec });
    assert.equal(r.success, false, name);
    assert.match(JSON.stringify(r.error?.issues), message, name);
  }
  // Charts from a Helm repository, an OCI registry, and Argo CD's host/path spelling.
  for (const chartRepo of [
    'https://charts.example/stable',
    'oci://ghcr.io/org/charts',
    'registry.example:5000/charts',
  ]) {
    const r = ApplicationSpecSchema.safeParse({
      source: { repoURL: chartRepo, chart: 'web', targetRevision: '1.2.*', helm: { passCredentials: true } },
      destination: {},
    });
    assert.equal(r.success, true, `${chartRepo}: ${JSON.stringify(r.error?.issues)}`);
  }
});
