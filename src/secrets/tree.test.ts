import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MemoryTree } from '../../test/support/memory-tree.js';
import { isTrueupError } from '../api/errors.js';
import { DiskTree } from '../render/disk-tree.js';
import { renderTree } from '../render/index.js';
import { emitYamlDocuments } from '../render/yaml/emit.js';
import { parseYamlDocuments } from '../render/yaml/parse.js';
import { AgeIdentities } from './age.js';
import { SecretsErrorCode } from './errors.js';
import { DecryptingTree } from './tree.js';

// test/fixtures/sops/kustomization.yaml: encrypted resources, patch and generator sources;
// kustomize.expected.yaml is kubectl kustomize over the decrypted twin (gen-sops-fixtures.sh).
const F = join(import.meta.dirname, '../../test/fixtures/sops');
const key = (n: string) => AgeIdentities.parse(readFileSync(join(F, 'keys', `${n}.agekey`), 'utf8'), n);
const A = key('a');

async function renderError(tree: DecryptingTree) {
  try {
    await renderTree(tree, '.');
  } catch (err) {
    assert.ok(isTrueupError(err));
    assert.doesNotMatch(err.message, /canary-/);
    return err;
  }
  assert.fail('the render succeeded');
}

describe('DecryptingTree under the Kustomize renderer', () => {
  it('renders resources, a patch and generator envs/files from encrypted files as kubectl kustomize renders their decrypted twins', async () => {
    const objects = await renderTree(new DecryptingTree(new DiskTree(F), A), '.');
    assert.equal(emitYamlDocuments(objects), readFileSync(join(F, 'kustomize.expected.yaml'), 'utf8'));
  });
  it('fails naming the first encrypted file when no key is configured', async () => {
    const err = await renderError(new DecryptingTree(new DiskTree(F), AgeIdentities.none));
    assert.equal(err.code, SecretsErrorCode.NoKeyConfigured);
    assert.match(err.message, /^enc\/secret\.yaml: /);
  });
  it('fails with a key that opens none of the files', async () => {
    const err = await renderError(new DecryptingTree(new DiskTree(F), key('wrong')));
    assert.equal(err.code, SecretsErrorCode.NoMatchingKey);
  });
  it('fails the whole render when one file does not verify (a generator source here)', async () => {
    const files: Record<string, string> = {
      'kustomization.yaml': 'resources: [ok.yaml]\nsecretGenerator:\n  - name: g\n    envs: [bad.env]\n',
      'ok.yaml': readFileSync(join(F, 'enc/regex.yaml'), 'utf8'),
      'bad.env': readFileSync(join(F, 'enc/app.env'), 'utf8').replace('DB_USER=', 'DB_USERNAME='),
    };
    const err = await renderError(new DecryptingTree(new MemoryTree(files), A));
    assert.match(err.message, /^bad\.env: /);
    assert.ok(err.code === SecretsErrorCode.Malformed || err.code === SecretsErrorCode.MacMismatch, err.code);
  });
  it('a generator embeds encrypted YAML and dotenv `files:` decrypted (dotenv byte-identical to sops decrypt)', async () => {
    const tree = new MemoryTree({
      'kustomization.yaml': 'secretGenerator:\n  - name: g\n    files: [secret.yaml, app.env]\n',
      'secret.yaml': readFileSync(join(F, 'enc/secret.yaml'), 'utf8'),
      'app.env': readFileSync(join(F, 'enc/app.env'), 'utf8'),
    });
    const [g] = await renderTree(new DecryptingTree(tree, A), '.');
    const data = g?.data as Record<string, string>;
    const text = (k: string) => Buffer.from(data[k] ?? '', 'base64').toString();
    assert.equal(text('app.env'), readFileSync(join(F, 'expected/app.env'), 'utf8'));
    // YAML is printed as kubectl kustomize prints it (not sops's layout): the same documents
    assert.deepEqual(
      parseYamlDocuments(text('secret.yaml'), 'secret.yaml'),
      parseYamlDocuments(readFileSync(join(F, 'expected/secret.yaml'), 'utf8'), 'expected'),
    );
    assert.doesNotMatch(text('secret.yaml'), /ENC\[|sops:/);
  });

  it('passes files without SOPS metadata through unchanged (same bytes)', async () => {
    const tree = new DiskTree(join(F, 'plain'));
    const wrapped = new DecryptingTree(tree, AgeIdentities.none);
    for (const f of ['secret.yaml', 'app.env', 'blob.bin'])
      assert.deepEqual(Buffer.from(await wrapped.readFile(f)), Buffer.from(await tree.readFile(f)), f);
  });
});
