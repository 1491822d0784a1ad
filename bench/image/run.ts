/**
 * Image automation benchmarks:
 *   scan    - a repository with 5,000 tags in the distribution registry (token or htpasswd auth): the time
 *             to list them all (Link pagination at 100 tags a page: 50 pages, and at the
 *             registry's default page size), and the requests each scan makes
 *   latency - the time from a tag pushed to the registry to the Deployment running it, through
 *             the whole loop (scan on its interval, policy, commit and push, refresh, sync) with
 *             the control plane, git http-backend and both controllers in-process
 * Usage: npx tsx bench/image/run.ts [--tags N] [--pushes N] [--interval 5s] [--auth token|htpasswd] [--write]
 * (--auth htpasswd: the registry's basic auth, a bcrypt check on every request, instead of tokens)
 * Progress on stderr; the Markdown section on stdout (--write: into bench/RESULTS.md).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../src/api/object.js';
import { TreeRenderPort } from '../../src/controller/adapters/render.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { Controller } from '../../src/controller/controller.js';
import { installCrds } from '../../src/controller/install-crd.js';
import { ImageController } from '../../src/image/controller.js';
import { GitUpdater } from '../../src/image/git-update.js';
import { scanTags } from '../../src/image/scan.js';
import { createClusterClient } from '../../src/kube/index.js';
import { OciClient } from '../../src/oci/client.js';
import { systemClock } from '../../src/runtime/clock.js';
import { pushMatches } from '../../src/server/webhook.js';
import { GitSource, nodeHttpClient } from '../../src/source/index.js';
import { startControlPlane } from '../../test/control-plane/control-plane.js';
import { startRegistry } from '../../test/registry/registry.js';
import { GitHttpServer, gitCli } from '../../test/support/git-server.js';
import { writeResultsSection } from '../results.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) =>
  args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback;
const TAGS = Number(opt('--tags', '5000'));
const PUSHES = Number(opt('--pushes', '5'));
const INTERVAL = opt('--interval', '5s');
const AUTH = opt('--auth', 'token') === 'htpasswd' ? 'htpasswd' : 'token';
const RUNS = 5;
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const load0 = loadavg()[0] ?? 0;

const registry = await startRegistry({ auth: AUTH, users: { bot: 'bot-pw' } });
const credentials = { username: 'bot', password: 'bot-pw' };
const config = { mediaType: 'application/vnd.oci.image.config.v1+json', data: Buffer.from('{}') };

async function pushTags(repo: string, tags: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < tags.length) {
        const tag = tags[next++] as string;
        await registry.push(repo, tag, config, []);
      }
    }),
  );
}

const lines: string[] = [];
try {
  // --- scan
  log(`pushing ${TAGS} tags...`);
  const t0 = performance.now();
  await pushTags(
    'bench/many',
    Array.from({ length: TAGS }, (_, i) => `1.0.${i}`),
  );
  log(`pushed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const spec = { image: `${registry.host}/bench/many`, interval: '1m', insecure: true };
  const rows: string[] = [];
  for (const pageSize of [100, undefined]) {
    const oci = new OciClient();
    const times: number[] = [];
    let requests = 0;
    let count = 0;
    for (let r = 0; r < RUNS + 1; r++) {
      const before = oci.counters.requests;
      const t = performance.now();
      const tags = pageSize
        ? await oci.tags(
            { registry: registry.host, repository: 'bench/many' },
            { credentials, plainHttp: true, pageSize },
          )
        : (await scanTags(oci, spec, credentials, 60_000)).tags;
      const ms = performance.now() - t;
      count = tags.length;
      if (r > 0) times.push(ms); // the first run fetches the token
      requests = oci.counters.requests - before;
    }
    rows.push(
      `| ${pageSize ? `${pageSize} a page` : "registry's default"} | ${count} | ${median(times).toFixed(0)} | ${Math.max(...times).toFixed(0)} | ${requests} |`,
    );
  }

  // --- latency
  log('starting the control plane...');
  const cp = await startControlPlane({});
  const git = await GitHttpServer.start();
  const scratch = await mkdtemp(join(tmpdir(), 'trueup-image-bench-'));
  const latencies: number[] = [];
  const afterScan: number[] = [];
  try {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    const client = await createClusterClient(kc);
    await installCrds(client);
    const ns = 'image-bench';
    const create = (o: KubeObject) => client.create(o, { fieldManager: 'bench' });
    await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as KubeObject);
    const image = `${registry.host}/bench/api`;
    await pushTags('bench/api', ['v1.0.0']);
    const repo = await git.createRepo('config');
    await gitCli(repo.bare, 'config', 'http.receivepack', 'true');
    await repo.commit({
      'api/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ${image}:v1.0.0 # {"$imagepolicy": "${ns}:api"}
`,
    });
    const repoURL = git.url('config');
    const apps = new Controller({
      client,
      config: { concurrency: 4, requeueInterval: 180_000, namespaces: [ns] },
      source: new GitSourcePort(new GitSource({ cacheDir: join(scratch, 'git') }), 0),
      render: new TreeRenderPort({}),
    });
    await apps.start();
    const images = new ImageController({
      client,
      oci: new OciClient(),
      git: new GitUpdater({ workDir: join(scratch, 'image'), http: nodeHttpClient }),
      templates: () => Promise.reject(new Error('no template in this bench')),
      log: { info: () => {}, warn: (o, m) => log(`${m} ${JSON.stringify(o)}`) },
      clock: systemClock,
      namespaces: [ns],
      onPushed: (url, branch) =>
        apps.refreshRepo((a) => pushMatches({ provider: 'github', repoURLs: [url], branch }, a)),
    });
    images.start();
    const obj = (kind: string, name: string, s: Record<string, unknown>): KubeObject => ({
      apiVersion: 'trueup.dev/v1alpha1',
      kind,
      metadata: { name, namespace: ns },
      spec: s as never,
    });
    const auth = Buffer.from('bot:bot-pw').toString('base64');
    await create({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'registry', namespace: ns },
      data: {
        '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [registry.host]: { auth } } })).toString(
          'base64',
        ),
      },
    } as KubeObject);
    await create(
      obj('ImageRepository', 'api', {
        image,
        interval: INTERVAL,
        insecure: true,
        secretRef: { name: 'registry' },
      }),
    );
    await create(
      obj('ImagePolicy', 'api', {
        imageRepositoryRef: { name: 'api' },
        policy: { semver: { range: '>=1.0.0' } },
      }),
    );
    await create(
      obj('ImageUpdateAutomation', 'api', {
        sourceRef: { repoURL },
        interval: '10m',
        git: {
          checkout: { ref: { branch: 'main' } },
          commit: { author: { name: 'bot', email: 'bot@example.com' } },
        },
      }),
    );
    await create(
      obj('Application', 'api', {
        source: { repoURL, targetRevision: 'main', path: 'api' },
        destination: { namespace: ns },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      }),
    );
    const running = async () => {
      const d = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'api' });
      const s = d?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
      return s?.template?.spec?.containers?.[0]?.image;
    };
    const until = async (want: string) => {
      const deadline = Date.now() + 120_000;
      while ((await running()) !== want) {
        if (Date.now() > deadline) throw new Error(`the Deployment never ran ${want}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await until(`${image}:v1.0.0`);
    const scanned = async (tag: string) => {
      const r = await client.get({
        apiVersion: 'trueup.dev/v1alpha1',
        kind: 'ImageRepository',
        namespace: ns,
        name: 'api',
      });
      const st = r?.status as { lastScanResult?: { latestTags?: string[] } } | undefined;
      return st?.lastScanResult?.latestTags?.includes(tag) ?? false;
    };
    for (let i = 1; i <= PUSHES; i++) {
      const tag = `v1.0.${i}`;
      await pushTags('bench/api', [tag]);
      const t = performance.now();
      let seenAt: number | undefined;
      const deadline = Date.now() + 120_000;
      while ((await running()) !== `${image}:${tag}`) {
        if (Date.now() > deadline) throw new Error(`the Deployment never ran ${tag}`);
        if (seenAt === undefined && (await scanned(tag))) seenAt = performance.now();
        await new Promise((r) => setTimeout(r, 25));
      }
      const done = performance.now();
      latencies.push(done - t);
      afterScan.push(done - (seenAt ?? done));
      log(
        `${tag}: ${(done - t).toFixed(0)} ms, ${(done - (seenAt ?? done)).toFixed(0)} ms after the scan status`,
      );
    }
    await images.stop();
    await apps.stop();
    client.close();
  } finally {
    await git.close();
    await cp.stop();
    await rm(scratch, { recursive: true, force: true });
  }

  lines.push(
    '## Image automation',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npx tsx bench/image/run.ts${AUTH === 'htpasswd' ? ' --auth htpasswd' : ''}\` on ${cpus().length} cores (load ${load0.toFixed(1)} at start), the distribution registry v3 on loopback with ${AUTH === 'htpasswd' ? 'htpasswd (basic) auth, bcrypt cost 4' : 'token auth'}.`,
    '',
    `Scan of one repository with ${TAGS} tags (median and worst of ${RUNS} scans after a first one (which fetched the token or met the Basic challenge)):`,
    '',
    '| page size | tags | median ms | max ms | requests per scan |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Tag pushed to the registry → Deployment spec running it (ImageRepository interval ${INTERVAL}, so the scan alone waits up to that long; ${PUSHES} pushes): median ${median(latencies).toFixed(0)} ms, min ${Math.min(...latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms. Each push comes right after the previous update, so it mostly waits out a whole interval. From the ImageRepository status listing the tag (the scan written) to the Deployment updated (policy, commit and push to git http-backend, refresh on push, fetch, render, apply; polled every 25 ms): median ${median(afterScan).toFixed(0)} ms, max ${Math.max(...afterScan).toFixed(0)} ms.`,
    '',
  );
} finally {
  await registry.stop();
}
const section = lines.join('\n');
process.stdout.write(`${section}\n`);
if (args.includes('--write')) await writeResultsSection('Image automation', section);
