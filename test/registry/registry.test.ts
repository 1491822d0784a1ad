/**
 * The test registry itself: the real `distribution` registry behind a bearer-token challenge,
 * the token server granting only known accounts, and a pushed chart read back by digest.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type LocalRegistry, OCI_MANIFEST_MEDIA_TYPE, sha256Digest, startRegistry } from './registry.js';

let registry: LocalRegistry;
before(async () => {
  registry = await startRegistry({ users: { alice: 's3cret' } });
});
after(() => registry?.stop());

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function token(authorization?: string): Promise<Response> {
  const url = `${registry.realm}?service=trueup-test-registry&scope=repository:charts/demo:pull`;
  return fetch(url, authorization ? { headers: { authorization } } : {});
}

test('a pushed chart is served to a bearer token from the realm, and refused without one', async () => {
  const tgz = Buffer.from('not really a tarball');
  const pushed = await registry.pushChart(
    'charts/demo',
    '1.0.0',
    { apiVersion: 'v2', name: 'demo', version: '1.0.0' },
    tgz,
  );
  const manifestUrl = `${registry.url}/v2/charts/demo/manifests/1.0.0`;

  const challenge = await fetch(manifestUrl);
  assert.equal(challenge.status, 401);
  assert.equal(
    challenge.headers.get('www-authenticate'),
    `Bearer realm="${registry.realm}",service="trueup-test-registry",scope="repository:charts/demo:pull"`,
  );

  assert.equal((await token()).status, 401, 'anonymous pull is off by default');
  assert.equal((await token(basic('alice', 'wrong'))).status, 401);
  const granted = await token(basic('alice', 's3cret'));
  assert.equal(granted.status, 200);
  const { token: jwt } = (await granted.json()) as { token: string };

  const manifest = await fetch(manifestUrl, {
    headers: { authorization: `Bearer ${jwt}`, accept: OCI_MANIFEST_MEDIA_TYPE },
  });
  assert.equal(manifest.status, 200);
  assert.equal(manifest.headers.get('docker-content-digest'), pushed.manifestDigest);
  const layer = (JSON.parse(await manifest.text()) as { layers: { digest: string }[] }).layers[0];
  assert.equal(layer?.digest, sha256Digest(tgz));
  const blob = await fetch(`${registry.url}/v2/charts/demo/blobs/${layer?.digest}`, {
    headers: { authorization: `Bearer ${jwt}` },
  });
  assert.equal(Buffer.from(await blob.arrayBuffer()).toString(), 'not really a tarball');
  assert.deepEqual(
    registry.tokenRequests.map((r) => [r.account ?? '-', r.granted]),
    [
      ['-', false],
      ['alice', false],
      ['alice', true],
    ],
  );
});

test('htpasswd: a Basic challenge, the bcrypt account served, a wrong password refused; down and up keep the data', async () => {
  const basicRegistry = await startRegistry({ auth: 'htpasswd', users: { bob: 'b0b-pw' } });
  try {
    const pushed = await basicRegistry.push(
      'org/app',
      'v1',
      { mediaType: 'application/vnd.oci.image.config.v1+json', data: Buffer.from('{}') },
      [],
    );
    const manifestUrl = `${basicRegistry.url}/v2/org/app/manifests/v1`;
    const get = (authorization?: string) =>
      fetch(manifestUrl, {
        headers: { accept: OCI_MANIFEST_MEDIA_TYPE, ...(authorization ? { authorization } : {}) },
      });
    const challenge = await get();
    assert.equal(challenge.status, 401);
    assert.equal(challenge.headers.get('www-authenticate'), 'Basic realm="trueup-test-registry"');
    assert.equal((await get(basic('bob', 'wrong'))).status, 401);
    const ok = await get(basic('bob', 'b0b-pw'));
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('docker-content-digest'), pushed.manifestDigest);

    await basicRegistry.down();
    await assert.rejects(get(basic('bob', 'b0b-pw')));
    await basicRegistry.up();
    assert.equal((await get(basic('bob', 'b0b-pw'))).status, 200, 'the same data after up');
    assert.deepEqual(basicRegistry.tokenRequests, [], 'no token server in htpasswd mode');
  } finally {
    await basicRegistry.stop();
  }
});
