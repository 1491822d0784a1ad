import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrueupError } from '../api/errors.js';
import { credentialsFor, dockerConfigFromSecret, parseDockerConfig, registryKey } from './docker-config.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('docker config: auth, username/password, identity tokens, legacy map, host keys', () => {
  const text = JSON.stringify({
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hub:p:with:colons') },
      'ghcr.io': { username: 'gh', password: 'tok' },
      'HTTPS://Registry.Example:5000/v2/': { auth: b64('u:p') },
      'acr.example': { identitytoken: 'refresh' },
      'empty.example': {},
    },
  });
  assert.deepEqual(
    [...parseDockerConfig(text, 'Secret ns/pull')],
    [
      ['docker.io', { username: 'hub', password: 'p:with:colons' }],
      ['ghcr.io', { username: 'gh', password: 'tok' }],
      ['registry.example:5000', { username: 'u', password: 'p' }],
      ['acr.example', { username: '<token>', password: 'refresh' }],
    ],
  );
  // ~/.dockercfg: the map at the top level.
  assert.deepEqual(
    [...parseDockerConfig(JSON.stringify({ 'q.example': { auth: b64('a:b') } }), 'x')],
    [['q.example', { username: 'a', password: 'b' }]],
  );
  assert.equal(registryKey('registry-1.docker.io'), 'docker.io');
  const config = parseDockerConfig(text, 'x');
  assert.deepEqual(credentialsFor(config, 'registry-1.docker.io'), {
    username: 'hub',
    password: 'p:with:colons',
  });
  assert.deepEqual(credentialsFor(config, 'Registry.Example:5000'), { username: 'u', password: 'p' });
  assert.equal(credentialsFor(config, 'registry.example'), undefined, 'the port is part of the host');
});

test('docker config errors name the Secret, never a credential', () => {
  const table: [string, string][] = [
    ['{', 'Secret ns/pull: not valid JSON'],
    ['[]', 'Secret ns/pull: not a JSON object'],
    [
      JSON.stringify({ auths: { h: { auth: b64('nocolon-secret') } } }),
      'Secret ns/pull: h: auth is not base64',
    ],
  ];
  for (const [text, want] of table) {
    assert.throws(
      () => parseDockerConfig(text, 'Secret ns/pull'),
      (e: unknown) =>
        isTrueupError(e) &&
        e.code === 'OciInvalidDockerConfig' &&
        e.message.startsWith(want) &&
        !e.message.includes('secret-'),
      text,
    );
  }
  const secret = {
    metadata: { namespace: 'ns', name: 'pull' },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { h: { username: 'u', password: 'p' } } })) },
  };
  assert.deepEqual([...dockerConfigFromSecret(secret)], [['h', { username: 'u', password: 'p' }]]);
  assert.throws(
    () => dockerConfigFromSecret({ metadata: { namespace: 'ns', name: 'x' }, data: {} }),
    /Secret ns\/x: has no/,
  );
});
