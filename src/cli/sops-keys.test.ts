import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from './main.js';

// trueup render over test/fixtures/sops (encrypted resources, patch, generator sources).
const F = join(import.meta.dirname, '../../test/fixtures/sops');
const expected = readFileSync(join(F, 'kustomize.expected.yaml'), 'utf8');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

const noKeys = { SOPS_AGE_KEY_FILE: undefined, SOPS_AGE_KEY: undefined };

test('render --sops-age-key-file decrypts SOPS files as they are read', async () => {
  const c = capture();
  const code = await withEnv(noKeys, () =>
    main(['render', '--root', F, F, '--sops-age-key-file', join(F, 'keys/a.agekey')], c.io),
  );
  assert.equal(c.err.join(''), '');
  assert.equal(code, 0);
  assert.equal(c.out.join(''), expected);
});

test('render reads SOPS_AGE_KEY_FILE, and SOPS_AGE_KEY, as the sops CLI does', async () => {
  for (const env of [
    { SOPS_AGE_KEY_FILE: join(F, 'keys/a.agekey'), SOPS_AGE_KEY: undefined },
    { SOPS_AGE_KEY_FILE: undefined, SOPS_AGE_KEY: readFileSync(join(F, 'keys/a.agekey'), 'utf8') },
  ]) {
    const c = capture();
    assert.equal(await withEnv(env, () => main(['render', '--root', F, F], c.io)), 0, c.err.join(''));
    assert.equal(c.out.join(''), expected);
  }
});

test('render of an encrypted tree without keys fails naming the file; nothing on stdout', async () => {
  const c = capture();
  assert.equal(await withEnv(noKeys, () => main(['render', '--root', F, F], c.io)), 1);
  assert.equal(c.out.join(''), '');
  assert.match(
    c.err.join(''),
    /enc\/secret\.yaml: the file is SOPS-encrypted and no age key is configured.*SOPS_NO_KEY_CONFIGURED/,
  );
  assert.doesNotMatch(c.err.join(''), /canary-/);
});

test('a key file that is missing or holds no identity is refused, quoting none of it', async () => {
  const missing = capture();
  assert.equal(
    await withEnv(noKeys, () => main(['render', F, '--sops-age-key-file', join(F, 'nope')], missing.io)),
    1,
  );
  assert.match(missing.err.join(''), /--sops-age-key-file .*nope: cannot read the age key file/);
  const wrong = capture();
  const notAKey = join(F, 'plain/app.env');
  assert.equal(await withEnv(noKeys, () => main(['render', F, '--sops-age-key-file', notAKey], wrong.io)), 1);
  assert.match(wrong.err.join(''), /app\.env: line 1 is not an age identity.*SOPS_INVALID_IDENTITY/);
  assert.doesNotMatch(wrong.err.join(''), /canary-|DB_USER/);
});

test('--sops-age-key-file with a Helm chart is refused, not ignored', async () => {
  const chart = mkdtempSync(join(tmpdir(), 'trueup-sops-chart-'));
  try {
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
    const c = capture();
    assert.equal(await main(['render', chart, '--sops-age-key-file', join(F, 'keys/a.agekey')], c.io), 1);
    assert.match(c.err.join(''), /render: --sops-age-key-file do not apply to a Helm chart/);
  } finally {
    rmSync(chart, { recursive: true, force: true });
  }
});
