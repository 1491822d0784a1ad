import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConvertResult, convertDocuments } from './index.js';

const opts = { namespace: 'trueup-system' };
const run = (...docs: unknown[]): ConvertResult =>
  convertDocuments(
    docs.map((doc, index) => ({ file: 'in.yaml', index, doc })),
    opts,
  );

const argo = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'web', namespace: 'argocd', ...metadata },
  spec: {
    project: 'default',
    source: { repoURL: 'https://git.example/org/config.git', targetRevision: 'main', path: 'apps/web' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'web' },
    ...spec,
  },
});

test("Argo CD: the spec is carried as is, apiVersion, namespace and finalizer become trueup's", () => {
  const r = run(
    argo(
      {
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
          retry: { limit: 3, backoff: { duration: '5s', factor: 2, maxDuration: '1m' } },
        },
        ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.replicas'] }],
        revisionHistoryLimit: 5,
      },
      {
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
        labels: { team: 'shop' },
        annotations: { 'argocd.argoproj.io/sync-wave': '1', owner: 'me' },
      },
    ),
  );
  assert.deepEqual(r.refusals, []);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.applications, [
    {
      apiVersion: 'trueup.dev/v1alpha1',
      kind: 'Application',
      metadata: {
        name: 'web',
        namespace: 'trueup-system',
        labels: { team: 'shop' },
        annotations: { 'trueup.dev/sync-wave': '1', owner: 'me' },
        finalizers: ['trueup.dev/resources-finalizer'],
      },
      spec: {
        source: { repoURL: 'https://git.example/org/config.git', targetRevision: 'main', path: 'apps/web' },
        destination: { namespace: 'web' },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
          retry: { limit: 3, backoff: { duration: '5s', factor: 2, maxDuration: '1m' } },
        },
        ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.replicas'] }],
        revisionHistoryLimit: 5,
      },
    },
  ]);
});

test('Argo CD: each field that cannot be carried over is dropped with a warning naming it', () => {
  const src = { repoURL: 'https://git.example/c.git', path: 'p' };
  const cases: [string, ReturnType<typeof argo>, string, RegExp][] = [
    ['info', argo({ info: [{ name: 'a', value: 'b' }] }), 'spec.info', /dropped/],
    [
      'ssa',
      argo({ syncPolicy: { syncOptions: ['ServerSideApply=false'] } }),
      'spec.syncPolicy.syncOptions[0]',
      /server-side apply only/,
    ],
    [
      'unknown option',
      argo({ syncPolicy: { syncOptions: ['Foo=1'] } }),
      'spec.syncPolicy.syncOptions[0]',
      /not a sync option/,
    ],
    [
      'nsmeta',
      argo({ syncPolicy: { managedNamespaceMetadata: {} } }),
      'spec.syncPolicy.managedNamespaceMetadata',
      /dropped/,
    ],
    [
      'kustomize',
      argo({ source: { ...src, kustomize: { namePrefix: 'p-', patches: [] } } }),
      'spec.source.kustomize.patches',
      /dropped/,
    ],
    [
      'jsonnet',
      argo({ source: { ...src, directory: { recurse: true, jsonnet: {} } } }),
      'spec.source.directory.jsonnet',
      /Jsonnet/,
    ],
    ['history', argo({ revisionHistoryLimit: 500 }), 'spec.revisionHistoryLimit', /at most 100/],
    [
      'notification',
      argo({}, { annotations: { 'notifications.argoproj.io/subscribe.x': 'y' } }),
      'metadata.annotations.notifications.argoproj.io/subscribe.x',
      /dropped/,
    ],
    [
      'bg finalizer',
      argo({}, { finalizers: ['resources-finalizer.argocd.argoproj.io/background'] }),
      'metadata.finalizers',
      /background policy is not carried/,
    ],
    [
      'disabled',
      argo({ syncPolicy: { automated: { enabled: false } } }),
      'spec.syncPolicy.automated.enabled',
      /manual/,
    ],
  ];
  for (const [name, input, field, message] of cases) {
    const r = run(input);
    assert.equal(r.applications.length, 1, name);
    assert.deepEqual(r.refusals, [], name);
    const w = r.warnings.find((x) => x.field === field);
    assert.ok(w, `${name}: no warning on ${field} in ${JSON.stringify(r.warnings)}`);
    assert.match(w.message, message, name);
    assert.equal(w.where, 'in.yaml: Application argocd/web', name);
  }
  const ssa = run(argo({ syncPolicy: { syncOptions: ['ServerSideApply=false', 'Validate=false'] } }));
  assert.deepEqual(ssa.applications[0]?.spec.syncPolicy?.syncOptions, ['Validate=false']);
  const disabled = run(argo({ syncPolicy: { automated: { enabled: false } } }));
  assert.equal(disabled.applications[0]?.spec.syncPolicy, undefined);
  const dir = run(argo({ source: { ...src, directory: { recurse: true, include: '*.yaml', jsonnet: {} } } }));
  assert.deepEqual(dir.applications[0]?.spec.source?.directory, { recurse: true, include: '*.yaml' });
});

test("Argo CD: what would change the app's meaning refuses that app only", () => {
  const src = { repoURL: 'https://git.example/c.git', path: 'p' };
  const cases: [string, ReturnType<typeof argo>, RegExp][] = [
    ['helm v2', argo({ source: { ...src, helm: { version: 'v2' } } }), /Helm 3 only/],
    [
      '$values',
      argo({ source: { ...src, helm: { valueFiles: ['$values/prod.yaml'] } } }),
      /\$values\/prod\.yaml: a \$ref names a source of spec\.sources, and this app has one source/,
    ],
    ['plugin', argo({ source: { ...src, plugin: { name: 'cmp' } } }), /plugins/],
    ['ssh', argo({ source: { repoURL: 'git@github.com:org/config.git', path: '.' } }), /http\(s\) only/],
  ];
  for (const [name, input, message] of cases) {
    const r = run(input, argo({}, { name: 'other' }));
    assert.deepEqual(
      r.applications.map((a) => a.metadata.name),
      ['other'],
      name,
    );
    assert.equal(r.refusals.length, 1, name);
    assert.equal(r.refusals[0]?.where, 'in.yaml: Application argocd/web', name);
    assert.match(r.refusals[0]?.message ?? '', message, name);
  }
});

test('Argo CD: a remote destination is carried over (server or name); the in-cluster one is the default, left out', () => {
  const cases: [Record<string, unknown>, Record<string, unknown>][] = [
    [
      { server: 'https://prod.example:6443', namespace: 'web' },
      { server: 'https://prod.example:6443', namespace: 'web' },
    ],
    [
      { name: 'prod', namespace: 'web' },
      { name: 'prod', namespace: 'web' },
    ],
    [{ server: 'https://kubernetes.default.svc', namespace: 'web' }, { namespace: 'web' }],
    [{ name: 'in-cluster' }, {}],
  ];
  for (const [destination, want] of cases) {
    const r = run(argo({ destination }));
    assert.deepEqual(r.refusals, [], JSON.stringify(destination));
    assert.deepEqual(r.applications[0]?.spec.destination, want, JSON.stringify(destination));
  }
});

const gitRepo = (spec: Record<string, unknown>, name = 'config') => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name, namespace: 'flux-system' },
  spec: { url: 'https://git.example/org/config.git', ...spec },
});
const ks = (spec: Record<string, unknown>, name = 'web') => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'flux-system' },
  spec: { sourceRef: { kind: 'GitRepository', name: 'config' }, path: './apps/web', ...spec },
});

test("Flux: the ref becomes targetRevision (commit, name, semver, tag, branch, in Flux's precedence)", () => {
  const cases: [Record<string, unknown> | undefined, string][] = [
    [undefined, 'HEAD'],
    [{ branch: 'main' }, 'main'],
    [{ tag: 'v1.2.0', branch: 'main' }, 'v1.2.0'],
    [{ semver: '>=1.0.0 <2.0.0', tag: 'v1.2.0' }, '>=1.0.0 <2.0.0'],
    [{ name: 'refs/heads/release', semver: '1.x' }, 'release'],
    [{ name: 'refs/tags/v3', branch: 'main' }, 'v3'],
    [{ commit: 'a'.repeat(40), branch: 'main' }, 'a'.repeat(40)],
  ];
  for (const [ref, expected] of cases) {
    const r = run(gitRepo(ref ? { ref } : {}), ks({}));
    assert.equal(r.applications[0]?.spec.source?.targetRevision, expected, JSON.stringify(ref));
  }
});

test('Flux: a Kustomization and its GitRepository become one automated, self-healing Application', () => {
  const r = run(
    gitRepo({ interval: '1m', ref: { branch: 'main' }, secretRef: { name: 'auth' } }),
    ks({
      interval: '10m',
      prune: true,
      targetNamespace: 'web',
      namePrefix: 'prod-',
      images: [
        { name: 'web', newName: 'registry.example/web', newTag: '1.2.3' },
        { name: 'db', digest: 'sha256:abc' },
      ],
      commonMetadata: { annotations: { team: 'shop' }, labels: { env: 'prod' } },
      force: true,
      dependsOn: [{ name: 'infra' }],
      postBuild: { substitute: { a: 'b' } },
    }),
  );
  assert.deepEqual(r.refusals, []);
  assert.deepEqual(r.applications, [
    {
      apiVersion: 'trueup.dev/v1alpha1',
      kind: 'Application',
      metadata: { name: 'web', namespace: 'trueup-system', finalizers: ['trueup.dev/resources-finalizer'] },
      spec: {
        source: {
          repoURL: 'https://git.example/org/config.git',
          targetRevision: 'main',
          path: 'apps/web',
          kustomize: {
            namePrefix: 'prod-',
            images: ['web=registry.example/web:1.2.3', 'db@sha256:abc'],
            commonAnnotations: { team: 'shop' },
          },
        },
        destination: { namespace: 'web' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['Force=true'] },
      },
    },
  ]);
  const fields = r.warnings.map((w) => `${w.where} ${w.field}`).sort();
  assert.deepEqual(fields, [
    'in.yaml: GitRepository flux-system/config spec.interval',
    'in.yaml: GitRepository flux-system/config spec.secretRef',
    'in.yaml: Kustomization flux-system/web spec.commonMetadata.labels',
    'in.yaml: Kustomization flux-system/web spec.dependsOn',
    'in.yaml: Kustomization flux-system/web spec.interval',
    'in.yaml: Kustomization flux-system/web spec.namePrefix/nameSuffix/images/commonMetadata',
    'in.yaml: Kustomization flux-system/web spec.postBuild',
    'in.yaml: Kustomization flux-system/web spec.targetNamespace',
  ]);
});

test('Flux: suspend, a missing or non-Git source, an unused repository, other kinds', () => {
  const suspended = run(gitRepo({}), ks({ suspend: true, prune: true }));
  assert.equal(suspended.applications[0]?.spec.syncPolicy, undefined);
  assert.match(suspended.warnings.find((w) => w.field === 'spec.suspend')?.message ?? '', /manual/);

  const shared = run(gitRepo({ interval: '1m' }), ks({}, 'a'), ks({}, 'b'));
  assert.deepEqual(
    shared.applications.map((a) => a.metadata.name),
    ['a', 'b'],
  );
  assert.equal(
    shared.warnings.filter((w) => w.where.includes('GitRepository')).length,
    1,
    'repository warned once',
  );

  const missing = run(ks({}));
  assert.match(
    missing.refusals[0]?.message ?? '',
    /GitRepository flux-system\/config is not among the files given/,
  );
  const oci = run(ks({ sourceRef: { kind: 'OCIRepository', name: 'x' } }));
  assert.match(oci.refusals[0]?.message ?? '', /only GitRepository/);
  const ssh = run(gitRepo({ url: 'ssh://git@github.com/org/config.git' }), ks({}));
  assert.match(ssh.refusals[0]?.message ?? '', /GitRepository spec.url .*http\(s\) only/);
  const otherNs = run(gitRepo({}), { ...ks({}), metadata: { name: 'web', namespace: 'apps' } });
  assert.equal(otherNs.refusals.length, 1, "sourceRef defaults to the Kustomization's namespace");

  const unused = run(gitRepo({}, 'lonely'));
  assert.equal(unused.applications.length, 0);
  assert.match(unused.warnings[0]?.message ?? '', /no Kustomization among the files uses this GitRepository/);
  const other = run({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, 'text');
  assert.match(other.warnings[0]?.message ?? '', /v1 ConfigMap is neither/);
  assert.equal(other.refusals[0]?.message, 'not a Kubernetes object');
});

test('two inputs that would make the same Application: the second is refused', () => {
  const r = run(argo({}), argo({}, { namespace: 'elsewhere' }));
  assert.equal(r.applications.length, 1);
  assert.match(r.refusals[0]?.message ?? '', /a second Application named trueup-system\/web/);
});

test('Argo CD: a Helm source in Git is carried, field for field', () => {
  const helm = {
    valueFiles: ['values-prod.yaml'],
    ignoreMissingValueFiles: true,
    values: 'a: 1\n',
    valuesObject: { b: 2 },
    parameters: [{ name: 'image.tag', value: 'v2', forceString: true }],
    fileParameters: [{ name: 'cert', path: 'cert.pem' }],
    releaseName: 'web',
    namespace: 'web',
    skipCrds: true,
    kubeVersion: '1.30.0',
    apiVersions: ['monitoring.coreos.com/v1'],
  };
  const src = { repoURL: 'https://git.example/c.git', path: 'charts/web' };
  const r = run(
    argo({
      source: { ...src, helm: { ...helm, version: 'v3', skipTests: true, skipSchemaValidation: true } },
    }),
  );
  assert.deepEqual(r.refusals, []);
  assert.deepEqual(r.applications[0]?.spec.source?.helm, helm);
  assert.deepEqual(
    r.warnings.map((w) => w.field),
    ['spec.source.helm.skipTests', 'spec.source.helm.skipSchemaValidation'],
  );
});

test('Argo CD: a chart from a Helm repository or an OCI registry is carried; path (ignored by Argo CD) dropped with a note', () => {
  const table: [Record<string, unknown>, Record<string, unknown>, string[]][] = [
    [
      {
        repoURL: 'https://charts.example/stable',
        chart: 'nginx',
        targetRevision: '1.2.*',
        helm: { passCredentials: true },
      },
      {
        repoURL: 'https://charts.example/stable',
        chart: 'nginx',
        targetRevision: '1.2.*',
        helm: { passCredentials: true },
      },
      [],
    ],
    [
      { repoURL: 'registry-1.docker.io/bitnamicharts', chart: 'nginx', targetRevision: '15.0.0', path: 'x' },
      { repoURL: 'registry-1.docker.io/bitnamicharts', chart: 'nginx', targetRevision: '15.0.0' },
      ['spec.source.path'],
    ],
  ];
  for (const [source, want, warned] of table) {
    const r = run(argo({ source }));
    assert.deepEqual(r.refusals, []);
    assert.deepEqual(r.applications[0]?.spec.source, want);
    assert.deepEqual(
      r.warnings.map((w) => w.field),
      warned,
    );
  }
});

const argoSet = (spec: Record<string, unknown>) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'services', namespace: 'argocd' },
  spec: {
    goTemplate: true,
    goTemplateOptions: ['missingkey=error'],
    generators: [
      {
        git: {
          repoURL: 'https://git.example/org/config.git',
          revision: 'HEAD',
          directories: [{ path: 'apps/*' }],
        },
      },
    ],
    template: {
      metadata: {
        name: '{{.path.basename}}',
        namespace: 'argocd',
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
        annotations: { 'argocd.argoproj.io/manifest-generate-paths': '.', owner: 'me' },
      },
      spec: {
        project: 'platform',
        source: {
          repoURL: 'https://git.example/org/config.git',
          targetRevision: 'HEAD',
          path: '{{.path.path}}',
        },
        destination: { name: 'in-cluster', namespace: '{{.path.basename}}' },
      },
    },
    ...spec,
  },
});

test('Argo CD ApplicationSet: carried as is; finalizer, namespace, project and Argo annotations handled', () => {
  const r = run(argoSet({ syncPolicy: { preserveResourcesOnDeletion: true } }));
  assert.deepEqual(r.refusals, []);
  assert.deepEqual(
    r.warnings.map((w) => w.field),
    [
      'spec.template.metadata.namespace',
      'spec.template.metadata.annotations.argocd.argoproj.io/manifest-generate-paths',
    ],
  );
  assert.deepEqual(r.applicationSets, [
    {
      apiVersion: 'trueup.dev/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'services', namespace: 'trueup-system' },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [
          {
            git: {
              repoURL: 'https://git.example/org/config.git',
              revision: 'HEAD',
              directories: [{ path: 'apps/*' }],
            },
          },
        ],
        template: {
          metadata: {
            name: '{{.path.basename}}',
            finalizers: ['trueup.dev/resources-finalizer'],
            annotations: { owner: 'me' },
          },
          spec: {
            project: 'platform',
            source: {
              repoURL: 'https://git.example/org/config.git',
              targetRevision: 'HEAD',
              path: '{{.path.path}}',
            },
            destination: { namespace: '{{.path.basename}}' },
          },
        },
        syncPolicy: { preserveResourcesOnDeletion: true },
      },
    },
  ]);
});

test('Argo CD ApplicationSet: what trueup does not implement refuses the set with the schema message', () => {
  const pr = run(argoSet({ generators: [{ pullRequest: { gitlab: { project: 'o/r' } } }] }));
  assert.match(pr.refusals[0]?.message ?? '', /pullRequest generator supports github and gitea/);
  const strategy = run(argoSet({ strategy: { type: 'RollingSync' } }));
  assert.match(strategy.refusals[0]?.message ?? '', /strategy \(progressive syncs\) is not supported/);
  assert.deepEqual(strategy.applicationSets, []);
});

test('Argo CD: a chart from a Helm repository in spec.sources is carried with its $values value files', () => {
  const sources = [
    {
      repoURL: 'https://charts.example/stable',
      chart: 'web',
      targetRevision: '1.4.*',
      path: 'ignored',
      helm: { valueFiles: ['$values/envs/prod/values.yaml'] },
    },
    { repoURL: 'https://git.example/org/values.git', targetRevision: 'main', ref: 'values' },
  ];
  const r = run(argo({ sources }));
  assert.deepEqual(r.refusals, []);
  assert.deepEqual(r.applications[0]?.spec.sources, [
    {
      repoURL: 'https://charts.example/stable',
      chart: 'web',
      targetRevision: '1.4.*',
      helm: { valueFiles: ['$values/envs/prod/values.yaml'] },
    },
    { repoURL: 'https://git.example/org/values.git', targetRevision: 'main', ref: 'values' },
  ]);
  assert.deepEqual(
    r.warnings.map((w) => w.field),
    // argo() sets a spec.source too: dropped beside sources, as Argo CD ignores it.
    ['spec.source', 'spec.sources[0].path'],
  );
});

test('Argo CD: a multi-source app is carried with its refs and $ref value files; a source beside sources is dropped', () => {
  const sources = [
    {
      repoURL: 'https://git.example/org/charts.git',
      targetRevision: 'main',
      path: 'charts/web',
      helm: { valueFiles: ['$values/envs/prod/values.yaml'], skipTests: true },
    },
    { repoURL: 'https://git.example/org/values.git', targetRevision: 'prod', ref: 'values', name: 'vals' },
  ];
  const r = run(argo({ sources }));
  assert.deepEqual(r.refusals, []);
  const spec = r.applications[0]?.spec;
  assert.equal(spec?.source, undefined);
  assert.deepEqual(spec?.sources, [
    {
      repoURL: 'https://git.example/org/charts.git',
      targetRevision: 'main',
      path: 'charts/web',
      helm: { valueFiles: ['$values/envs/prod/values.yaml'] },
    },
    { repoURL: 'https://git.example/org/values.git', targetRevision: 'prod', ref: 'values', name: 'vals' },
  ]);
  assert.deepEqual(
    r.warnings.map((w) => w.field),
    ['spec.source', 'spec.sources[0].helm.skipTests'],
  );
});
