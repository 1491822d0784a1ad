/**
 * ChartSource over HTTP against two loopback servers (the repository and a second host serving
 * one archive by absolute URL): index.yaml reused within its interval and refetched when forced,
 * archives downloaded once per digest, the repository's credentials sent to the other host only
 * with passCredentials, a missing chart and budgets named.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { isTrueupError } from '../../src/api/errors.js';
import { ChartSource } from '../../src/chart-source/chart-source.js';
import { staticSecretSource } from '../../src/source/credentials.js';
import { tgz } from '../support/tar.js';

interface Host {
  url: string;
  seen: IncomingMessage[];
  files: Map<string, Buffer | string>;
}

async function host(): Promise<Host> {
  const files = new Map<string, Buffer | string>();
  const seen: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req);
    const body = files.get(req.url ?? '');
    res.writeHead(body === undefined ? 404 : 200);
    res.end(body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, files };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const chart = (version: string) =>
  tgz({ 'web/Chart.yaml': `apiVersion: v2\nname: web\nversion: ${version}\n`, 'web/values.yaml': 'a: 1\n' });

test('index.yaml cached within its interval, archives by digest, credentials to another host only with passCredentials', async () => {
  const repo = await host();
  const cdn = await host();
  const v1 = chart('1.0.0');
  const v2 = chart('1.1.0');
  repo.files.set('/stable/web-1.0.0.tgz', v1);
  cdn.files.set('/web-1.1.0.tgz', v2);
  repo.files.set(
    '/stable/index.yaml',
    `apiVersion: v1
entries:
  web:
    - {name: web, version: 1.0.0, urls: [web-1.0.0.tgz], digest: ${sha(v1)}}
    - {name: web, version: 1.1.0, urls: ["${cdn.url}/web-1.1.0.tgz"], digest: ${sha(v2)}}
`,
  );
  let now = 0;
  const secret = {
    metadata: { namespace: 'ns', name: 'repo', labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
    stringData: { url: `${repo.url}/stable`, username: 'u', password: 'p' },
  };
  const source = new ChartSource({ secrets: staticSecretSource([secret]), now: () => now, indexTtlMs: 1000 });
  const req = { repoURL: `${repo.url}/stable`, chart: 'web', targetRevision: '1.0.*' };

  const r1 = await source.resolve(req, { force: false });
  assert.deepEqual(r1, {
    version: '1.0.0',
    digest: `sha256:${sha(v1)}`,
    display: `web 1.0.0 (sha256:${sha(v1).slice(0, 12)})`,
  });
  const tree = await source.tree(req, '1.0.0');
  assert.deepEqual(await tree.listDir(''), ['Chart.yaml', 'values.yaml']);
  assert.equal(new TextDecoder().decode(await tree.readFile('values.yaml')), 'a: 1\n');
  await source.tree(req, '1.0.0');
  assert.equal(source.counters.downloads, 1, 'one download per digest');
  assert.equal(source.counters.indexFetches, 1, 'index.yaml reused within its interval');
  assert.ok(
    repo.seen.every((r) => r.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`),
  );

  now = 500;
  await source.resolve(req, { force: true });
  assert.equal(source.counters.indexFetches, 2, 'a forced resolve refetches');
  now = 2000;
  await source.resolve(req, { force: false });
  assert.equal(source.counters.indexFetches, 3, 'refetched after the interval');

  // 1.1.0 lives on another host: no credentials there unless passCredentials.
  const newer = { ...req, targetRevision: '^1.1' };
  await source.tree(newer, (await source.resolve(newer, { force: false })).version);
  assert.equal(cdn.seen.at(-1)?.headers.authorization, undefined);
  const passing = new ChartSource({ secrets: staticSecretSource([secret]) });
  await passing.tree({ ...newer, passCredentials: true }, '1.1.0');
  assert.equal(cdn.seen.at(-1)?.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);

  const code = (c: string, text: string) => (e: unknown) =>
    isTrueupError(e) && e.code === c && e.message.includes(text);
  await assert.rejects(
    source.resolve({ ...req, chart: 'db' }, { force: false }),
    code('ChartNotFound', `chart db from ${repo.url}/stable: no chart db in the repository's index.yaml`),
  );
  await assert.rejects(
    new ChartSource({ limits: { maxIndexBytes: 10 } }).resolve(req, { force: false }),
    code('ChartTooLarge', 'over the budget of 10'),
  );
});
