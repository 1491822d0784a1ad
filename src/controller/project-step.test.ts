/**
 * AppProjects in a pass: a refused app applies and prunes nothing and says which rule refused
 * what; a sync window holds automated syncs (and manual ones unless manualSync).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { application, cm, harness } from '../../test/support/reconciler-harness.js';
import type { AppProjectSpec } from '../api/app-project.js';
import type { Application, ApplicationSpec } from '../api/application.js';
import type { ProjectPort } from './ports.js';
import { appIdentity, appRefusals } from './project-step.js';

const auto = { syncPolicy: { automated: { prune: true, selfHeal: true } } };
const REPO = 'https://git.example/org/config.git';

/** A project port over a mutable table (the informer's cache in production). */
function projects(table: Record<string, AppProjectSpec>): ProjectPort {
  return { namespace: 'trueup-system', get: (name) => table[name] };
}

const open: AppProjectSpec = {
  sourceRepos: [REPO],
  destinations: [{ server: '*', namespace: 'web' }],
};

test('an app naming a project that does not exist is refused: nothing resolved, nothing applied', async () => {
  const h = harness(application({ ...auto, project: 'team-a' }), { projects: projects({}) });
  h.git.commit('main', 'c1', [cm('one')]);
  const r = await h.run();
  assert.equal(h.cluster.applies.length, 0);
  assert.equal(h.git.resolves, 0);
  assert.equal(h.condition('Stalled')?.status, 'True');
  assert.equal(h.condition('Ready')?.reason, 'ProjectViolation');
  assert.equal(h.condition('Ready')?.message, 'project team-a does not exist in namespace trueup-system');
  assert.match(h.writer.events.join('\n'), /Warning ProjectViolation: project team-a does not exist/);
  assert.deepEqual(r, { requeueAfter: null });
});

test('without AppProjects (no port) only default exists, and it permits everything', async () => {
  const refused = harness(application({ ...auto, project: 'team-a' }));
  refused.git.commit('main', 'c1', [cm('one')]);
  await refused.run();
  assert.match(
    refused.condition('Ready')?.message ?? '',
    /project team-a does not exist \(AppProjects are read by the controller only\)/,
  );
  const h = harness(application({ ...auto }), { projects: projects({}) });
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  assert.equal(h.cluster.applies.length, 1, 'a missing default project permits everything');
});

test('repository, destination and source namespace rules each refuse, naming the rule', async () => {
  const cases: [string, AppProjectSpec, Partial<Parameters<typeof application>[1]>, RegExp][] = [
    [
      'sourceRepos',
      { ...open, sourceRepos: ['https://git.example/other/*'] },
      {},
      /source repository https:\/\/git\.example\/org\/config\.git is not permitted \(sourceRepos\)/,
    ],
    [
      'destinations',
      { ...open, destinations: [{ server: '*', namespace: 'other' }] },
      {},
      /destination namespace web of https:\/\/kubernetes\.default\.svc is not permitted \(destinations\)/,
    ],
    [
      'sourceNamespaces',
      open,
      { metadata: { name: 'web', namespace: 'team-a', generation: 1 } },
      /Applications in namespace team-a may not use it \(sourceNamespaces\)/,
    ],
  ];
  for (const [rule, spec, extra, message] of cases) {
    const h = harness(application({ ...auto, project: 'p' }, extra), { projects: projects({ p: spec }) });
    h.git.commit('main', 'c1', [cm('one')]);
    await h.run();
    assert.equal(h.cluster.applies.length, 0, rule);
    assert.match(h.condition('Ready')?.message ?? '', message, rule);
  }
});

test('objects of a kind or in a namespace the project does not permit refuse the whole sync', async () => {
  const table: Record<string, AppProjectSpec> = {
    p: { ...open, namespaceResourceBlacklist: [{ group: '', kind: 'Secret' }] },
  };
  const h = harness(application({ ...auto, project: 'p' }), { projects: projects(table) });
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'web' } };
  h.git.commit('main', 'c1', [cm('one'), secret, cm('elsewhere', { a: '1' }, 'kube-system')]);
  await h.run();
  assert.equal(h.cluster.applies.length, 0);
  const message = h.condition('Ready')?.message ?? '';
  assert.match(message, /project p: Secret web\/s is denied \(namespaceResourceBlacklist\)/);
  assert.match(
    message,
    /project p: ConfigMap kube-system\/elsewhere is in a namespace that is not permitted \(destinations\)/,
  );
});

test('an app narrowed out of its project keeps its objects: nothing is pruned', async () => {
  const table: Record<string, AppProjectSpec> = { p: open };
  const h = harness(application({ ...auto, project: 'p' }), { projects: projects(table) });
  h.git.commit('main', 'c1', [cm('one'), cm('two')]);
  await h.run();
  assert.equal(h.cluster.objects.size, 2);
  table.p = { ...open, sourceRepos: [] };
  h.git.commit('main', 'c2', [cm('one')]);
  await h.clock.advance(200_000);
  await h.run();
  assert.equal(h.cluster.objects.size, 2, 'two is not pruned');
  assert.equal(h.condition('Ready')?.reason, 'ProjectViolation');
  table.p = open;
  await h.clock.advance(200_000);
  await h.run();
  assert.equal(h.cluster.objects.size, 1, 'permitted again: the sync (and its prune) goes ahead');
});

const nightly = { kind: 'deny' as const, schedule: '0 22 * * *', duration: '1h', applications: ['*'] };

test('a deny window holds automated syncs while open and lets them run after', async () => {
  const table: Record<string, AppProjectSpec> = { p: { ...open, syncWindows: [nightly] } };
  const h = harness(application({ ...auto, project: 'p' }), { projects: projects(table) });
  await h.clock.advance(Date.parse('1970-01-01T22:30:00Z') - h.clock.now());
  h.git.commit('main', 'c1', [cm('one')]);
  const r = await h.run();
  assert.equal(h.cluster.applies.length, 0);
  assert.equal(h.writer.app.status?.sync?.status, 'OutOfSync', 'the diff is still shown');
  assert.equal(h.condition('Ready')?.reason, 'SyncWindowClosed');
  assert.match(
    h.condition('Ready')?.message ?? '',
    /sync window deny 0 22 \* \* \* for 1h \(UTC\) denies syncs now/,
  );
  assert.deepEqual(r, { requeueAfter: 60_000 });
  const events = h.writer.events.length;
  await h.run();
  assert.equal(h.writer.events.length, events, 'the same hold is not announced twice');
  await h.clock.advance(3_600_000);
  await h.run();
  assert.equal(h.cluster.applies.length, 1, 'the window closed: the sync runs');
});

test('a requested sync goes through a closed window only with manualSync', async () => {
  for (const manualSync of [false, true]) {
    const table: Record<string, AppProjectSpec> = {
      p: { ...open, syncWindows: [{ ...nightly, manualSync }] },
    };
    const h = harness(
      application({ project: 'p' }, { operation: { sync: {}, initiatedBy: { username: 'cli' } } }),
      { projects: projects(table) },
    );
    await h.clock.advance(Date.parse('1970-01-01T22:30:00Z') - h.clock.now());
    h.git.commit('main', 'c1', [cm('one')]);
    await h.run();
    assert.equal(h.cluster.applies.length, manualSync ? 1 : 0, `manualSync ${manualSync}`);
    if (!manualSync)
      assert.match(h.condition('Ready')?.message ?? '', /manual syncs are not allowed by it \(manualSync\)/);
  }
});

test('a window whose schedule does not parse holds syncs and says why', async () => {
  const table: Record<string, AppProjectSpec> = {
    p: { ...open, syncWindows: [{ ...nightly, schedule: 'every night' }] },
  };
  const h = harness(application({ ...auto, project: 'p' }), { projects: projects(table) });
  h.git.commit('main', 'c1', [cm('one')]);
  await h.run();
  assert.equal(h.cluster.applies.length, 0);
  assert.match(
    h.condition('Ready')?.message ?? '',
    /sync window deny every night for 1h \(UTC\): .*syncs are held until the project's window is fixed/,
  );
});

test('every repository of a multi-source app must be permitted', async () => {
  const sources = [
    { repoURL: REPO, targetRevision: 'main', path: 'apps/web' },
    { repoURL: 'https://git.example/org/values.git', targetRevision: 'main', ref: 'values' },
  ];
  const { source: _single, ...spec } = application({ ...auto, project: 'p' }).spec;
  const app = application({ ...spec, sources } as never);
  delete (app.spec as { source?: unknown }).source;
  const h = harness(app, { projects: projects({ p: open }) });
  await h.run();
  assert.equal(h.cluster.applies.length, 0);
  assert.match(
    h.condition('Ready')?.message ?? '',
    /^project p: source repository https:\/\/git\.example\/org\/values\.git is not permitted \(sourceRepos\)$/,
  );
});

test('remote destinations: project destinations match the resolved server or name; impersonation by server (table)', () => {
  const east = { server: 'https://east.example:6443', name: 'east' };
  const spec = (destination: Record<string, string>) =>
    ({ project: 'p', source: { repoURL: REPO, path: '.' }, destination }) as unknown as ApplicationSpec;
  const app = { metadata: { namespace: 'trueup-system', name: 'web' } } as unknown as Application;
  const project = (destinations: AppProjectSpec['destinations']): AppProjectSpec => ({
    sourceRepos: [REPO],
    destinations,
    destinationServiceAccounts: [
      { server: 'https://east.example:6443', namespace: '*', defaultServiceAccount: 'east-deployer' },
      { server: '*', namespace: '*', defaultServiceAccount: 'local-deployer' },
    ],
  });
  const cases: [string, AppProjectSpec['destinations'], Record<string, string>, boolean][] = [
    [
      'server glob matches the resolved server (destination by name)',
      [{ server: 'https://east*', namespace: 'web' }],
      { name: 'east', namespace: 'web' },
      true,
    ],
    [
      'name matches (destination by server)',
      [{ name: 'east', namespace: 'web' }],
      { server: east.server, namespace: 'web' },
      true,
    ],
    [
      'only the local cluster permitted',
      [{ server: 'https://kubernetes.default.svc', namespace: '*' }],
      { name: 'east', namespace: 'web' },
      false,
    ],
    [
      'a deny entry on the name',
      [
        { name: '!east', namespace: '*' },
        { server: '*', namespace: '*' },
      ],
      { name: 'east', namespace: 'web' },
      false,
    ],
  ];
  for (const [what, destinations, destination, permitted] of cases) {
    const refusals = appRefusals(
      { name: 'p', spec: project(destinations) },
      app,
      spec(destination),
      'trueup-system',
      east,
    );
    assert.equal(refusals.length === 0, permitted, `${what}: ${refusals.join('; ')}`);
    if (!permitted) assert.match(refusals.join('; '), /https:\/\/east\.example:6443/, what);
  }
  const identity = appIdentity(
    { name: 'p', spec: project([]) },
    app,
    spec({ name: 'east', namespace: 'web' }),
    east,
  );
  assert.deepEqual(identity, { user: 'system:serviceaccount:web:east-deployer' });
  const local = appIdentity({ name: 'p', spec: project([]) }, app, spec({ namespace: 'web' }));
  assert.deepEqual(local, { user: 'system:serviceaccount:web:local-deployer' });
});
