/**
 * The UI in a real browser (Debian's chromium driven by playwright-core) against the real
 * control plane, Git server and an in-process controller: log in with a ServiceAccount token,
 * the list loads, filters (text, sync, health, namespace, project, labels) and updates live; an
 * app page shows the tree, the diff after a `kubectl edit` of an app without self-heal, history
 * after two commits with each sync's result; Sync and Rollback end to end through the
 * confirmation dialogs; a multi-source app's page lists every source. Screenshots go to $TRUEUP_TEST_ARTIFACTS (default
 * /tmp/trueup-test-artifacts/ui); docs/ui/ holds copies of the key ones.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { promisify } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { appManifest, e2eEnv, waitFor, yaml } from '../e2e/support.js';
import { testNamespace } from '../support/cluster.js';
import { serviceAccountToken, startTestUi, webFiles } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
const artifacts = process.env.TRUEUP_TEST_ARTIFACTS
  ? join(process.env.TRUEUP_TEST_ARTIFACTS, 'ui')
  : '/tmp/trueup-test-artifacts/ui';
mkdirSync(artifacts, { recursive: true });

const env = await e2eEnv('uib');
const dest = await testNamespace('uib-dest');
const repo = await env.git.createRepo('uib');
const repoURL = env.git.url('uib');
const cm = (name: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { from: name } });
const first = await repo.commit(
  {
    ...webFiles('nginx:1.27', { color: 'blue' }),
    'multi-a/cm.json': cm('multi-a'),
    'multi-b/cm.json': cm('multi-b'),
  },
  'shop: first version, blue',
);
await env.kubectl(
  ['apply', '-f', '-'],
  yaml(appManifest('shop', env.appNs, repoURL, 'web', dest, { automated: false })),
);
for (const name of ['billing', 'catalog', 'search']) {
  const app = appManifest(name, env.appNs, repoURL, 'missing-path', dest, { automated: false });
  if (name === 'billing') {
    (app.spec as { project?: string }).project = 'finance';
    app.metadata.labels = { team: 'pay' };
  }
  await env.kubectl(['apply', '-f', '-'], yaml(app));
}
// In a second namespace: an automated app of two sources (ConfigMaps only, so it turns Healthy).
const otherNs = await testNamespace('uib-other');
const multi = appManifest('multi', otherNs, repoURL, 'multi-a', await testNamespace('uib-multi'));
(multi.spec as { source?: unknown }).source = undefined;
(multi.spec as { sources?: unknown }).sources = [
  { repoURL, targetRevision: 'main', path: 'multi-a' },
  { repoURL, targetRevision: 'main', path: 'multi-b' },
];
await env.kubectl(['apply', '-f', '-'], yaml(multi));
await env.controller({
  config: { concurrency: 4, requeueInterval: 180_000, namespaces: [env.appNs, otherNs] },
});
const ui = await startTestUi(env, [env.appNs, otherNs]);
const token = await serviceAccountToken(env, env.appNs, 'ui-user', [
  { namespace: env.appNs, verbs: ['get', 'list', 'patch'] },
  { namespace: otherNs, verbs: ['get', 'list', 'patch'] },
]);
const user = `system:serviceaccount:${env.appNs}:ui-user`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
after(() => browser.close());
const page: Page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const consoleErrors: string[] = [];
page.on('console', (m) => {
  if (m.type() === 'error') consoleErrors.push(m.text());
});
const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
const text = (sel: string) => page.locator(sel).first().innerText({ timeout: 5000 });

// The page as each test left it (what a failure looked like).
let step = 0;
afterEach(() => shot(`step-${++step}`).then(() => {}));

async function confirmDialog(): Promise<void> {
  await page.locator('dialog.confirm').waitFor();
  await page.click('#confirm-ok');
}

test('log in with a token; the list loads with counts per status', async () => {
  await page.goto(`${ui.url}/`);
  assert.match(page.url(), /\/login$/);
  await page.fill('#token', token);
  await shot('login');
  await page.click('button[type=submit]');
  await page.waitForURL(`${ui.url}/`);
  await waitFor('5 rows', async () => (await text('#total')) === '5');
  assert.equal(await page.locator('.spacer .row').count(), 5);
  // shop differs from Git; the three apps whose path does not exist cannot be compared; multi syncs.
  await waitFor(
    'the counts',
    async () =>
      (await text('.facet [data-count=OutOfSync]')) === '1' &&
      (await text('.facet [data-count=Unknown]')) === '3' &&
      (await text('.facet [data-count=Synced]')) === '1' &&
      (await text('.facet [data-count=Healthy]')) === '1',
    120_000,
  );
  // Commit subjects arrive on the stream once read from Git.
  await waitFor('the subjects', async () =>
    /shop: first version, blue/.test(await text(`.row[data-key="${env.appNs}/shop"]`)),
  );
  await shot('list');
});

test('the free-text and status filters narrow the list', async () => {
  await page.fill('input[name=q]', 'cat');
  await waitFor('one row', async () => (await text('#shown')) === '1');
  assert.equal(await page.locator('.spacer .row').first().getAttribute('data-key'), `${env.appNs}/catalog`);
  // The URL follows the filter in an effect, after the list has been drawn.
  await waitFor('the filter in the URL', async () => /q=cat/.test(page.url()));
  await page.fill('input[name=q]', '');
  await page.check('input[name=Sync-OutOfSync]');
  await waitFor('one row', async () => (await text('#shown')) === '1');
  assert.equal(await page.locator('.spacer .row').first().getAttribute('data-key'), `${env.appNs}/shop`);
  await page.uncheck('input[name=Sync-OutOfSync]');
  await waitFor('all rows', async () => (await text('#shown')) === '5');
});

test('the health, namespace, project and label filters narrow the list', async () => {
  const only = async (what: string, key: string) => {
    await waitFor(what, async () => (await text('#shown')) === '1');
    assert.equal(await page.locator('.spacer .row').first().getAttribute('data-key'), key, what);
  };
  const all = () => waitFor('all rows', async () => (await text('#shown')) === '5');
  // The URL follows the filters in an effect, after the list has been drawn: wait for it.
  const inUrl = (re: RegExp) => waitFor(`${re} in the URL`, async () => re.test(page.url()));
  await page.check('input[name=Health-Healthy]');
  await only('health', `${otherNs}/multi`);
  await inUrl(/health=Healthy/);
  await page.uncheck('input[name=Health-Healthy]');
  await all();
  await page.selectOption('select[name=namespace]', otherNs);
  await only('namespace', `${otherNs}/multi`);
  await inUrl(new RegExp(`namespace=${otherNs}`));
  await page.selectOption('select[name=namespace]', '');
  await all();
  await page.selectOption('select[name=project]', 'finance');
  await only('project', `${env.appNs}/billing`);
  await inUrl(/project=finance/);
  await page.selectOption('select[name=project]', '');
  await all();
  await page.fill('input[name=labels]', 'team=pay');
  await only('label', `${env.appNs}/billing`);
  await page.fill('input[name=labels]', '!team');
  await waitFor('four rows', async () => (await text('#shown')) === '4');
  await page.fill('input[name=labels]', '');
  await all();
});

test('a new Application appears without a reload', async () => {
  await env.kubectl(
    ['apply', '-f', '-'],
    yaml(appManifest('payments', env.appNs, repoURL, 'missing-path', dest, { automated: false })),
  );
  await waitFor('6 rows', async () => (await text('#total')) === '6');
  await page.locator(`.row[data-key="${env.appNs}/payments"]`).waitFor();
});

test('Sync from the app page: the tree, the history', async () => {
  await page.click(`.row[data-key="${env.appNs}/shop"]`);
  await page.waitForURL(`${ui.url}/app/${env.appNs}/shop`);
  await page.locator('.diff-entry').first().waitFor();
  await shot('app-out-of-sync');
  await page.click('#sync');
  await confirmDialog();
  await waitFor('Synced', async () => (await text('#app-sync')) === 'Synced', 120_000);
  await page.locator('.tree li[data-kind=Pod]').waitFor({ timeout: 120_000 });
  assert.equal(
    await page.locator('.tree li[data-kind=Deployment] li[data-kind=ReplicaSet] li[data-kind=Pod]').count(),
    1,
  );
  await waitFor('one history entry', async () => (await page.locator('tr[data-history]').count()) === 1);
  const entry = await text('tr[data-history="0"]');
  assert.match(entry, /shop: first version, blue/);
  // The sync result of the entry: phase, what it did, who asked.
  assert.match(entry, /Succeeded\s+synced .*: \d+ created, 0 configured, 0 pruned/);
  assert.ok(entry.includes(`by ${user}`), entry);
  await shot('app-tree');
});

let second = '';
test('a second commit, then Sync: two history entries with their subjects', async () => {
  second = await repo.commit(webFiles('nginx:1.27', { color: 'green' }), 'shop: turn green');
  await page.click('#hard-refresh');
  await confirmDialog();
  await waitFor('OutOfSync', async () => (await text('#app-sync')) === 'OutOfSync', 60_000);
  await page.click('#sync');
  await confirmDialog();
  await waitFor('two entries', async () => (await page.locator('tr[data-history]').count()) === 2, 120_000);
  assert.match(await text('tr[data-history="1"]'), /shop: turn green/);
  await waitFor('Synced', async () => (await text('#app-sync')) === 'Synced', 60_000);
});

test('kubectl edit of the app without self-heal shows in the diff', async () => {
  await promisify(execFile)(
    'kubectl',
    ['--kubeconfig', env.kubeconfigPath, 'edit', '-n', dest, 'configmap', 'web-config'],
    {
      env: { ...process.env, KUBE_EDITOR: 'sed -i s/green/red/' },
    },
  );
  await waitFor('OutOfSync', async () => (await text('#app-sync')) === 'OutOfSync', 60_000);
  const entry = page.locator(`.diff-entry[data-object="ConfigMap/${dest}/web-config"]`);
  await entry.waitFor({ timeout: 60_000 });
  const diff = await entry.innerText();
  assert.match(diff, /-\s+color: red/);
  assert.match(diff, /\+\s+color: green/);
  await entry.scrollIntoViewIfNeeded();
  await shot('app-diff');
});

test('Rollback to the first history entry', async () => {
  await page.click('tr[data-history="0"] button.rollback');
  await confirmDialog();
  await waitFor('three entries', async () => (await page.locator('tr[data-history]').count()) === 3, 120_000);
  await waitFor('the rollback entry is current', async () =>
    /\(current\)/.test(await text('tr[data-history="2"]')),
  );
  const rolledBack = await text('tr[data-history="2"]');
  assert.ok(rolledBack.includes(`${first.slice(0, 7)} (current)`), rolledBack);
  assert.match(rolledBack, /shop: first version, blue/);
  assert.match(rolledBack, /Succeeded\s+synced .*: \d+ created, \d+ configured, \d+ pruned/);
  assert.ok(rolledBack.includes(`by ${user}`), rolledBack);
  // As Argo CD: after a rollback the app is compared with its targetRevision again, so OutOfSync.
  await waitFor('OutOfSync', async () => (await text('#app-sync')) === 'OutOfSync', 60_000);
  const cm = await env.get('v1', 'ConfigMap', dest, 'web-config');
  assert.equal((cm?.data as { color?: string } | undefined)?.color, 'blue');
  await shot('app-history');
});

test('a multi-source app: the page lists every source with its revision, and so does its history', async () => {
  await page.goto(`${ui.url}/app/${otherNs}/multi`);
  await waitFor('Synced', async () => (await text('#app-sync')) === 'Synced', 60_000);
  // multi follows main: when shop's hard refresh found the second commit, every app on main was
  // queued to resolve again (revision followers), so multi shows that commit, not the first.
  await waitFor('both sources with their revision', async () => {
    const sources = await page.locator('#app-sources li').allInnerTexts();
    return (
      sources.length === 2 &&
      sources[0] === `${repoURL} : multi-a @ main → ${second.slice(0, 7)}` &&
      sources[1] === `${repoURL} : multi-b @ main → ${second.slice(0, 7)}`
    );
  });
  await waitFor(
    'its first sync in the history',
    async () => (await page.locator('tr[data-history]').count()) >= 1,
  );
  const entry = await text('tr[data-history="0"]');
  assert.match(entry, /multi-a @ main/);
  assert.match(entry, /multi-b @ main/);
  assert.match(entry, /shop: first version, blue/);
  assert.match(entry, /Succeeded\s+synced .*: 2 created, 0 configured, 0 pruned\s+automated/);
  await shot('app-multi-source');
  assert.deepEqual(consoleErrors, [], 'no errors in the browser console (CSP violations show there)');
});
