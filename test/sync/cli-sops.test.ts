/**
 * `trueup diff` and `trueup sync` over SOPS-encrypted files with --sops-age-key-file, in-process,
 * against the real API server (fixtures encrypted by the sops CLI): the Secret lands decrypted,
 * a rotated value shows as a masked change, and no output or error quotes a decrypted value.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { testCluster, uniqueName } from '../support/cluster.js';
import { kubectl } from '../support/kubectl.js';

const F = join(import.meta.dirname, '../fixtures/sops');
const CANARY = /canary-|Y2FuYXJ5/;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = [process.env.SOPS_AGE_KEY_FILE, process.env.SOPS_AGE_KEY];
  delete process.env.SOPS_AGE_KEY_FILE;
  delete process.env.SOPS_AGE_KEY;
  try {
    const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
  } finally {
    if (saved[0] !== undefined) process.env.SOPS_AGE_KEY_FILE = saved[0];
    if (saved[1] !== undefined) process.env.SOPS_AGE_KEY = saved[1];
  }
}

test('diff and sync with --sops-age-key-file: decrypted in the cluster, masked in the diff, never printed', async () => {
  const cluster = await testCluster();
  const ns = uniqueName('cli-sops');
  after(() => kubectl(cluster.kubeconfigPath, ['delete', 'ns', ns, '--wait=false']).catch(() => {}));
  const root = await mkdtemp(join(tmpdir(), 'trueup-cli-sops-'));
  after(() => rm(root, { recursive: true, force: true }));
  await copyFile(join(F, 'enc/regex.yaml'), join(root, 'secret.yaml'));
  const base = [root, '--namespace', ns, '--root', root, '--kubeconfig', cluster.kubeconfigPath];
  const key = ['--sops-age-key-file', join(F, 'keys/a.agekey')];
  const password = async () => {
    const r = await kubectl(cluster.kubeconfigPath, [
      '-n',
      ns,
      'get',
      'secret',
      'regex',
      '-o',
      'jsonpath={.data.password}',
    ]);
    return Buffer.from(r.stdout, 'base64').toString();
  };

  const noKey = await cli(['diff', ...base]);
  assert.equal(noKey.code, 1);
  assert.match(noKey.err, /secret\.yaml: the file is SOPS-encrypted and no age key is configured/);

  const d1 = await cli(['diff', ...base, ...key]);
  assert.equal(d1.code, 1, d1.err);
  assert.match(d1.out, /Secret\..*regex/);
  assert.doesNotMatch(d1.out + d1.err, CANARY);

  const s1 = await cli(['sync', ...base, ...key, '--sync-option', 'CreateNamespace=true']);
  assert.equal(s1.code, 0, s1.out + s1.err);
  assert.doesNotMatch(s1.out + s1.err, CANARY);
  assert.equal(await password(), 'canary-regex-aa10');
  assert.equal((await cli(['diff', ...base, ...key])).code, 0);

  await copyFile(join(F, 'enc/regex-rotated.yaml'), join(root, 'secret.yaml'));
  const d2 = await cli(['diff', ...base, ...key]);
  assert.equal(d2.code, 1, d2.err);
  assert.match(d2.out, /password/);
  assert.doesNotMatch(d2.out + d2.err, CANARY);

  const wrong = await cli(['sync', ...base, '--sops-age-key-file', join(F, 'keys/wrong.agekey')]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /secret\.yaml: none of the age identities/);
  assert.doesNotMatch(wrong.out + wrong.err, CANARY);
  assert.equal(await password(), 'canary-regex-aa10', 'a failed render applies nothing');

  const s2 = await cli(['sync', ...base, ...key]);
  assert.equal(s2.code, 0, s2.out + s2.err);
  assert.equal(await password(), 'canary-rotated-5c5c');
  assert.ok(
    readFileSync(join(root, 'secret.yaml'), 'utf8').includes('ENC[AES256_GCM'),
    'the file stays encrypted',
  );
});
