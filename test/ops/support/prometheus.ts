/**
 * A real Prometheus server (Debian's `prometheus` package) on loopback for end-to-end tests:
 * it scrapes the given targets every second and evaluates the given rule groups every second;
 * the test reads alerts through its HTTP API.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { freePort, type ManagedProcess, startProcess, waitUntil } from '../../control-plane/processes.js';

export interface RuleGroup {
  name: string;
  rules: Record<string, unknown>[];
}

export interface PrometheusOptions {
  /** job name → `host:port` targets. */
  jobs: Record<string, string[]>;
  groups: RuleGroup[];
}

export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
}

export interface PrometheusServer {
  url: string;
  /** Active alerts (pending and firing) as `/api/v1/alerts` reports them. */
  alerts(): Promise<Alert[]>;
  /** Instant query; the result vector's samples. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Scrape health of the targets. */
  targets(): Promise<{ health: string; scrapeUrl: string; lastError: string }[]>;
  stop(): Promise<void>;
  logTail(): Promise<string>;
}

async function api<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'trueup-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await writeFile(join(dir, 'rules.yaml'), yaml.dump({ groups: options.groups }));
  await writeFile(
    join(dir, 'prometheus.yml'),
    yaml.dump({
      global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
      rule_files: [join(dir, 'rules.yaml')],
      scrape_configs: Object.entries(options.jobs).map(([job, targets]) => ({
        job_name: job,
        honor_labels: true,
        static_configs: [{ targets }],
      })),
    }),
  );
  const proc: ManagedProcess = startProcess(
    'prometheus',
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    dir,
  );
  const stop = async () => {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil('prometheus /-/ready', async () => (await fetch(`${url}/-/ready`)).ok, proc, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    alerts: async () => (await api<{ alerts: Alert[] }>(`${url}/api/v1/alerts`)).alerts,
    query: async (expr) =>
      (
        await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `${url}/api/v1/query?query=${encodeURIComponent(expr)}`,
        )
      ).result,
    targets: async () =>
      (
        await api<{ activeTargets: { health: string; scrapeUrl: string; lastError: string }[] }>(
          `${url}/api/v1/targets`,
        )
      ).activeTargets,
    stop,
    logTail: () => proc.logTail(),
  };
}

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** The deploy/ rule groups, with `for:` of the named alerts replaced. */
export async function shippedRules(forOverrides: Record<string, string>): Promise<RuleGroup[]> {
  const rule = yaml.load(await readFile(join(ROOT, 'deploy', 'base', 'prometheusrule.yaml'), 'utf8')) as {
    spec: { groups: RuleGroup[] };
  };
  for (const g of rule.spec.groups) {
    for (const r of g.rules) {
      const name = r.alert;
      if (typeof name === 'string' && forOverrides[name]) r.for = forOverrides[name];
    }
  }
  return rule.spec.groups;
}
