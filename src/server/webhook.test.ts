import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { application } from '../../test/support/reconciler-harness.js';
import type { Application } from '../api/application.js';
import { createWebhookHandler, NO_SECRET, normalizeURL, pushMatches } from './webhook.js';

const SECRET = 's3cret';
const githubPush = {
  ref: 'refs/heads/main',
  repository: {
    html_url: 'https://git.example/org/config',
    clone_url: 'https://git.example/org/config.git',
    default_branch: 'main',
  },
};

function handler(options: { secret?: string; insecure?: boolean; refreshed?: string[] } = {}) {
  const apps: Application[] = [
    application(),
    {
      ...application(),
      metadata: { name: 'other-branch', namespace: 'x' },
      spec: {
        ...application().spec,
        source: { repoURL: 'https://git.example/org/config.git', targetRevision: 'dev', path: '.' },
      },
    },
    {
      ...application(),
      metadata: { name: 'head', namespace: 'x' },
      spec: {
        ...application().spec,
        source: { repoURL: 'https://GIT.example/org/config/', targetRevision: 'HEAD', path: '.' },
      },
    },
    {
      ...application(),
      metadata: { name: 'other-repo', namespace: 'x' },
      spec: {
        ...application().spec,
        source: { repoURL: 'https://git.example/org/else.git', targetRevision: 'main', path: '.' },
      },
    },
  ];
  return createWebhookHandler({
    secret: options.secret ?? SECRET,
    ...(options.insecure === undefined ? {} : { insecure: options.insecure }),
    refresh: (match) => {
      const keys = apps.filter(match).map((a) => `${a.metadata.namespace}/${a.metadata.name}`);
      options.refreshed?.push(...keys);
      return keys;
    },
  });
}

const sign = (body: Buffer) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

test('a signed GitHub push refreshes the apps on that repo and branch (and HEAD on the default branch)', async () => {
  const body = Buffer.from(JSON.stringify(githubPush));
  const res = await handler()({
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign(body) },
    body,
  });
  assert.deepEqual(res, { status: 200, body: { refreshed: ['trueup-system/web', 'x/head'] } });
});

test('a bad or missing signature is refused with 401 and refreshes nothing', async () => {
  const body = Buffer.from(JSON.stringify(githubPush));
  const refreshed: string[] = [];
  const bad = await handler({ refreshed })({
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=00' },
    body,
  });
  assert.equal(bad.status, 401);
  const none = await handler({ refreshed })({ headers: { 'x-github-event': 'push' }, body });
  assert.deepEqual(none, {
    status: 401,
    body: { error: 'github webhook: signature missing or not matching the configured secret' },
  });
  // Signed with another secret.
  const other = `sha256=${createHmac('sha256', 'other').update(body).digest('hex')}`;
  const wrong = await handler({ refreshed })({
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': other },
    body,
  });
  assert.equal(wrong.status, 401);
  assert.deepEqual(refreshed, []);
});

test('no secret configured: every request is refused (403), signed or not, naming the settings', async () => {
  const body = Buffer.from(JSON.stringify(githubPush));
  const refreshed: string[] = [];
  for (const insecure of [undefined, false]) {
    for (const headers of [
      { 'x-github-event': 'push' },
      { 'x-github-event': 'push', 'x-hub-signature-256': sign(body) },
      { 'x-gitlab-event': 'Push Hook' },
      {},
    ]) {
      const res = await handler({ secret: '', refreshed, ...(insecure === undefined ? {} : { insecure }) })({
        headers,
        body,
      });
      assert.deepEqual(res, { status: 403, body: { error: NO_SECRET } });
    }
  }
  assert.match(NO_SECRET, /TRUEUP_WEBHOOK_SECRET.*--webhook-insecure/);
  assert.deepEqual(refreshed, []);
});

test('--webhook-insecure without a secret accepts unsigned pushes', async () => {
  const body = Buffer.from(JSON.stringify(githubPush));
  const res = await handler({ secret: '', insecure: true })({ headers: { 'x-github-event': 'push' }, body });
  assert.deepEqual(res, { status: 200, body: { refreshed: ['trueup-system/web', 'x/head'] } });
  // Still a webhook: no event header is a 400.
  assert.equal((await handler({ secret: '', insecure: true })({ headers: {}, body })).status, 400);
});

test('GitLab uses its token header and project URLs', async () => {
  const body = Buffer.from(
    JSON.stringify({
      ref: 'refs/heads/dev',
      project: { web_url: 'https://git.example/org/config', default_branch: 'main' },
    }),
  );
  const ok = await handler()({ headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET }, body });
  assert.deepEqual(ok, { status: 200, body: { refreshed: ['x/other-branch'] } });
  const bad = await handler()({ headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'nope' }, body });
  assert.equal(bad.status, 401);
});

test('Gitea signs with X-Gitea-Signature (hex HMAC)', async () => {
  const body = Buffer.from(JSON.stringify(githubPush));
  const hex = createHmac('sha256', SECRET).update(body).digest('hex');
  const res = await handler()({ headers: { 'x-gitea-event': 'push', 'x-gitea-signature': hex }, body });
  assert.deepEqual(res.body, { refreshed: ['trueup-system/web', 'x/head'] });
});

test('non-push events are acknowledged and ignored; unknown senders and bad JSON are 400', async () => {
  const body = Buffer.from('{}');
  const ping = await handler()({
    headers: { 'x-github-event': 'ping', 'x-hub-signature-256': sign(body) },
    body,
  });
  assert.deepEqual(ping, { status: 200, body: { ignored: 'ping' } });
  assert.equal((await handler()({ headers: {}, body })).status, 400);
  const junk = Buffer.from('not json');
  assert.equal(
    (
      await handler()({
        headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign(junk) },
        body: junk,
      })
    ).status,
    400,
  );
});

test('URL normalisation and tag pushes', () => {
  assert.equal(normalizeURL('https://user:pw@Git.Example/Org/Repo.git/'), 'git.example/org/repo');
  const app = application({
    source: { repoURL: 'https://git.example/org/config', targetRevision: '>=1.0.0', path: '.' },
  });
  assert.equal(
    pushMatches({ provider: 'github', repoURLs: ['https://git.example/org/config'], tag: 'v1.2.0' }, app),
    true,
  );
  assert.equal(
    pushMatches({ provider: 'github', repoURLs: ['https://git.example/org/config'], branch: 'main' }, app),
    false,
  );
});

test('a push matches an app with spec.sources when any source (refs included) follows the pushed repo and ref', () => {
  const { source: _one, ...spec } = application().spec;
  const app: Application = {
    ...application(),
    spec: {
      ...spec,
      sources: [
        { repoURL: 'https://git.example/org/charts.git', targetRevision: 'main', path: 'charts/web' },
        { repoURL: 'https://git.example/org/values', targetRevision: 'prod', ref: 'values' },
      ],
    },
  };
  const push = (repo: string, branch: string) =>
    pushMatches({ provider: 'github', repoURLs: [repo], branch, defaultBranch: 'main' }, app);
  const cases: [string, string, boolean][] = [
    ['https://git.example/org/charts', 'main', true],
    ['https://git.example/org/values.git', 'prod', true],
    ['https://git.example/org/values', 'main', false],
    ['https://git.example/org/charts', 'prod', false],
    ['https://git.example/org/config', 'main', false],
  ];
  for (const [repo, branch, want] of cases) assert.equal(push(repo, branch), want, `${repo} ${branch}`);
});
