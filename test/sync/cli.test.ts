/** `trueup diff` and `trueup sync` on a local directory, in-process, against the real API server. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { testCluster, uniqueName } from '../support/cluster.js';
import { kubectl } from '../support/kubectl.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

test('diff shows the change with Secret values masked; sync applies it; prune removes a deleted file', async () => {
  const cluster = await testCluster();
  const ns = uniqueName('cli');
  after(() => kubectl(cluster.kubeconfigPath, ['delete', 'ns', ns, '--wait=false']).catch(() => {}));
  const root = await mkdtemp(join(tmpdir(), 'trueup-cli-'));
  after(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'web');
  await mkdir(dir);
  await writeFile(
    join(dir, 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: info}\n',
  );
  await writeFile(
    join(dir, 'secret.yaml'),
    'apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData: {password: hunter2}\n',
  );
  const base = [dir, '--namespace', ns, '--root', root, '--kubeconfig', cluster.kubeconfigPath];

  const d1 = await cli(['diff', ...base]);
  assert.equal(d1.code, 1, d1.err);
  assert.match(d1.out, /\+\+\+ merged\/ConfigMap\..*settings/);
  assert.match(d1.out, /\+ {2}level: info/);
  assert.doesNotMatch(d1.out, /hunter2/);

  const s1 = await cli(['sync', ...base, '--sync-option', 'CreateNamespace=true']);
  assert.equal(s1.code, 0, s1.out + s1.err);
  assert.match(s1.out, /created +ConfigMap .*\/settings/);

  const d2 = await cli(['diff', ...base]);
  assert.equal(d2.code, 0, d2.out + d2.err);
  assert.equal(d2.out, '');

  await rm(join(dir, 'cm.yaml'));
  const dry = await cli(['sync', ...base, '--prune', '--dry-run']);
  assert.equal(dry.code, 0, dry.out + dry.err);
  assert.match(dry.out, /pruned +ConfigMap .*\/settings: would be pruned/);
  const s2 = await cli(['sync', ...base, '--prune']);
  assert.equal(s2.code, 0, s2.out + s2.err);
  assert.match(s2.out, /pruned +ConfigMap .*\/settings/);
  assert.match(s2.out, /unchanged +Secret .*\/creds/);

  // A render that fails prunes nothing, even with --prune.
  await writeFile(join(dir, 'kustomization.yaml'), 'resources: [missing.yaml]\n');
  const broken = await cli(['sync', ...base, '--prune']);
  assert.equal(broken.code, 1);
  assert.match(broken.err, /missing\.yaml/);
  const secret = await kubectl(cluster.kubeconfigPath, ['-n', ns, 'get', 'secret', 'creds', '-o', 'name']);
  assert.equal(secret.stdout.trim(), 'secret/creds');
});

test('a render error fails the command and touches nothing', async () => {
  const cluster = await testCluster();
  const root = await mkdtemp(join(tmpdir(), 'trueup-cli-'));
  after(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'kustomization.yaml'), 'resources: [missing.yaml]\n');
  const r = await cli([
    'sync',
    root,
    '--namespace',
    'default',
    '--root',
    root,
    '--prune',
    '--kubeconfig',
    cluster.kubeconfigPath,
  ]);
  assert.equal(r.code, 1);
  assert.match(r.err, /missing\.yaml/);
  assert.equal(r.out, '');
});
