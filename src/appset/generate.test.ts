/**
 * Parameter sets of every generator, written from Argo CD's documented behaviour (the
 * Generators pages of the ApplicationSet docs): names, shapes, order, selectors, matrix, merge.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Generator, GeneratorSchema } from '../api/application-set-generators.js';
import { type GenerateDeps, generate, type RepoReader } from './generate.js';
import type { Params } from './params.js';
import { fasttemplateRenderer } from './template-engine.js';

const REPO = 'https://git.example/org/gitops.git';

/** A repository as a map of file → content, at one commit per revision. */
function repoOf(files: Record<string, string>, reads: string[] = []): RepoReader {
  const paths = Object.keys(files).sort();
  const dirs = new Set<string>();
  for (const f of paths) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!parts.slice(0, i).some((p) => p.startsWith('.'))) dirs.add(d);
    }
  }
  return {
    async snapshot(repoURL, revision) {
      reads.push(`${repoURL}@${revision}`);
      if (repoURL !== REPO) throw new Error(`unknown repo ${repoURL}`);
      return {
        commit: `sha-of-${revision}`,
        directories: async () => [...dirs].sort(),
        files: async () => paths,
        readText: async (p) => {
          const c = files[p];
          if (c === undefined) throw new Error(`no ${p}`);
          return c;
        },
      };
    },
  };
}

const monorepo = repoOf({
  'apps/web/overlays/production/kustomization.yaml': '',
  'apps/web/overlays/staging/kustomization.yaml': '',
  'apps/api/overlays/production/kustomization.yaml': '',
  'apps/Legacy_Billing/overlays/production/kustomization.yaml': '',
  'apps/.hidden/overlays/production/kustomization.yaml': '',
  'apps/experimental/overlays/production/kustomization.yaml': '',
  'cluster-config/engineering/dev/config.json': JSON.stringify({
    aws_account: '123456',
    asset_id: 11223344,
    cluster: { owner: 'cluster-admin@company.com', name: 'engineering-dev', address: 'https://1.2.3.4' },
    tags: ['a', 'b'],
    ratio: 1.5,
    big: 1000000,
    enabled: true,
    none: null,
    empty: {},
  }),
  'cluster-config/engineering/prod/config.yaml': 'cluster:\n  name: engineering-prod\n',
  'envs/list.yaml': '- env: dev\n  replicas: 1\n- env: prod\n  replicas: 3\n',
  'envs/empty.yaml': '',
});

function deps(goTemplate = false, repos: RepoReader = monorepo): GenerateDeps {
  return { repos, renderer: fasttemplateRenderer, goTemplate };
}

async function params(g: Generator, goTemplate = false, repos?: RepoReader): Promise<Params[]> {
  const parsed = GeneratorSchema.parse(g);
  return (await generate({ generators: [parsed] }, deps(goTemplate, repos))).params;
}

test('list: elements as string params; values.* flattened (fasttemplate)', async () => {
  assert.deepEqual(
    await params({
      list: {
        elements: [
          { cluster: 'engineering-dev', url: 'https://1.2.3.4', values: { env: 'dev' } },
          { cluster: 'engineering-prod', url: 'https://2.4.6.8' },
        ],
      },
    }),
    [
      { cluster: 'engineering-dev', url: 'https://1.2.3.4', 'values.env': 'dev' },
      { cluster: 'engineering-prod', url: 'https://2.4.6.8' },
    ],
  );
});

test('list: a non-string value is refused without goTemplate, kept with it', async () => {
  await assert.rejects(
    params({ list: { elements: [{ replicas: 3 }] } }),
    /replicas: error parsing value as string/,
  );
  assert.deepEqual(await params({ list: { elements: [{ replicas: 3, nested: { a: [1] } }] } }, true), [
    { replicas: 3, nested: { a: [1] } },
  ]);
});

test('list: elementsYaml adds its elements after elements', async () => {
  assert.deepEqual(await params({ list: { elements: [{ a: '1' }], elementsYaml: '- a: "2"\n- a: "3"\n' } }), [
    { a: '1' },
    { a: '2' },
    { a: '3' },
  ]);
  await assert.rejects(params({ list: { elementsYaml: 'a: 1' } }), /elementsYaml must be a YAML list/);
});

test('git directories: path params (fasttemplate), hidden directories skipped, exclude wins', async () => {
  const got = await params({
    git: {
      repoURL: REPO,
      directories: [{ path: 'apps/*/overlays/production' }, { path: 'apps/experimental/*/*', exclude: true }],
    },
  });
  assert.deepEqual(
    got.map((p) => p.path),
    [
      'apps/Legacy_Billing/overlays/production',
      'apps/api/overlays/production',
      'apps/web/overlays/production',
    ],
  );
  // An exclude wins wherever it is in the list; `*` does not cross `/`.
  const excluded = await params({
    git: {
      repoURL: REPO,
      directories: [
        { path: 'apps/experimental/overlays/production', exclude: true },
        { path: 'apps/*/overlays/production' },
      ],
    },
  });
  assert.equal(excluded.length, 3);
  const shallow = await params({
    git: { repoURL: REPO, directories: [{ path: 'apps/*' }, { path: 'apps/experimental/*', exclude: true }] },
  });
  assert.deepEqual(
    shallow.map((p) => p['path.basename']),
    ['Legacy_Billing', 'api', 'experimental', 'web'],
  );
  assert.deepEqual(got[0], {
    path: 'apps/Legacy_Billing/overlays/production',
    'path.basename': 'production',
    'path.basenameNormalized': 'production',
    'path[0]': 'apps',
    'path[1]': 'Legacy_Billing',
    'path[2]': 'overlays',
    'path[3]': 'production',
  });
});

test('git directories: basenameNormalized is Argo CD SanitizeName; pathParamPrefix; goTemplate segments', async () => {
  const [legacy] = await params({ git: { repoURL: REPO, directories: [{ path: 'apps/Legacy_Billing' }] } });
  assert.equal(legacy?.['path.basenameNormalized'], 'legacy-billing');
  const [prefixed] = await params({
    git: { repoURL: REPO, directories: [{ path: 'apps/web' }], pathParamPrefix: 'svc' },
  });
  assert.deepEqual(prefixed, {
    'svc.path': 'apps/web',
    'svc.path.basename': 'web',
    'svc.path.basenameNormalized': 'web',
    'svc.path[0]': 'apps',
    'svc.path[1]': 'web',
  });
  const [go] = await params({ git: { repoURL: REPO, directories: [{ path: 'apps/web' }] } }, true);
  assert.deepEqual(go, {
    path: { path: 'apps/web', basename: 'web', basenameNormalized: 'web', segments: ['apps', 'web'] },
  });
  const [goPrefixed] = await params(
    { git: { repoURL: REPO, directories: [{ path: 'apps/web' }], pathParamPrefix: 'svc' } },
    true,
  );
  assert.deepEqual(Object.keys(goPrefixed ?? {}), ['svc']);
  assert.equal((goPrefixed as { svc: { path: { basename: string } } }).svc.path.basename, 'web');
});

test('git files: JSON flattened with dots and printed as Go %v (fasttemplate), plus path params', async () => {
  const [p] = await params({ git: { repoURL: REPO, files: [{ path: 'cluster-config/**/config.json' }] } });
  assert.deepEqual(p, {
    aws_account: '123456',
    asset_id: '1.1223344e+07',
    'cluster.owner': 'cluster-admin@company.com',
    'cluster.name': 'engineering-dev',
    'cluster.address': 'https://1.2.3.4',
    'tags.0': 'a',
    'tags.1': 'b',
    ratio: '1.5',
    big: '1e+06',
    enabled: 'true',
    none: '<nil>',
    path: 'cluster-config/engineering/dev',
    'path.basename': 'dev',
    'path.filename': 'config.json',
    'path.basenameNormalized': 'dev',
    'path.filenameNormalized': 'config.json',
    'path[0]': 'cluster-config',
    'path[1]': 'engineering',
    'path[2]': 'dev',
  });
});

test('git files: YAML, a list of maps gives one set each, an empty file one empty set; goTemplate keeps nesting', async () => {
  const yaml = await params({ git: { repoURL: REPO, files: [{ path: 'cluster-config/*/*/config.yaml' }] } });
  assert.equal(yaml[0]?.['cluster.name'], 'engineering-prod');
  const list = await params({ git: { repoURL: REPO, files: [{ path: 'envs/list.yaml' }] } });
  assert.deepEqual(
    list.map((p) => [p.env, p.replicas, p.path]),
    [
      ['dev', '1', 'envs'],
      ['prod', '3', 'envs'],
    ],
  );
  const empty = await params({ git: { repoURL: REPO, files: [{ path: 'envs/empty.yaml' }] } });
  assert.deepEqual(
    Object.keys(empty[0] ?? {}).filter((k) => !k.startsWith('path')),
    [],
  );
  const [go] = await params(
    { git: { repoURL: REPO, files: [{ path: 'cluster-config/engineering/dev/config.json' }] } },
    true,
  );
  assert.deepEqual(go?.cluster, {
    owner: 'cluster-admin@company.com',
    name: 'engineering-dev',
    address: 'https://1.2.3.4',
  });
  assert.equal(go?.asset_id, 11223344);
  assert.deepEqual(go?.path, {
    path: 'cluster-config/engineering/dev',
    basename: 'dev',
    filename: 'config.json',
    basenameNormalized: 'dev',
    filenameNormalized: 'config.json',
    segments: ['cluster-config', 'engineering', 'dev'],
  });
  await assert.rejects(
    params({
      git: {
        repoURL: REPO,
        files: [
          { path: 'cluster-config/**', exclude: false },
          { path: '**/*.yaml', exclude: true },
        ],
      },
    }).then((p) => {
      assert.equal(p.length, 1);
      throw new Error('ok');
    }),
    /ok/,
  );
});

test('git: revision defaults to HEAD; values templated per set', async () => {
  const reads: string[] = [];
  const repo = repoOf({ 'apps/web/x': '' }, reads);
  const [p] = await params(
    { git: { repoURL: REPO, directories: [{ path: 'apps/*' }], values: { ns: '{{path.basename}}-ns' } } },
    false,
    repo,
  );
  assert.equal(p?.['values.ns'], 'web-ns');
  await params({ git: { repoURL: REPO, revision: 'v1', directories: [{ path: 'apps/*' }] } }, false, repo);
  assert.deepEqual(reads, [`${REPO}@HEAD`, `${REPO}@v1`]);
});

test('clusters: the in-cluster destination; a non-empty selector excludes it', async () => {
  assert.deepEqual(await params({ clusters: {} }), [
    {
      name: 'in-cluster',
      nameNormalized: 'in-cluster',
      server: 'https://kubernetes.default.svc',
      project: '',
    },
  ]);
  assert.deepEqual(await params({ clusters: { selector: { matchLabels: { env: 'prod' } } } }), []);
  const [v] = await params({ clusters: { values: { revision: 'main-{{name}}' } } });
  assert.equal(v?.['values.revision'], 'main-in-cluster');
});

test('selector: keeps the sets whose flattened params match (matchLabels and expressions)', async () => {
  const elements = [{ env: 'prod', team: 'a' }, { env: 'staging', team: 'a' }, { env: 'dev' }];
  const sel = async (selector: Generator['selector']) =>
    (await params({ list: { elements }, selector })).map((p) => p.env);
  assert.deepEqual(await sel({ matchLabels: { env: 'prod' } }), ['prod']);
  assert.deepEqual(
    await sel({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }),
    ['prod', 'dev'],
  );
  assert.deepEqual(await sel({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }), [
    'staging',
    'dev',
  ]);
  assert.deepEqual(await sel({ matchExpressions: [{ key: 'team', operator: 'Exists' }] }), [
    'prod',
    'staging',
  ]);
  assert.deepEqual(await sel({ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }), ['dev']);
  // goTemplate: nested params are flattened for the selector.
  const go = await params(
    {
      list: { elements: [{ cluster: { env: 'prod' } }, { cluster: { env: 'dev' } }] },
      selector: { matchLabels: { 'cluster.env': 'prod' } },
    },
    true,
  );
  assert.deepEqual(go, [{ cluster: { env: 'prod' } }]);
});

test('matrix: git × list, first-major; the second generator uses the first params', async () => {
  const got = await params({
    matrix: {
      generators: [
        {
          git: {
            repoURL: REPO,
            directories: [{ path: 'apps/*' }, { path: 'apps/Legacy_Billing', exclude: true }],
          },
        },
        {
          list: {
            elements: [
              { env: 'staging', target: '{{path.basename}}-staging' },
              { env: 'production', target: '{{path.basename}}-production' },
            ],
          },
        },
      ],
    },
  });
  assert.deepEqual(
    got.map((p) => `${p['path.basename']}/${p.env}/${p.target}`),
    [
      'api/staging/api-staging',
      'api/production/api-production',
      'experimental/staging/experimental-staging',
      'experimental/production/experimental-production',
      'web/staging/web-staging',
      'web/production/web-production',
    ],
  );
});

test('matrix: a git path from a list element; a key in both with different values is an error', async () => {
  const got = await params({
    matrix: {
      generators: [
        { list: { elements: [{ service: 'web' }, { service: 'api' }] } },
        { git: { repoURL: REPO, directories: [{ path: 'apps/{{service}}/overlays/*' }] } },
      ],
    },
  });
  assert.deepEqual(
    got.map((p) => p.path),
    ['apps/web/overlays/production', 'apps/web/overlays/staging', 'apps/api/overlays/production'],
  );
  await assert.rejects(
    params({
      matrix: { generators: [{ list: { elements: [{ a: '1' }] } }, { list: { elements: [{ a: '2' }] } }] },
    }),
    /found duplicate key a with different value/,
  );
  // goTemplate: the first generator's params win, maps merged.
  const go = await params(
    {
      matrix: {
        generators: [
          { list: { elements: [{ a: 1, m: { x: 1 } }] } },
          { list: { elements: [{ a: 2, b: 3, m: { y: 2 } }] } },
        ],
      },
    },
    true,
  );
  assert.deepEqual(go, [{ a: 1, b: 3, m: { x: 1, y: 2 } }]);
});

test('matrix: selectors on a child and on the matrix', async () => {
  const got = await params({
    matrix: {
      generators: [
        { list: { elements: [{ env: 'dev' }, { env: 'prod' }] }, selector: { matchLabels: { env: 'prod' } } },
        { list: { elements: [{ region: 'eu' }, { region: 'us' }] } },
      ],
    },
    selector: { matchLabels: { region: 'eu' } },
  });
  assert.deepEqual(got, [{ env: 'prod', region: 'eu' }]);
});

test('merge: the base sets overridden by later generators on mergeKeys; unmatched sets dropped', async () => {
  const got = await params({
    merge: {
      mergeKeys: ['server'],
      generators: [
        {
          list: {
            elements: [
              { server: 'a', 'values.kafka': 'true', 'values.redis': 'false' },
              { server: 'b', 'values.kafka': 'true', 'values.redis': 'false' },
            ],
          },
        },
        {
          list: {
            elements: [
              { server: 'a', 'values.redis': 'true' },
              { server: 'zzz', 'values.redis': 'true' },
            ],
          },
        },
      ],
    },
  });
  assert.deepEqual(got, [
    { server: 'a', 'values.kafka': 'true', 'values.redis': 'true' },
    { server: 'b', 'values.kafka': 'true', 'values.redis': 'false' },
  ]);
  await assert.rejects(
    params({
      merge: {
        mergeKeys: ['server'],
        generators: [{ list: { elements: [{ server: 'a' }, { server: 'a' }] } }, { list: { elements: [] } }],
      },
    }),
    /do not identify a single parameter set/,
  );
});

test('merge: git × list on a prefixed path, and a cluster override', async () => {
  const got = await params({
    merge: {
      mergeKeys: ['path.basename'],
      generators: [
        { git: { repoURL: REPO, directories: [{ path: 'apps/web' }, { path: 'apps/api' }] } },
        { list: { elements: [{ 'path.basename': 'web', replicas: '3' }] } },
      ],
    },
  });
  assert.deepEqual(
    got.map((p) => [p.path, p.replicas]),
    [
      ['apps/api', undefined],
      ['apps/web', '3'],
    ],
  );
});

test('the schema refuses pull request providers other than github and gitea with its message', () => {
  const r = GeneratorSchema.safeParse({ pullRequest: { gitlab: { project: 'x' } } });
  assert.equal(r.success, false);
  assert.match(JSON.stringify(r.error?.issues), /supports github and gitea/);
});

test('pullRequest: the lister reads in the set namespace; params combine in a matrix', async () => {
  const asked: string[] = [];
  const pullRequests = {
    async list(namespace: string, gen: { gitea?: { repo: string } }) {
      asked.push(`${namespace}:${gen.gitea?.repo}`);
      return [
        {
          number: 7,
          title: 't',
          branch: 'feat/x',
          targetBranch: 'main',
          headSha: 'abcdef0123456789',
          labels: [],
          author: 'a',
        },
      ];
    },
  };
  const g = GeneratorSchema.parse({
    matrix: {
      generators: [
        { pullRequest: { gitea: { owner: 'o', repo: 'app', api: 'https://gitea.example' } } },
        { list: { elements: [{ env: 'preview-{{number}}' }] } },
      ],
    },
  });
  const { params: got } = await generate(
    { generators: [g] },
    { ...deps(), pullRequests: pullRequests as never, namespace: 'apps' },
  );
  assert.deepEqual(
    got.map((p) => [p.number, p.branch_slug, p.head_short_sha, p.env]),
    [['7', 'feat-x', 'abcdef01', 'preview-7']],
  );
  assert.deepEqual(asked, ['apps:app']);
});
