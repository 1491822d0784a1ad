/**
 * The UI's JSON API against the real control plane, with ServiceAccount tokens from the
 * TokenRequest API: an admin with get/list/patch on Applications in both app namespaces, and a
 * restricted viewer with get/list in the second one only. The restricted user sees only the
 * second namespace's app, cannot read the first, and cannot sync. Also: the tree (Deployment →
 * ReplicaSet → Pod), history with commit subjects and each sync's result, a multi-source app,
 * events, the login cookie (Secure over HTTPS) and CSRF.
 */
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { test } from 'node:test';
import type { Application } from '../../src/api/application.js';
import type { HistoryAnswerEntry, TreeAnswer, TreeNode } from '../../src/ui/shared/api-types.js';
import type { AppSummary } from '../../src/ui/shared/summary.js';
import { appManifest, e2eEnv, waitFor, yaml } from '../e2e/support.js';
import { testNamespace } from '../support/cluster.js';
import { httpsCall, selfSignedCert } from '../support/tls.js';
import { builtUi, serviceAccountToken, startTestUi, webFiles } from './support.js';

const env = await e2eEnv('uiapi');
const otherNs = await testNamespace('uiapi-other');
const dest = await testNamespace('uiapi-dest');
const repo = await env.git.createRepo('uiapi');
const repoURL = env.git.url('uiapi');
const CANARY = 'ui-secret-canary-8d1f';
const first = await repo.commit(
  {
    ...webFiles('nginx:1.27', { color: 'blue' }),
    'secret/secret.json': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds' },
      stringData: { token: CANARY },
    }),
    'extra/config.json': JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'extra' },
      data: { from: 'second source' },
    }),
  },
  'web: first version',
);
await env.kubectl(['apply', '-f', '-'], yaml(appManifest('web', env.appNs, repoURL, 'web', dest)));
await env.kubectl(
  ['apply', '-f', '-'],
  yaml(appManifest('other', otherNs, repoURL, 'web', dest, { automated: false })),
);
const multiDest = await testNamespace('uiapi-multi');
const multi = appManifest('multi', env.appNs, repoURL, 'web', multiDest);
(multi.spec as { source?: unknown; sources?: unknown }).source = undefined;
(multi.spec as { sources?: unknown }).sources = [
  { repoURL, targetRevision: 'main', path: 'web' },
  { repoURL, targetRevision: 'main', path: 'extra' },
];
await env.kubectl(['apply', '-f', '-'], yaml(multi));
await env.controller();
await env.kubectl(
  ['apply', '-f', '-'],
  yaml(
    appManifest('secret', otherNs, repoURL, 'secret', await testNamespace('uiapi-secret'), {
      automated: false,
    }),
  ),
);
const ui = await startTestUi(env, [env.appNs, otherNs]);
const admin = await serviceAccountToken(env, env.appNs, 'ui-admin', [
  { namespace: env.appNs, verbs: ['get', 'list', 'patch'] },
  { namespace: otherNs, verbs: ['get', 'list', 'patch'] },
]);
const viewer = await serviceAccountToken(env, env.appNs, 'ui-viewer', [
  { namespace: otherNs, verbs: ['get', 'list'] },
]);

const CSRF = { 'x-trueup-csrf': '1' };

async function call(path: string, token: string | undefined, init: RequestInit = {}) {
  const res = await fetch(`${ui.url}${path}`, {
    redirect: 'manual',
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.headers as Record<string, string>),
    },
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const names = (items: unknown) => (items as AppSummary[]).map((a) => a.key).sort();

test('without a valid token only the login page is served', async () => {
  assert.equal((await call('/api/v1/applications', undefined)).status, 401);
  assert.equal((await call('/api/v1/applications', 'not-a-token')).status, 401);
  const page = await fetch(`${ui.url}/`, { redirect: 'manual' });
  assert.equal(page.status, 303);
  assert.equal(page.headers.get('location'), '/login');
  const login = await fetch(`${ui.url}/login`);
  assert.equal(login.status, 200);
  assert.match(login.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(await login.text(), /<form method="post" action="\/login">/);
});

test('the admin sees both apps; the restricted viewer only the one RBAC allows', async () => {
  const who = await call('/api/v1/whoami', admin);
  assert.deepEqual(who.body, { user: `system:serviceaccount:${env.appNs}:ui-admin`, mode: 'token' });
  assert.deepEqual(names((await call('/api/v1/applications', admin)).body.items), [
    `${env.appNs}/multi`,
    `${env.appNs}/web`,
    `${otherNs}/other`,
    `${otherNs}/secret`,
  ]);
  assert.deepEqual(names((await call('/api/v1/applications', viewer)).body.items), [
    `${otherNs}/other`,
    `${otherNs}/secret`,
  ]);
  assert.equal((await call(`/api/v1/applications/${env.appNs}/web`, viewer)).status, 403);
  assert.equal((await call(`/api/v1/applications/${otherNs}/other`, viewer)).status, 200);
});

test('the restricted viewer cannot sync or refresh; the admin can', async () => {
  const sync = await call(`/api/v1/applications/${otherNs}/other/sync`, viewer, {
    method: 'POST',
    headers: { ...CSRF, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(sync.status, 403, JSON.stringify(sync.body));
  const before = (await env.client.get({
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    namespace: otherNs,
    name: 'other',
  })) as unknown as Application;
  assert.equal(before.operation, undefined, 'the refused sync wrote nothing');
  const refresh = await call(`/api/v1/applications/${otherNs}/other/refresh`, admin, {
    method: 'POST',
    headers: CSRF,
    body: JSON.stringify({ type: 'hard' }),
  });
  assert.equal(refresh.status, 202, JSON.stringify(refresh.body));
  const after = (await env.client.get({
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    namespace: otherNs,
    name: 'other',
  })) as unknown as Application;
  assert.equal(after.metadata.annotations?.['trueup.dev/refresh'], 'hard');
});

test('a POST without the CSRF header is refused, as is one from another origin', async () => {
  const path = `/api/v1/applications/${env.appNs}/web/refresh`;
  assert.equal((await call(path, admin, { method: 'POST', body: '{}' })).status, 403);
  const crossOrigin = await call(path, admin, {
    method: 'POST',
    headers: { ...CSRF, origin: 'https://evil.example' },
    body: '{}',
  });
  assert.equal(crossOrigin.status, 403);
  assert.equal((await call(path, admin, { method: 'PUT', headers: CSRF, body: '{}' })).status, 405);
});

test('login sets HttpOnly SameSite=Strict cookies; with the cookie, a POST needs the matching CSRF header', async () => {
  const bad = await fetch(`${ui.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: 'wrong' }).toString(),
  });
  assert.equal(bad.headers.get('location'), '/login?failed=1');
  assert.equal(bad.headers.get('set-cookie'), null);
  const res = await fetch(`${ui.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: admin }).toString(),
  });
  assert.equal(res.status, 303);
  const cookies = res.headers.getSetCookie();
  const session = cookies.find((c) => c.startsWith('trueup_session='));
  const csrf = cookies.find((c) => c.startsWith('trueup_csrf='));
  assert.match(session ?? '', /HttpOnly/);
  assert.match(session ?? '', /SameSite=Strict/);
  assert.doesNotMatch(session ?? '', /Secure/, 'plain HTTP: not Secure');
  assert.doesNotMatch(csrf ?? '', /Secure/, 'plain HTTP: not Secure');
  assert.doesNotMatch(csrf ?? '', /HttpOnly/, 'the page reads the CSRF cookie');
  const jar = cookies.map((c) => c.split(';')[0]).join('; ');
  const csrfValue = decodeURIComponent((csrf ?? '').split(';')[0]?.split('=')[1] ?? '');
  const path = `/api/v1/applications/${env.appNs}/web/refresh`;
  const wrong = await call(path, undefined, {
    method: 'POST',
    headers: { cookie: jar, ...CSRF },
    body: '{}',
  });
  assert.equal(wrong.status, 403);
  const right = await call(path, undefined, {
    method: 'POST',
    headers: { cookie: jar, 'x-trueup-csrf': csrfValue },
    body: '{}',
  });
  assert.equal(right.status, 202, JSON.stringify(right.body));
  assert.equal((await call('/api/v1/whoami', undefined, { headers: { cookie: jar } })).status, 200);
});

function find(nodes: TreeNode[], kind: string): TreeNode | undefined {
  for (const n of nodes) {
    if (n.kind === kind) return n;
    const c = find(n.children, kind);
    if (c) return c;
  }
  return undefined;
}

test('the tree shows Deployment → ReplicaSet → Pod with health; history names the commit', async () => {
  await waitFor('web synced', async () => (await env.app('web'))?.status?.sync?.status === 'Synced', 120_000);
  const tree = await waitFor(
    'the pod in the tree',
    async () => {
      const t = (await call(`/api/v1/applications/${env.appNs}/web/tree`, admin))
        .body as unknown as TreeAnswer;
      return find(t.nodes, 'Pod') ? t : undefined;
    },
    120_000,
  );
  const deploy = tree.nodes.find((n) => n.kind === 'Deployment');
  assert.equal(deploy?.managed, true);
  assert.equal(deploy?.children[0]?.kind, 'ReplicaSet');
  assert.equal(deploy?.children[0]?.children[0]?.kind, 'Pod');
  assert.equal(deploy?.children[0]?.managed, false);
  assert.ok(tree.nodes.some((n) => n.kind === 'ConfigMap' && n.sync === 'Synced'));
  const history = (await call(`/api/v1/applications/${env.appNs}/web/history`, admin)).body
    .items as HistoryAnswerEntry[];
  assert.equal(history[0]?.revision, first);
  assert.equal(history[0]?.subject, 'web: first version');
  assert.ok(history[0]?.author);
  assert.equal(history[0]?.current, true);
  // The result of the sync that deployed the entry, recorded on status.history.
  assert.equal(history[0]?.phase, 'Succeeded');
  assert.match(history[0]?.message ?? '', /^synced .*: \d+ created, \d+ configured, \d+ pruned$/);
  assert.deepEqual(history[0]?.initiatedBy, { automated: true });
  assert.ok(history[0]?.deployStartedAt);
  const events = (await call(`/api/v1/applications/${env.appNs}/web/events`, admin)).body.items as unknown[];
  assert.ok(events.length > 0, 'the controller recorded events for the app');
  const diff = (await call(`/api/v1/applications/${env.appNs}/web/diff`, admin)).body as {
    revision: string;
    entries: { action: string }[];
  };
  assert.equal(diff.revision, first);
  assert.ok(
    diff.entries.every((e) => e.action === 'unchanged'),
    JSON.stringify(diff.entries),
  );
  const list = (await call('/api/v1/applications', admin)).body.items as AppSummary[];
  const row = await waitFor('the subject in the row', async () => {
    const l = (await call('/api/v1/applications', admin)).body.items as AppSummary[];
    return l.find((a) => a.name === 'web' && a.subject);
  });
  assert.ok(list.length >= 1);
  assert.equal(row.subject, 'web: first version');
});

test("the diff masks a Secret's values", async () => {
  const diff = await call(`/api/v1/applications/${otherNs}/secret/diff`, admin);
  assert.equal(diff.status, 200, JSON.stringify(diff.body));
  const entries = diff.body.entries as { kind: string; action: string; text: string }[];
  const secret = entries.find((e) => e.kind === 'Secret');
  assert.equal(secret?.action, 'create');
  assert.match(secret?.text ?? '', /\+\+\+\+\+\+\+\+/);
  assert.ok(!JSON.stringify(diff.body).includes(CANARY), 'the canary is in the diff');
  assert.ok(
    !JSON.stringify(diff.body).includes(Buffer.from(CANARY).toString('base64')),
    'the canary is in the diff (base64)',
  );
});

test('the event stream starts with a snapshot of what the caller may list', async () => {
  const res = await fetch(`${ui.url}/api/v1/stream`, { headers: { authorization: `Bearer ${viewer}` } });
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  const data = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? '{}') as { type: string; items: AppSummary[] };
  assert.equal(data.type, 'snapshot');
  assert.deepEqual(names(data.items), [`${otherNs}/other`, `${otherNs}/secret`]);
});

test('trueup ui: the same API on localhost as the kubeconfig user, no token; POSTs need the header; loopback Host only', async () => {
  const { runUi } = await import('../../src/cli/run-ui.js');
  const local = await runUi({
    kubeconfig: env.kubeconfigPath,
    address: '127.0.0.1:0',
    namespace: [otherNs],
    signals: false,
    staticDir: await builtUi(),
  });
  try {
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${local.url}${path}`, { headers });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    assert.deepEqual((await get('/api/v1/whoami')).body.mode, 'kubeconfig');
    assert.deepEqual(names((await get('/api/v1/applications')).body.items), [
      `${otherNs}/other`,
      `${otherNs}/secret`,
    ]);
    // fetch cannot set Host (a forbidden header); node:http can, as a DNS-rebound page's requests carry it.
    const rebound = await new Promise<number>((resolve, reject) =>
      httpGet(`${local.url}/api/v1/applications`, { headers: { host: 'rebound.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject),
    );
    assert.equal(rebound, 403);
    const path = `${local.url}/api/v1/applications/${otherNs}/other/refresh`;
    assert.equal((await fetch(path, { method: 'POST', body: '{}' })).status, 403);
    assert.equal((await fetch(path, { method: 'POST', headers: CSRF, body: '{}' })).status, 202);
  } finally {
    await local.stop();
  }
});

test('a multi-source app: every source and its revision in the history, the subject of the primary', async () => {
  await waitFor(
    'multi synced',
    async () => (await env.app('multi'))?.status?.sync?.status === 'Synced',
    120_000,
  );
  const cm = await env.get('v1', 'ConfigMap', multiDest, 'extra');
  assert.equal((cm?.data as { from?: string } | undefined)?.from, 'second source');
  const app = (await call(`/api/v1/applications/${env.appNs}/multi`, admin))
    .body as unknown as Application & {
    summary: AppSummary;
  };
  assert.deepEqual(
    app.spec.sources?.map((s) => s.path),
    ['web', 'extra'],
  );
  assert.equal(app.summary.path, 'web', 'the row shows the primary (first rendering) source');
  const history = (await call(`/api/v1/applications/${env.appNs}/multi/history`, admin)).body
    .items as HistoryAnswerEntry[];
  assert.equal(history.length, 1);
  assert.deepEqual(
    history[0]?.sources?.map((s) => s.path),
    ['web', 'extra'],
  );
  assert.deepEqual(history[0]?.revisions, [first, first]);
  assert.equal(history[0]?.subject, 'web: first version');
  assert.equal(history[0]?.phase, 'Succeeded');
});

test('over HTTPS (--ui-tls-cert-file/--ui-tls-key-file) the login cookies are Secure and work', async () => {
  const tls = await selfSignedCert();
  const secure = await startTestUi(env, [env.appNs], undefined, tls);
  assert.match(secure.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const login = await httpsCall(`${secure.url}/login`, tls.cert, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: secure.url },
    body: new URLSearchParams({ token: admin }).toString(),
  });
  assert.equal(login.status, 303, login.body);
  const cookies = (login.headers['set-cookie'] ?? []) as string[];
  const session = cookies.find((c) => c.startsWith('trueup_session='));
  const csrf = cookies.find((c) => c.startsWith('trueup_csrf='));
  for (const c of [session, csrf]) {
    assert.match(c ?? '', /; Secure(;|$)/, String(c));
    assert.match(c ?? '', /SameSite=Strict/);
  }
  assert.match(session ?? '', /HttpOnly/);
  const jar = cookies.map((c) => c.split(';')[0]).join('; ');
  const csrfValue = decodeURIComponent((csrf ?? '').split(';')[0]?.split('=')[1] ?? '');
  const who = await httpsCall(`${secure.url}/api/v1/whoami`, tls.cert, { headers: { cookie: jar } });
  assert.equal(who.status, 200, who.body);
  assert.equal(
    (JSON.parse(who.body) as { user: string }).user,
    `system:serviceaccount:${env.appNs}:ui-admin`,
  );
  // The browser's https Origin is this server's own.
  const refresh = await httpsCall(`${secure.url}/api/v1/applications/${env.appNs}/web/refresh`, tls.cert, {
    method: 'POST',
    headers: { cookie: jar, 'x-trueup-csrf': csrfValue, origin: secure.url },
    body: '{}',
  });
  assert.equal(refresh.status, 202, refresh.body);
});
