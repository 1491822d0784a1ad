/**
 * The pullRequest generator's provider client against a local HTTP server speaking the GitHub
 * and Gitea pull request APIs (a test double of the providers, not of our code): pagination,
 * the label filter, the token from a Secret sent as Authorization and never shown, error classes.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { PullRequestGeneratorSchema } from '../../src/api/application-set-pull-request.js';
import { isTrueupError } from '../../src/api/errors.js';
import { HttpPullRequests } from '../../src/appset/pull-requests.js';

const TOKEN = 'tok-3c1f9a';
const pulls = Array.from({ length: 60 }, (_, i) => ({
  number: i + 1,
  title: `PR ${i + 1}`,
  head: { ref: `feature/${i + 1}`, sha: `${String(i + 1).padStart(4, '0')}${'a'.repeat(36)}` },
  base: { ref: 'main' },
  labels: i % 2 === 0 ? [{ name: 'preview' }] : [],
  user: { login: 'alice' },
}));
const seen: { url: string; auth: string | undefined }[] = [];
let failWith = 0;

const server = createServer((req: IncomingMessage, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  seen.push({ url: url.pathname + url.search, auth: req.headers.authorization });
  if (failWith) {
    res.writeHead(failWith).end('{}');
    return;
  }
  const github = url.pathname === '/repos/org/app/pulls';
  const gitea = url.pathname === '/api/v1/repos/org/app/pulls';
  if ((!github && !gitea) || url.searchParams.get('state') !== 'open') {
    res.writeHead(404).end('{}');
    return;
  }
  if (req.headers.authorization !== undefined && req.headers.authorization !== `token ${TOKEN}`) {
    res.writeHead(401).end('{}');
    return;
  }
  const size = Number(url.searchParams.get(github ? 'per_page' : 'limit'));
  const page = Number(url.searchParams.get('page'));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(pulls.slice((page - 1) * size, page * size)));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
after(() => server.close());
const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const secrets: Record<string, string> = {
  'ns/gitea-token/token': TOKEN,
  'ns/bad/token': 'wrong-secret-value',
};
const client = new HttpPullRequests({
  fetch: (url, init) => fetch(url, init),
  secretValue: async (ns, name, key) => secrets[`${ns}/${name}/${key}`],
});

test('GitHub: every open pull request across pages, anonymous', async () => {
  seen.length = 0;
  const got = await client.list(
    'ns',
    PullRequestGeneratorSchema.parse({ github: { owner: 'org', repo: 'app', api } }),
  );
  assert.equal(got.length, 60);
  assert.deepEqual(got[0], {
    number: 1,
    title: 'PR 1',
    branch: 'feature/1',
    targetBranch: 'main',
    headSha: `0001${'a'.repeat(36)}`,
    labels: ['preview'],
    author: 'alice',
  });
  assert.deepEqual(
    seen.map((s) => [s.url, s.auth]),
    [
      ['/repos/org/app/pulls?state=open&per_page=50&page=1', undefined],
      ['/repos/org/app/pulls?state=open&per_page=50&page=2', undefined],
    ],
  );
});

test('Gitea: the token from the Secret as Authorization; only pull requests with every label', async () => {
  seen.length = 0;
  const got = await client.list(
    'ns',
    PullRequestGeneratorSchema.parse({
      gitea: {
        owner: 'org',
        repo: 'app',
        api,
        tokenRef: { secretName: 'gitea-token', key: 'token' },
        labels: ['preview'],
      },
    }),
  );
  assert.equal(got.length, 30);
  assert.ok(got.every((p) => p.labels.includes('preview')));
  assert.equal(seen[0]?.url, '/api/v1/repos/org/app/pulls?state=open&limit=50&page=1');
  assert.equal(seen[0]?.auth, `token ${TOKEN}`);
});

test('errors: a refused token is terminal and never shows the token; 5xx is transient; a missing Secret is named', async () => {
  const gen = (secretName: string) =>
    PullRequestGeneratorSchema.parse({
      gitea: { owner: 'org', repo: 'app', api, tokenRef: { secretName, key: 'token' } },
    });
  await assert.rejects(client.list('ns', gen('bad')), (err: unknown) => {
    assert.ok(isTrueupError(err));
    assert.equal(err.retry, 'terminal');
    assert.match(err.message, /Gitea org\/app: HTTP 401 \(check the token\)/);
    assert.doesNotMatch(err.message, /wrong-secret-value/);
    return true;
  });
  await assert.rejects(client.list('ns', gen('absent')), /Secret ns\/absent or its key token is missing/);
  failWith = 503;
  try {
    await assert.rejects(client.list('ns', gen('gitea-token')), (err: unknown) => {
      assert.ok(isTrueupError(err));
      assert.equal(err.retry, 'transient');
      return true;
    });
  } finally {
    failWith = 0;
  }
});
