import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { isClusterSecret, parseClusterSecret } from './secret.js';

const TOKEN = 'sekret-token-value';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (data: Record<string, string>, labels: Record<string, string> = {}): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'east', namespace: 'trueup-system', labels },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  }) as KubeObject;
const base = { name: 'east', server: 'https://east.example:6443/' };

test('isClusterSecret: either label, value cluster', () => {
  assert.equal(isClusterSecret(secret({}, { 'argocd.argoproj.io/secret-type': 'cluster' })), true);
  assert.equal(isClusterSecret(secret({}, { 'trueup.dev/secret-type': 'cluster' })), true);
  assert.equal(isClusterSecret(secret({}, { 'argocd.argoproj.io/secret-type': 'repository' })), false);
  assert.equal(isClusterSecret(secret({})), false);
});

test('parseClusterSecret: accepted Secrets', () => {
  const cases: [string, Record<string, string>, object][] = [
    ['no config', base, { insecure: false }],
    [
      'bearer token and CA',
      { ...base, config: JSON.stringify({ bearerToken: TOKEN, tlsClientConfig: { caData: 'Q0E=' } }) },
      { bearerToken: TOKEN, caData: 'Q0E=', insecure: false },
    ],
    [
      'client certificate, server name, insecure',
      {
        ...base,
        config: JSON.stringify({
          tlsClientConfig: { certData: 'Yw==', keyData: 'aw==', serverName: 'api', insecure: true },
        }),
      },
      { certData: 'Yw==', keyData: 'aw==', serverName: 'api', insecure: true },
    ],
    [
      'basic auth, clusterResources true',
      { ...base, clusterResources: 'true', config: JSON.stringify({ username: 'u', password: 'p' }) },
      { username: 'u', password: 'p', insecure: false },
    ],
  ];
  for (const [what, data, credentials] of cases) {
    const r = parseClusterSecret(secret(data));
    assert.ok(r.ok, `${what}: ${r.ok ? '' : r.message}`);
    assert.equal(r.entry.server, 'https://east.example:6443', what);
    assert.equal(r.entry.name, 'east', what);
    assert.equal(r.entry.secret, 'Secret trueup-system/east', what);
    assert.deepEqual(r.entry.credentials, credentials, what);
  }
});

test('parseClusterSecret: refusals name the Secret and the key, never a credential', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ name: 'east' }, /server is missing/],
    [{ server: 'https://x' }, /name is missing/],
    [{ ...base, server: 'east.example' }, /server east\.example is not an http\(s\) URL/],
    [{ ...base, server: 'https://kubernetes.default.svc' }, /the controller's own cluster/],
    [{ ...base, name: 'in-cluster' }, /the controller's own cluster/],
    [{ ...base, namespaces: 'a,b' }, /namespaces .* is not supported/],
    [{ ...base, clusterResources: 'false' }, /clusterResources "false"/],
    [{ ...base, project: 'team' }, /project .* is not supported/],
    [{ ...base, shard: '1' }, /shard is not supported/],
    [{ ...base, extra: 'x' }, /key extra is not a cluster Secret key/],
    [{ ...base, config: `{"bearerToken": "${TOKEN}"` }, /config is not valid JSON/],
    [{ ...base, config: '[1]' }, /config must be a JSON object/],
    [
      { ...base, config: JSON.stringify({ execProviderConfig: { command: TOKEN } }) },
      /config\.execProviderConfig is not supported/,
    ],
    [{ ...base, config: JSON.stringify({ bearerToken: 5 }) }, /config\.bearerToken must be a string/],
    [{ ...base, config: JSON.stringify({ username: TOKEN }) }, /username and password go together/],
    [
      { ...base, config: JSON.stringify({ bearerToken: TOKEN, username: 'u', password: TOKEN }) },
      /bearerToken and username\/password are both set/,
    ],
    [
      { ...base, config: JSON.stringify({ tlsClientConfig: { insecure: 'yes' } }) },
      /insecure must be a boolean/,
    ],
    [
      { ...base, config: JSON.stringify({ tlsClientConfig: { certData: TOKEN } }) },
      /certData and keyData go together/,
    ],
    [
      { ...base, config: JSON.stringify({ tlsClientConfig: { proxy: TOKEN } }) },
      /tlsClientConfig\.proxy is not supported/,
    ],
  ];
  for (const [data, expected] of cases) {
    const r = parseClusterSecret(secret(data));
    assert.equal(r.ok, false, JSON.stringify(data));
    if (r.ok) continue;
    assert.match(r.message, /^cluster Secret trueup-system\/east: /);
    assert.match(r.message, expected);
    assert.doesNotMatch(r.message, new RegExp(TOKEN));
  }
});
