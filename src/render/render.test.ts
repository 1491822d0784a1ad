import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryTree } from '../../test/support/memory-tree.js';
import { isTrueupError } from '../api/errors.js';
import { renderTree } from './index.js';

const K = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;

async function rejectsWith(p: Promise<unknown>, code: string, mention: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isTrueupError(err), `not a TrueupError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, mention);
    return true;
  });
}

test('prefix, generators with the kustomize hash, name references, legacy order', async () => {
  const tree = new MemoryTree({
    'app/kustomization.yaml': `${K}namePrefix: p-\nresources: [r.yaml]\nconfigMapGenerator:\n- name: cm\n  literals: [a=1, "b=x<y"]\nsecretGenerator:\n- name: s\n  literals: [k=v]\n`,
    'app/r.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        envFrom: [{configMapRef: {name: cm}}, {secretRef: {name: s}}]\n',
  });
  const objs = await renderTree(tree, 'app');
  assert.deepEqual(
    objs.map((o) => `${o.kind}/${o.metadata.name}`),
    // the hashes kubectl kustomize (v5.5) gives these generators
    ['ConfigMap/p-cm-dmtmgd285c', 'Secret/p-s-ftgtgc4t9f', 'Deployment/p-d'],
  );
  const env = JSON.stringify(objs[2]);
  assert.match(env, /"name":"p-cm-dmtmgd285c"/);
  assert.match(env, /"name":"p-s-ftgtgc4t9f"/);
});

test('a directory without a kustomization renders every manifest below it in path order', async () => {
  const tree = new MemoryTree({
    'dir/b.yaml': CM('b'),
    'dir/a.yml': `${CM('a1')}---\n${CM('a2')}`,
    'dir/sub/c.json': '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}',
    'dir/README.md': '# not a manifest',
    'dir/.hidden/x.yaml': CM('hidden'),
    'dir/list.yaml': `apiVersion: v1\nkind: List\nitems:\n- ${CM('in-list').trimEnd().split('\n').join('\n  ')}\n`,
  });
  const objs = await renderTree(tree, 'dir', { plainDirectories: true });
  assert.deepEqual(
    objs.map((o) => o.metadata.name),
    ['a1', 'a2', 'b', 'in-list', 'c'],
  );
  // without the option, as kubectl kustomize: an error naming the directory
  await rejectsWith(
    renderTree(tree, 'dir'),
    'RENDER_FILE_MISSING',
    /^dir: unable to find one of 'kustomization\.yaml'/,
  );
});

test('bad input is a TrueupError with a code, naming the file', async () => {
  await rejectsWith(
    renderTree(new MemoryTree({ 'kustomization.yaml': `${K}namePrefx: x\n` }), ''),
    'RENDER_KUSTOMIZATION_INVALID',
    /kustomization\.yaml.*unknown field "namePrefx"/,
  );
  await rejectsWith(
    renderTree(new MemoryTree({ 'kustomization.yaml': `${K}resources: [missing.yaml]\n` }), ''),
    'RENDER_FILE_MISSING',
    /kustomization\.yaml: resources entry missing\.yaml/,
  );
  await rejectsWith(
    renderTree(
      new MemoryTree({
        'a/kustomization.yaml': `${K}resources: [../b]\n`,
        'b/kustomization.yaml': `${K}resources: [../a]\n`,
      }),
      'a',
    ),
    'RENDER_CYCLE',
    /a -> b -> a/,
  );
  await rejectsWith(
    renderTree(
      new MemoryTree({ 'x.yaml': CM('x'), 'app/kustomization.yaml': `${K}resources: [../x.yaml]\n` }),
      'app',
    ),
    'RENDER_OUTSIDE_ROOT',
    /app\/kustomization\.yaml.*not in or below/,
  );
  await rejectsWith(
    renderTree(new MemoryTree({ 'kustomization.yaml': `${K}resources: [../../etc]\n` }), ''),
    'RENDER_OUTSIDE_ROOT',
    /leaves the root/,
  );
  await rejectsWith(
    renderTree(
      new MemoryTree({
        'kustomization.yaml': `${K}resources: [a.yaml, b.yaml]\n`,
        'a.yaml': CM('same'),
        'b.yaml': CM('same'),
      }),
      '',
    ),
    'RENDER_DUPLICATE_ID',
    /already registered id: ConfigMap\.v1 same/,
  );
  await rejectsWith(
    renderTree(
      new MemoryTree({ 'kustomization.yaml': `${K}resources: [a.yaml]\n`, 'a.yaml': 'kind: [\n' }),
      '',
    ),
    'RENDER_YAML_INVALID',
    /a\.yaml/,
  );
  await rejectsWith(
    renderTree(
      new MemoryTree({
        'kustomization.yaml': `${K}resources: [a.yaml]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: nope}\n`,
        'a.yaml': CM('a'),
      }),
      '',
    ),
    'RENDER_PATCH_FAILED',
    /patches\[0\].*ConfigMap\.v1 nope/,
  );
});

test('remote resources, Helm without an engine and plugins are refused, naming the kustomization and the entry', async () => {
  await rejectsWith(
    renderTree(
      new MemoryTree({ 'kustomization.yaml': `${K}resources: [https://github.com/org/repo//base?ref=v1]\n` }),
      '',
    ),
    'RENDER_UNSUPPORTED',
    /kustomization\.yaml: resources entry https:\/\/github\.com\/org\/repo\/\/base\?ref=v1: remote resources/,
  );
  await rejectsWith(
    renderTree(
      new MemoryTree({
        'kustomization.yaml': `${K}helmCharts:\n- name: x\n`,
        'charts/x/Chart.yaml': 'apiVersion: v2\nname: x\nversion: 0.1.0\n',
      }),
      '',
    ),
    'RENDER_UNSUPPORTED',
    /kustomization\.yaml: helmCharts entry x: Helm charts need the Helm engine, which this render was not given/,
  );
  await rejectsWith(
    renderTree(
      new MemoryTree({
        'kustomization.yaml': `${K}transformers: [t.yaml]\n`,
        't.yaml': 'apiVersion: someteam.example.com/v1\nkind: ChartInflator\nmetadata: {name: x}\n',
      }),
      '',
    ),
    'RENDER_UNSUPPORTED',
    /^t\.yaml: ChartInflator x: apiVersion someteam\.example\.com\/v1 is not builtin/,
  );
});

test('budgets: bytes read in total, files, an alias bomb, time', async () => {
  const big = new MemoryTree({
    'kustomization.yaml': `${K}resources: [a.yaml]\n`,
    'a.yaml': CM('a') + '#'.repeat(2000),
  });
  await rejectsWith(renderTree(big, '', { limits: { maxTotalBytes: 1000 } }), 'RENDER_TOO_LARGE', /a\.yaml/);
  const many: Record<string, string> = {};
  for (let i = 0; i < 20; i++) many[`d/f${i}.yaml`] = CM(`c${i}`);
  await rejectsWith(
    renderTree(new MemoryTree(many), 'd', { plainDirectories: true, limits: { maxFiles: 10 } }),
    'RENDER_TOO_LARGE',
    /files/,
  );
  let bomb =
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a ["x","x","x","x","x","x","x","x","x"]\n';
  for (const [prev, cur] of [
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'd'],
    ['d', 'e'],
    ['e', 'f'],
    ['f', 'g'],
    ['g', 'h'],
    ['h', 'i'],
  ])
    bomb += `  ${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
  await rejectsWith(
    renderTree(
      new MemoryTree({ 'kustomization.yaml': `${K}resources: [bomb.yaml]\n`, 'bomb.yaml': bomb }),
      '',
    ),
    'RENDER_YAML_INVALID',
    /bomb\.yaml: YAML aliases expand to more than 1000000 nodes/,
  );
  // time: a clock that advances a second per look; the budget is 5 s
  let t = 0;
  const deep: Record<string, string> = {
    'l0/kustomization.yaml': `${K}resources: [cm.yaml]\n`,
    'l0/cm.yaml': CM('x'),
  };
  for (let i = 1; i <= 10; i++) deep[`l${i}/kustomization.yaml`] = `${K}resources: [../l${i - 1}]\n`;
  await rejectsWith(
    renderTree(new MemoryTree(deep), 'l10', { limits: { timeoutMs: 5000 }, now: () => (t += 1000) }),
    'RENDER_TOO_LARGE',
    /took longer than its 5000 ms budget/,
  );
});

test('no depth limit: a chain of 1,000 nested kustomizations renders; a cycle is still refused', async () => {
  const chain: Record<string, string> = {
    'l0/kustomization.yaml': `${K}resources: [cm.yaml]\n`,
    'l0/cm.yaml': CM('x'),
  };
  for (let i = 1; i <= 1000; i++) chain[`l${i}/kustomization.yaml`] = `${K}resources: [../l${i - 1}]\n`;
  const objs = await renderTree(new MemoryTree(chain), 'l1000');
  assert.deepEqual(
    objs.map((o) => o.metadata.name),
    ['x'],
  );
  chain['l0/kustomization.yaml'] = `${K}resources: [../l1000]\n`;
  await rejectsWith(
    renderTree(new MemoryTree(chain), 'l1000'),
    'RENDER_CYCLE',
    /cycle between kustomizations/,
  );
});

test('a 50 MB resource file renders (no per-file limit)', async () => {
  const item = (i: number) =>
    `- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c${i}}\n  data: {v: "${'x'.repeat(400)}"}\n`;
  const parts: string[] = ['apiVersion: v1\nkind: List\nitems:\n'];
  let size = parts[0]!.length;
  let n = 0;
  while (size < 50 * 1024 * 1024) {
    const p = item(n++);
    parts.push(p);
    size += p.length;
  }
  const objs = await renderTree(
    new MemoryTree({ 'kustomization.yaml': `${K}resources: [big.yaml]\n`, 'big.yaml': parts.join('') }),
    '',
  );
  assert.equal(objs.length, n);
});
