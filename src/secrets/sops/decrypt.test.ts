import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTrueupError } from '../../api/errors.js';
import { parseYamlDocuments } from '../../render/yaml/parse.js';
import { AgeIdentities } from '../age.js';
import { SecretsErrorCode } from '../errors.js';
import { decryptSopsFile } from './decrypt.js';
import { goFloatText } from './values.js';

// Fixtures encrypted by the real sops CLI (scripts/gen-sops-fixtures.sh); expected/ is what
// `sops decrypt` printed for each.
const F = join(import.meta.dirname, '../../../test/fixtures/sops');
const key = (name: string) =>
  AgeIdentities.parse(readFileSync(join(F, 'keys', `${name}.agekey`), 'utf8'), `keys/${name}.agekey`);
const A = key('a');
const CANARY = /canary-|grüße/;

/** The cached reference sops, when test/sops/build.sh has built it on this machine. */
function cachedSops(): string | undefined {
  try {
    const dir = execFileSync('bash', [join(F, '../../sops/build.sh'), '--key'], { encoding: 'utf8' }).trim();
    const bin = join(dir, 'sops');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

function sameContent(file: string, ours: Uint8Array, theirs: Uint8Array): void {
  if (file.endsWith('.yaml')) {
    const parse = (b: Uint8Array) => parseYamlDocuments(Buffer.from(b).toString('utf8'), file);
    assert.deepEqual(parse(ours), parse(theirs), file);
  } else if (file.endsWith('.json')) {
    assert.deepEqual(
      JSON.parse(Buffer.from(ours).toString()),
      JSON.parse(Buffer.from(theirs).toString()),
      file,
    );
  } else {
    assert.deepEqual(Buffer.from(ours), Buffer.from(theirs), file); // dotenv, binary: byte for byte
  }
}

async function failure(file: string, bytes: Uint8Array, keys: AgeIdentities) {
  try {
    await decryptSopsFile(file, bytes, keys);
  } catch (err) {
    assert.ok(isTrueupError(err), String(err));
    assert.match(err.message, new RegExp(`^${file.replace('.', '\\.')}: `), 'the message names the file');
    assert.doesNotMatch(err.message, CANARY, 'no plaintext in the message');
    assert.doesNotMatch(err.message, /ENC\[|AGE-SECRET-KEY/, 'no ciphertext or key in the message');
    return err;
  }
  assert.fail(`${file} decrypted`);
}

describe('decryptSopsFile against sops decrypt', () => {
  const files = readdirSync(join(F, 'enc'));
  it('covers every format and option', () => {
    for (const f of [
      'secret.yaml',
      'multi.yaml',
      'config.json',
      'app.env',
      'blob.bin',
      'regex.yaml',
      'maconly.yaml',
      'suffix.yaml',
      'two-recipients.yaml',
    ])
      assert.ok(files.includes(f), f);
  });
  for (const f of files) {
    it(`${f}: the same content as sops decrypt`, async () => {
      const ours = await decryptSopsFile(
        f,
        readFileSync(join(F, 'enc', f)),
        f === 'two-recipients.yaml' ? key('b') : A,
      );
      assert.ok(ours, 'detected as SOPS');
      sameContent(f, ours, readFileSync(join(F, 'expected', f)));
    });
  }
  it('matches the cached sops binary run now (skipped when it is not built)', async (t) => {
    const sops = cachedSops();
    if (!sops) return t.skip('test/sops/build.sh has not built sops on this machine');
    for (const f of ['secret.yaml', 'app.env', 'config.json', 'maconly.yaml']) {
      const theirs = execFileSync(sops, ['decrypt', join(F, 'enc', f)], {
        env: { SOPS_AGE_KEY_FILE: join(F, 'keys/a.agekey'), PATH: process.env.PATH ?? '' },
      });
      sameContent(f, (await decryptSopsFile(f, readFileSync(join(F, 'enc', f)), A)) as Uint8Array, theirs);
    }
  });
  it('keeps types: ints, floats, booleans, empty strings, null, quoted numbers, unicode, multi-line', async () => {
    const out = await decryptSopsFile('secret.yaml', readFileSync(join(F, 'enc/secret.yaml')), A);
    const [doc] = parseYamlDocuments(Buffer.from(out as Uint8Array).toString(), 'x') as [
      Record<string, Record<string, unknown>>,
    ];
    assert.deepEqual(doc.stringData, {
      username: 'admin',
      password: 'canary-yaml-4f2a',
      port: 5432,
      ratio: 1.5,
      enabled: true,
      disabled: false,
      empty: '',
      nothing: null,
      quoted_number: '0123',
      unicode: 'grüße, 日本語 🔑',
      multiline: 'line one canary-multi-7c1d\nline two\n',
      list: ['a', 2, true],
    });
    assert.equal(doc.sops, undefined, 'the metadata is gone');
  });
  it('is undefined for files without SOPS metadata', async () => {
    for (const f of readdirSync(join(F, 'plain')))
      assert.equal(await decryptSopsFile(f, readFileSync(join(F, 'plain', f)), A), undefined, f);
    const mention = 'data:\n  note: "ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]"\n';
    assert.equal(await decryptSopsFile('m.yaml', Buffer.from(mention), A), undefined);
  });
});

describe('decryptSopsFile failures name the file and quote nothing', () => {
  const bad = (f: string) => readFileSync(join(F, 'bad', f));
  const cases: [string, Uint8Array, AgeIdentities, string][] = [
    ['tampered-value.yaml', bad('tampered-value.yaml'), A, SecretsErrorCode.Malformed],
    ['tampered-mac.yaml', bad('tampered-mac.yaml'), A, SecretsErrorCode.MacMismatch],
    ['garbage-enc.yaml', bad('garbage-enc.yaml'), A, SecretsErrorCode.Malformed],
    ['pgp-only.yaml', bad('pgp-only.yaml'), A, SecretsErrorCode.Unsupported],
    [
      'numeric-keys.yaml',
      readFileSync(join(F, 'unsupported/numeric-keys.yaml')),
      A,
      SecretsErrorCode.Unsupported,
    ],
    ['secret.yaml', readFileSync(join(F, 'enc/secret.yaml')), key('wrong'), SecretsErrorCode.NoMatchingKey],
    [
      'secret.yaml',
      readFileSync(join(F, 'enc/secret.yaml')),
      AgeIdentities.none,
      SecretsErrorCode.NoKeyConfigured,
    ],
    ['app.env', readFileSync(join(F, 'enc/app.env')), key('wrong'), SecretsErrorCode.NoMatchingKey],
  ];
  for (const [file, bytes, keys, code] of cases)
    it(`${file} (${code})`, async () => {
      const err = await failure(file, bytes, keys);
      assert.equal(err.code, code);
    });
  it('a tampered MAC ENC itself fails the MAC check', async () => {
    const text = readFileSync(join(F, 'enc/regex.yaml'), 'utf8').replace(
      /mac: ENC\[AES256_GCM,data:./,
      'mac: ENC[AES256_GCM,data:A',
    );
    const err = await failure('m.yaml', Buffer.from(text), A);
    assert.equal(err.code, SecretsErrorCode.MacMismatch);
  });
  it('a value moved to another key does not open (the path is its additional data)', async () => {
    const text = readFileSync(join(F, 'enc/secret.yaml'), 'utf8');
    const user = /username: (ENC\[[^\n]*)/.exec(text)?.[1] as string;
    const pass = /password: (ENC\[[^\n]*)/.exec(text)?.[1] as string;
    const swapped = text.replace(user, 'U').replace(pass, user).replace('username: U', `username: ${pass}`);
    const err = await failure('s.yaml', Buffer.from(swapped), A);
    assert.equal(err.code, SecretsErrorCode.Malformed);
  });
});

describe('age identities', () => {
  it('refuses a line that is not an identity without quoting it', () => {
    assert.throws(
      () => AgeIdentities.parse('# c\nAGE-SECRET-KEY-1NOTVALIDcanary-x\n', 'k.agekey'),
      (err: Error) =>
        isTrueupError(err) &&
        err.code === SecretsErrorCode.InvalidIdentity &&
        !/canary/.test(err.message) &&
        /k\.agekey: line 2/.test(err.message),
    );
    assert.throws(() => AgeIdentities.parse('\n# only comments\n', 'e.agekey'), /e\.agekey: no age identity/);
  });
  it('serialises to a count, never the keys', () => {
    const ab = A.concat(key('b'));
    assert.equal(JSON.stringify({ ab }), '{"ab":"[2 age identities]"}');
  });
});

describe("goFloatText (Go strconv.FormatFloat(f, 'f', -1, 64))", () => {
  const table: [number, string][] = [
    [1.5, '1.5'],
    [2, '2'],
    [1e21, '1000000000000000000000'],
    [1.25e-7, '0.000000125'],
    [-3.5e22, '-35000000000000000000000'],
    [0.1, '0.1'],
    [123.456e25, '1234560000000000000000000000'],
  ];
  for (const [n, s] of table) it(`${n} → ${s}`, () => assert.equal(goFloatText(n), s));
});
