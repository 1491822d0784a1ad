/**
 * The UI's list with 10,000 apps: time to first render, filter latency and bytes transferred,
 * in Debian's chromium (playwright-core). The UI server is the real one (startUi, the event
 * stream, the static files) over a synthetic app store of 10,000 Applications, so no cluster is
 * needed; `trueup ui` access (no token).
 *
 *   npx tsx bench/ui/bench.ts [apps=10000] [runs=5]
 *
 * First render: from navigation start to the list showing its count and its first rows
 * (performance.now() in the page). Filter latency: from the input event to the list showing
 * the new count, per filter, in the page. Bytes: what the browser received (CDP encoded bytes:
 * HTML, script, stylesheet, the stream's snapshot).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Application } from '../../src/api/application.js';
import { silentLogger } from '../../src/controller/reconciler.js';
import type { ClusterClient } from '../../src/kube/types.js';
import { systemClock } from '../../src/runtime/clock.js';
import { kubeconfigAccess } from '../../src/ui/access.js';
import type { AppStore } from '../../src/ui/app-store.js';
import { startUi } from '../../src/ui/server.js';

const N = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 5);
const SYNC = ['Synced', 'Synced', 'Synced', 'OutOfSync', 'Unknown'];
const HEALTH = ['Healthy', 'Healthy', 'Healthy', 'Progressing', 'Degraded', 'Missing'];

function app(i: number): Application {
  const team = `team-${i % 40}`;
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: {
      namespace: `apps-${i % 20}`,
      name: `app-${String(i).padStart(5, '0')}`,
      labels: { team, tier: i % 3 ? 'back' : 'front' },
    },
    spec: {
      source: {
        repoURL: `https://git.example.com/org/${team}.git`,
        targetRevision: 'main',
        path: `services/svc-${i}/overlays/prod`,
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: `svc-${i}` },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
    status: {
      sync: {
        status: SYNC[i % SYNC.length] as 'Synced',
        revision: (i * 7919).toString(16).padStart(40, '0'),
      },
      health: { status: HEALTH[i % HEALTH.length] as 'Healthy' },
      history: [
        { id: 0, revision: 'x', deployedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString() },
      ],
    },
  } as Application;
}

const apps = Array.from({ length: N }, (_, i) => app(i));
const store: AppStore = {
  list: () => apps,
  get: (ns, name) => apps.find((a) => a.metadata.namespace === ns && a.metadata.name === name),
  subscribe: () => () => {},
  synced: true,
};
// The list is served from the store alone; nothing here asks the cluster.
const noCluster = new Proxy({} as ClusterClient, {
  get: (_t, p) => () => Promise.reject(new Error(`the bench has no cluster (${String(p)})`)),
});

const staticDir = await mkdtemp(join(tmpdir(), 'trueup-ui-bench-'));
const { bundleUi } = (await import(join(import.meta.dirname, '..', '..', 'scripts', 'bundle-ui.mjs'))) as {
  bundleUi(out: string): Promise<string>;
};
await bundleUi(staticDir);
const ui = await startUi({
  client: noCluster,
  access: kubeconfigAccess('bench'),
  namespaces: [],
  source: {
    resolve: () => Promise.reject(new Error('no git')),
    tree: () => Promise.reject(new Error('no git')),
  },
  commits: { commitInfo: () => Promise.reject(new Error('no git')) },
  helmEngine: { get: () => Promise.reject(new Error('no helm')) },
  host: '127.0.0.1',
  port: 0,
  clock: systemClock,
  log: silentLogger,
  staticDir,
  store,
});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
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
/** The few DOM calls the page functions make (the bench compiles without the DOM lib). */
interface PageElement {
  textContent: string | null;
  value: string;
  dispatchEvent(e: Event): boolean;
}
interface PageGlobals {
  document: { querySelector(s: string): PageElement | null; querySelectorAll(s: string): { length: number } };
  requestAnimationFrame(f: () => void): number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const FILTERS: [string, string][] = [
  ['text "app-0999"', 'app-0999'],
  ['text "team-7"', 'team-7'],
  ['text "" (all back)', ''],
];
const first: number[] = [];
const bytes: number[] = [];
const filters: Record<string, number[]> = {};
for (let run = 0; run < RUNS; run++) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let received = 0;
  cdp.on('Network.dataReceived', (e: { encodedDataLength: number }) => {
    received += e.encodedDataLength;
  });
  await page.goto(`${ui.url}/`);
  await page.waitForFunction(
    (n) => {
      const { document } = globalThis as unknown as PageGlobals;
      return (
        document.querySelector('#total')?.textContent === String(n) &&
        document.querySelectorAll('.spacer .row').length > 0
      );
    },
    N,
    { timeout: 60_000 },
  );
  first.push(await page.evaluate(() => performance.now()));
  bytes.push(received);
  for (const [what, text] of FILTERS) {
    const ms = await page.evaluate(async (value) => {
      const { document, requestAnimationFrame } = globalThis as unknown as PageGlobals;
      const input = document.querySelector('input[name=q]') as PageElement;
      const shown = document.querySelector('#shown') as PageElement;
      const before = shown.textContent;
      const t0 = performance.now();
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      for (;;) {
        await new Promise<void>((r) => requestAnimationFrame(() => r()));
        if (shown.textContent !== before) return performance.now() - t0;
        if (performance.now() - t0 > 10_000) throw new Error(`filter ${value} did not change the list`);
      }
    }, text);
    filters[what] = [...(filters[what] ?? []), ms];
  }
  await page.close();
}
await browser.close();
await ui.close();
await rm(staticDir, { recursive: true, force: true });
const result = {
  apps: N,
  runs: RUNS,
  firstRenderMs: Math.round(median(first)),
  firstRenderRangeMs: [Math.round(Math.min(...first)), Math.round(Math.max(...first))],
  filterMs: Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, Math.round(median(v))])),
  bytesReceived: median(bytes),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
