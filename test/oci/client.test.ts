/**
 * The OCI client against the real `distribution` registry (bearer-token auth through the test
 * token server), and against a small HTTP server for what that registry does not do (Basic
 * challenges, 429/503, redirects to another host, oversized answers).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { isTrueupError } from '../../src/api/errors.js';
import { OciClient } from '../../src/oci/client.js';
import type { OciError } from '../../src/oci/errors.js';
import { freePort } from '../control-plane/processes.js';
import {
  HELM_CHART_MEDIA_TYPE,
  type LocalRegistry,
  OCI_MANIFEST_MEDIA_TYPE,
  sha256Digest,
  startRegistry,
} from '../registry/registry.js';

let registry: LocalRegistry;
const alice = { username: 'alice', password: 's3cret' };
before(async () => {
  registry = await startRegistry({ users: { alice: alice.password } });
});
after(() => registry?.stop());

const rejectsWith = (code: string, text?: string) => (e: unknown) =>
  isTrueupError(e) && e.code === code && (text === undefined || e.message.includes(text));

test('manifest by tag, blob verified by digest, tags over Link pages; one token per scope', async () => {
  const tgz = Buffer.from('chart bytes');
  for (const tag of ['0.1.0', '0.2.0', '1.0.0', '1.1.0', '2.0.0-rc.1'])
    await registry.pushChart('charts/web', tag, { apiVersion: 'v2', name: 'web', version: tag }, tgz);
  const client = new OciClient();
  const repo = { registry: registry.host, repository: 'charts/web' };
  const tokensBefore = registry.tokenRequests.length;

  const manifest = await client.manifest(repo, '1.0.0', [OCI_MANIFEST_MEDIA_TYPE], { credentials: alice });
  assert.equal(manifest.mediaType, OCI_MANIFEST_MEDIA_TYPE);
  const layer = (manifest.json as { layers: { mediaType: string; digest: string }[] }).layers[0];
  assert.equal(layer?.mediaType, HELM_CHART_MEDIA_TYPE);
  assert.equal(layer?.digest, sha256Digest(tgz));
  const bytes = await client.blob(repo, layer?.digest ?? '', { credentials: alice });
  assert.equal(Buffer.from(bytes).toString(), 'chart bytes');
  assert.deepEqual((await client.tags(repo, { credentials: alice, pageSize: 2 })).sort(), [
    '0.1.0',
    '0.2.0',
    '1.0.0',
    '1.1.0',
    '2.0.0-rc.1',
  ]);
  // Same manifest again by digest: verified against the digest asked for.
  assert.equal(
    (await client.manifest(repo, manifest.digest, [OCI_MANIFEST_MEDIA_TYPE], { credentials: alice })).digest,
    manifest.digest,
  );
  // One token for the repository's pull scope, reused by the blob, the three tag pages and the manifest.
  assert.equal(registry.tokenRequests.length - tokensBefore, 1);
  assert.equal(client.counters.tokens, 1);

  await assert.rejects(
    client.blob(repo, layer?.digest ?? '', { credentials: alice, maxBytes: 4 }),
    rejectsWith('OciTooLarge'),
  );
  await assert.rejects(
    client.manifest(repo, '9.9.9', [OCI_MANIFEST_MEDIA_TYPE], { credentials: alice }),
    rejectsWith('OciNotFound', `manifest 9.9.9 of oci://${registry.host}/charts/web: 404`),
  );
});

test('wrong or missing credentials: OciAuthFailed naming the repository, never the password', async () => {
  const repo = { registry: registry.host, repository: 'charts/web' };
  const wrong = { username: 'alice', password: 'wrong-password-xyz' };
  await assert.rejects(
    new OciClient().manifest(repo, '1.0.0', [OCI_MANIFEST_MEDIA_TYPE], { credentials: wrong }),
    (e: unknown) =>
      rejectsWith('OciAuthFailed', 'the credentials were refused')(e) &&
      (e as Error).message.includes('charts/web') &&
      !(e as Error).message.includes('wrong-password-xyz'),
  );
  await assert.rejects(new OciClient().tags(repo), rejectsWith('OciAuthFailed', 'anonymous access refused'));
});

/** A registry double for what distribution does not do; `handle` answers each request. */
async function fakeRegistry(
  handle: (
    req: IncomingMessage,
    base: string,
  ) => { status: number; headers?: Record<string, string>; body?: string },
): Promise<{ host: string; server: Server; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out = handle(req, base);
    res.writeHead(out.status, out.headers ?? {});
    res.end(out.body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

test('Basic challenges, 429/503 with Retry-After, redirects that drop credentials, oversized manifests', async (t) => {
  const blob = Buffer.from('blob');
  const digest = sha256Digest(blob);
  const storage = await fakeRegistry(() => ({ status: 200, body: 'blob' }));
  t.after(() => storage.server.close());
  const fake = await fakeRegistry((req) => {
    if (!req.headers.authorization)
      return { status: 401, headers: { 'www-authenticate': 'Basic realm="fake"' } };
    if (req.url?.includes('/busy/')) return { status: 429, headers: { 'retry-after': '7' } };
    if (req.url?.includes('/down/')) return { status: 503 };
    if (req.url?.includes('/big/'))
      return {
        status: 200,
        headers: { 'content-length': String(5 * 1024 * 1024) },
        body: 'x'.repeat(5 * 1024 * 1024),
      };
    if (req.url?.includes('/blobs/'))
      return { status: 307, headers: { location: `http://${storage.host}/signed/blob` } };
    return { status: 200, headers: { 'content-type': OCI_MANIFEST_MEDIA_TYPE }, body: '{"schemaVersion":2}' };
  });
  t.after(() => fake.server.close());
  const client = new OciClient();
  const creds = { credentials: { username: 'u', password: 'p' } };
  const at = (repository: string) => ({ registry: fake.host, repository });

  const m = await client.manifest(at('ok/x'), 'v1', [OCI_MANIFEST_MEDIA_TYPE], creds);
  assert.equal(
    m.mediaType,
    OCI_MANIFEST_MEDIA_TYPE,
    'the media type from Content-Type when the body has none',
  );
  assert.equal(fake.seen.at(-1)?.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
  await assert.rejects(
    client.manifest(at('anon/x'), 'v1', [OCI_MANIFEST_MEDIA_TYPE]),
    rejectsWith('OciAuthFailed'),
  );

  await assert.rejects(
    client.manifest(at('busy/x'), 'v1', [], creds),
    (e: unknown) =>
      rejectsWith('OciRateLimited')(e) &&
      (e as OciError).retry === 'transient' &&
      (e as OciError).retryAfterMs === 7000,
  );
  await assert.rejects(
    client.manifest(at('down/x'), 'v1', [], creds),
    (e: unknown) => rejectsWith('OciServerError', 'HTTP 503')(e) && (e as OciError).retry === 'transient',
  );
  await assert.rejects(
    client.manifest(at('big/x'), 'v1', [], creds),
    rejectsWith('OciTooLarge', 'over the budget of 4194304'),
  );

  assert.equal(Buffer.from(await client.blob(at('ok/x'), digest, creds)).toString(), 'blob');
  assert.equal(
    storage.seen.at(-1)?.headers.authorization,
    undefined,
    'no credentials sent to the storage host',
  );
  await assert.rejects(
    client.blob(at('ok/x'), `sha256:${'0'.repeat(64)}`, creds),
    rejectsWith('OciDigestMismatch'),
  );

  await assert.rejects(
    new OciClient().tags({ registry: `127.0.0.1:${await freePort()}`, repository: 'x' }),
    rejectsWith('OciNetworkError', 'ECONNREFUSED'),
  );
});
