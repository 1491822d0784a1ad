/**
 * Many repositories: R repositories × A apps each (3 ConfigMaps per app). Cold start to all
 * Ready, counting the Git server's requests per repository (ref advertisements and upload-pack
 * fetches); then a new commit in every repository and a refresh of every app, counting again:
 * one fetch per repository per new revision is the goal. Fetches run in the controller's
 * workers, so at most --concurrency at a time.
 * Usage: npx tsx bench/scale-churn/repos.ts [--repos 100] [--apps-per-repo 10] [--concurrency 10]
 * Prints a JSON result on stdout; progress on stderr.
 */
import { Annotation } from '../../src/api/application.js';
import { mapLimit } from '../../src/sync/limit.js';
import { appObject, ControllerProcess, createAll, load, log, MiB, namespace, startEnv } from './harness.js';

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const r = flag('repos', 100);
const perRepo = flag('apps-per-repo', 10);
const concurrency = flag('concurrency', 10);
const cm = (name: string, value: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { value } });
const files = (v: string) => ({
  'app/kustomization.yaml': JSON.stringify({ resources: ['a.yaml', 'b.yaml', 'c.yaml'] }),
  'app/a.yaml': cm('a', v),
  'app/b.yaml': cm('b', 'b'),
  'app/c.yaml': cm('c', 'c'),
});

const env = await startEnv();
try {
  const repoNames = Array.from({ length: r }, (_, i) => `repo${String(i).padStart(3, '0')}`);
  const repos = await mapLimit(repoNames, 8, async (name) => {
    const repo = await env.git.createRepo(name);
    await repo.commit(files('v1'));
    return repo;
  });
  const stamp = Date.now();
  const appNs = await namespace(env.client, `repos-apps-${stamp}`);
  const dest = await namespace(env.client, `repos-dest-${stamp}`);
  const apps = repoNames.flatMap((repo) =>
    Array.from({ length: perRepo }, (_, j) => ({ name: `${repo}-app${j}`, repo })),
  );
  await createAll(
    env.client,
    apps.map((a) => appObject(a.name, appNs, env.git.url(a.repo), 'app', dest, `${a.name}-`)),
  );
  /** Requests per repository and kind since `from`. */
  const perRepoCounts = (from: number) => {
    const counts = new Map<string, { refs: number; pack: number }>();
    for (const q of env.git.requests.slice(from)) {
      const repo = repoNames.find((n) => q.path.includes(`/${n}`)) ?? '?';
      const c = counts.get(repo) ?? { refs: 0, pack: 0 };
      if (q.kind === 'refs') c.refs++;
      if (q.kind === 'pack') c.pack++;
      counts.set(repo, c);
    }
    const packs = [...counts.values()].map((c) => c.pack);
    const refs = [...counts.values()].map((c) => c.refs);
    return {
      repositories: counts.size,
      uploadPackPerRepo: {
        min: Math.min(...packs),
        max: Math.max(...packs),
        total: packs.reduce((a, b) => a + b, 0),
      },
      refAdvertisementsPerRepo: {
        min: Math.min(...refs),
        max: Math.max(...refs),
        total: refs.reduce((a, b) => a + b, 0),
      },
    };
  };
  const n = apps.length;
  const l0 = load();
  const ctl = ControllerProcess.start(env.cp.kubeconfigPath, appNs, concurrency, 3_600_000);
  const cold = await ctl.until('all apps Ready', (s) => s.apps === n && s.ready === n, 30 * 60_000);
  const coldGit = perRepoCounts(0);
  log(
    `[repos] ${n} apps over ${r} repositories Ready in ${(cold.t / 1000).toFixed(1)} s: ${JSON.stringify(coldGit)}`,
  );

  // A new revision in every repository, then every app refreshed.
  const mark = env.git.requests.length;
  const heads = await mapLimit(repos, 8, (repo) => repo.commit(files('v2')));
  const t1 = performance.now();
  await mapLimit(apps, 32, (a) =>
    env.client.apply(
      {
        apiVersion: 'trueup.dev/v1alpha1',
        kind: 'Application',
        metadata: { name: a.name, namespace: appNs, annotations: { [Annotation.Refresh]: 'normal' } },
      },
      { fieldManager: 'bench-refresh', force: true },
    ),
  );
  const wanted = new Set(heads.map((h) => h.slice(0, 12)));
  await ctl.until(
    'every app at its repository’s new revision',
    (s) => Object.entries(s.revisions).reduce((a, [rev, c]) => a + (wanted.has(rev) ? c : 0), 0) === n,
    30 * 60_000,
  );
  const newRevisionSeconds = (performance.now() - t1) / 1000;
  const newGit = perRepoCounts(mark);
  await ctl.stop();
  process.stdout.write(
    `${JSON.stringify(
      {
        repositories: r,
        apps: n,
        concurrency,
        coldStartSeconds: Math.round(cold.t / 100) / 10,
        coldStartLoadavg: l0,
        coldGit,
        newRevisionSeconds: Math.round(newRevisionSeconds * 10) / 10,
        newRevisionGit: newGit,
        peakRssMiB: MiB(Math.max(...ctl.history.map((s) => s.rss))),
        loadavg: load(),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await env.stop();
}
