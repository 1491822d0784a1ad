import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MemoryTree } from '../../test/support/memory-tree.js';
import type { KubeObject } from '../api/object.js';
import { DiskTree } from '../render/disk-tree.js';
import { type FileTree, renderTree } from '../render/index.js';
import { AgeIdentities } from './age.js';
import { EncryptedValues } from './encrypted-values.js';
import { describePlainSecrets, findPlainSecrets, type PlainSecret } from './plain-secrets.js';
import { DecryptingTree } from './tree.js';

// Fixtures encrypted by the real sops (scripts/gen-sops-fixtures.sh); plain/ holds their plaintexts.
const F = join(import.meta.dirname, '../../test/fixtures/sops');
const A = AgeIdentities.parse(readFileSync(join(F, 'keys', 'a.agekey'), 'utf8'), 'a.agekey');
const enc = (f: string) => readFileSync(join(F, 'enc', f), 'utf8');
const plain = (f: string) => readFileSync(join(F, 'plain', f), 'utf8');

async function classify(inner: FileTree, plainDirectories = false) {
  const tree = new DecryptingTree(inner, A);
  const origins = new Map<KubeObject, string>();
  const objects = await renderTree(tree, '.', { origins, plainDirectories });
  return { objects, found: findPlainSecrets(objects, tree.encrypted, (o) => origins.get(o)) };
}

const secret = (name: string, body: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${body}`;

describe('findPlainSecrets: which rendered Secrets hold data that was in cleartext in Git', () => {
  it('the sops fixture tree (encrypted resources, patch, dotenv/JSON/binary generator sources): none', async () => {
    const { objects, found } = await classify(new DiskTree(F));
    assert.deepEqual(found, []);
    // not vacuous: it holds Secrets with data, from files and from the generator
    const secrets = objects.filter((o) => o.kind === 'Secret');
    assert.ok(secrets.length >= 4, `${secrets.length} Secrets`);
    assert.ok(secrets.some((o) => o.metadata.name?.startsWith('generated-')));
  });

  const cases: [string, Record<string, string>, PlainSecret[]][] = [
    [
      'a Secret file without SOPS metadata',
      { 'kustomization.yaml': 'resources: [s.yaml]\n', 's.yaml': plain('secret.yaml') },
      [
        {
          namespace: 'app',
          name: 'db',
          from: 's.yaml',
          keys: [
            'username',
            'password',
            'port',
            'ratio',
            'enabled',
            'disabled',
            'quoted_number',
            'unicode',
            'multiline',
            'list',
          ],
        },
      ],
    ],
    [
      'the same Secret encrypted',
      { 'kustomization.yaml': 'resources: [s.yaml]\n', 's.yaml': enc('secret.yaml') },
      [],
    ],
    [
      'a secretGenerator literal',
      {
        'kustomization.yaml':
          'secretGenerator:\n  - name: g\n    literals: [token=hunter2]\n    envs: [app.env]\n',
        'app.env': enc('app.env'),
      },
      [{ namespace: '', name: 'g', from: 'secretGenerator in kustomization.yaml', keys: ['token'] }],
    ],
    [
      'a secretGenerator over a plain dotenv file',
      {
        'kustomization.yaml': 'secretGenerator:\n  - name: g\n    envs: [app.env]\n',
        'app.env': plain('app.env'),
      },
      [
        {
          namespace: '',
          name: 'g',
          from: 'secretGenerator in kustomization.yaml',
          keys: ['DB_USER', 'DB_PASSWORD', 'MULTI'],
        },
      ],
    ],
    [
      'a secretGenerator over encrypted dotenv, JSON and binary files',
      {
        'kustomization.yaml':
          'secretGenerator:\n  - name: g\n    envs: [app.env]\n    files: [config.json, blob=blob.bin]\n',
        'app.env': enc('app.env'),
        'config.json': enc('config.json'),
        'blob.bin': enc('blob.bin'),
      },
      [],
    ],
    [
      'a secretGenerator embedding encrypted YAML and dotenv files whole',
      {
        'kustomization.yaml': 'secretGenerator:\n  - name: g\n    files: [s.yaml, app.env]\n',
        's.yaml': enc('secret.yaml'),
        'app.env': enc('app.env'),
      },
      [],
    ],
    [
      'a secretGenerator with one plain file beside encrypted ones',
      {
        'kustomization.yaml': 'secretGenerator:\n  - name: g\n    envs: [app.env]\n    files: [cert.pem]\n',
        'app.env': enc('app.env'),
        'cert.pem': 'not encrypted\n',
      },
      [{ namespace: '', name: 'g', from: 'secretGenerator in kustomization.yaml', keys: ['cert.pem'] }],
    ],
    [
      'an encrypted Secret and a plain patch adding a value',
      {
        'kustomization.yaml': 'resources: [s.yaml]\npatches:\n  - path: p.yaml\n',
        's.yaml': enc('secret.yaml'),
        'p.yaml':
          'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: app\nstringData:\n  api: plain-value\n',
      },
      [{ namespace: 'app', name: 'db', from: 's.yaml', keys: ['api'] }],
    ],
    [
      'an encrypted Secret and an encrypted patch',
      {
        'kustomization.yaml': 'resources: [s.yaml]\npatches:\n  - path: p.yaml\n',
        's.yaml': enc('secret.yaml'),
        'p.yaml': enc('patch.yaml'),
      },
      [],
    ],
    [
      'encrypted_suffix: the keys SOPS left in cleartext',
      { 'kustomization.yaml': 'resources: [s.yaml]\n', 's.yaml': enc('suffix.yaml') },
      [{ namespace: '', name: 'suffix', from: 's.yaml', keys: ['plain', 'user_unencrypted'] }],
    ],
    [
      'encrypted_regex over data and stringData, and mac_only_encrypted',
      {
        'kustomization.yaml': 'resources: [r.yaml, m.yaml]\n',
        'r.yaml': enc('regex.yaml'),
        'm.yaml': enc('maconly.yaml'),
      },
      [],
    ],
    [
      'Secrets without data: none, empty values, a service-account token',
      {
        'kustomization.yaml': 'resources: [s.yaml]\n',
        's.yaml': [
          secret('none', ''),
          secret('empty', 'data:\n  a: ""\nstringData:\n  b: ""\n  c: null\n'),
          'apiVersion: v1\nkind: Secret\ntype: kubernetes.io/service-account-token\nmetadata:\n  name: sa\n  annotations:\n    kubernetes.io/service-account.name: web\n',
        ].join('---\n'),
      },
      [],
    ],
    [
      'a ConfigMap in cleartext is not a Secret',
      { 'kustomization.yaml': 'configMapGenerator:\n  - name: c\n    literals: [a=b]\n' },
      [],
    ],
  ];
  for (const [name, files, expected] of cases)
    it(name, async () => {
      const { found } = await classify(new MemoryTree(files));
      // generated names carry a content hash: compared without it
      const unhashed = found.map((s) => ({ ...s, name: s.name.replace(/^g-[a-z0-9]{10}$/, 'g') }));
      assert.deepEqual(unhashed, expected);
    });

  it('a plain directory source names the file', async () => {
    const { found } = await classify(new MemoryTree({ 'a/s.yaml': plain('regex.yaml') }), true);
    assert.deepEqual(found, [
      { namespace: '', name: 'regex', from: 'a/s.yaml', keys: ['other', 'password', 'count'] },
    ]);
  });

  it('a chart-style Secret: a value from an encrypted values file is not plain, a default is', () => {
    const seen = new EncryptedValues();
    const utf8 = new TextEncoder();
    seen.addValue(utf8.encode('s3cret'), 's3cret');
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'chart', namespace: 'web' },
      data: {
        password: Buffer.from('s3cret').toString('base64'),
        user: Buffer.from('admin').toString('base64'),
      },
      stringData: { again: 's3cret' },
    };
    const found = findPlainSecrets([obj], seen, () => 'chart web: web/templates/secret.yaml');
    assert.deepEqual(found, [
      { namespace: 'web', name: 'chart', from: 'chart web: web/templates/secret.yaml', keys: ['user'] },
    ]);
  });

  it('messages name Secrets, files and keys, at most five, and no value', () => {
    const list = Array.from({ length: 7 }, (_, i) => ({
      namespace: 'n',
      name: `s${i}`,
      from: 'f.yaml',
      keys: ['k'],
    }));
    const text = describePlainSecrets(list);
    assert.equal((text.match(/Secret n\//g) ?? []).length, 5);
    assert.match(text, /^Secret n\/s0 \(from f\.yaml; key k\), .* and 2 more$/);
  });
});
