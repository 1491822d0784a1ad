/**
 * The PrometheusRule in deploy/ checked and unit-tested with the real promtool (Debian's
 * `prometheus` package; .ci/run installs it): `promtool check rules` on its spec, and
 * `promtool test rules` on test/ops/rules/*.yaml, which prove each alert fires when it should
 * and stays quiet otherwise.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import yaml from 'js-yaml';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const RULE = join(ROOT, 'deploy', 'base', 'prometheusrule.yaml');
const TESTS = join(import.meta.dirname, 'rules');

interface PrometheusRule {
  kind: string;
  spec: { groups: { name: string; rules: { alert?: string; expr: string; for?: string }[] }[] };
}

async function promtool(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error('promtool is not installed: apt-get install -y prometheus (.ci/run does this)');
    }
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const dir = await mkdtemp(join(tmpdir(), 'trueup-rules-'));
after(() => rm(dir, { recursive: true, force: true }));
const rule = yaml.load(await readFile(RULE, 'utf8')) as PrometheusRule;
await writeFile(join(dir, 'rules.yaml'), yaml.dump(rule.spec));

describe('PrometheusRule deploy/base/prometheusrule.yaml', () => {
  it('holds the five alerts the issue names, OutOfSync for 15m', () => {
    assert.equal(rule.kind, 'PrometheusRule');
    const alerts = rule.spec.groups.flatMap((g) => g.rules);
    assert.deepEqual(alerts.map((a) => a.alert).sort(), [
      'TrueupAppMissing',
      'TrueupAppOutOfSync',
      'TrueupAppSyncFailed',
      'TrueupAppUnhealthy',
      'TrueupControllerDown',
    ]);
    assert.equal(alerts.find((a) => a.alert === 'TrueupAppOutOfSync')?.for, '15m');
  });

  it('passes promtool check rules', async () => {
    const { code, output } = await promtool(['check', 'rules', 'rules.yaml'], dir);
    assert.equal(code, 0, output);
    assert.match(output, /SUCCESS: 5 rules found/);
  });

  it('passes the promtool unit tests in test/ops/rules (each alert fires and stays quiet)', async () => {
    const files = (await readdir(TESTS)).filter((f) => f.endsWith('.yaml')).sort();
    assert.deepEqual(files, ['apps.yaml', 'controller.yaml']);
    for (const f of files) await copyFile(join(TESTS, f), join(dir, f));
    const { code, output } = await promtool(['test', 'rules', ...files], dir);
    assert.equal(code, 0, output);
    assert.equal(output.match(/SUCCESS/g)?.length, files.length, output);
  });

  it('has a Grafana dashboard whose every query is valid PromQL over trueup metrics (promtool)', async () => {
    const dashboard = JSON.parse(await readFile(join(ROOT, 'deploy', 'grafana', 'trueup.json'), 'utf8')) as {
      uid: string;
      panels: { title: string; targets: { expr: string }[] }[];
    };
    assert.equal(dashboard.uid, 'trueup-overview');
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ title: p.title, expr: t.expr })));
    assert.ok(exprs.length >= 15, `only ${exprs.length} queries`);
    for (const { title, expr } of exprs) assert.match(expr, /trueup_|process_|nodejs_/, title);
    // Grafana's variables replaced by values, each query checked as a recording rule.
    const rules = exprs.map(({ expr }, i) => ({
      record: `dashboard:query_${i}`,
      expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$job', '.*'),
    }));
    await writeFile(join(dir, 'dashboard.yaml'), yaml.dump({ groups: [{ name: 'dashboard', rules }] }));
    const { code, output } = await promtool(['check', 'rules', 'dashboard.yaml'], dir);
    assert.equal(code, 0, output);
  });

  it('would catch a broken rule: the unit tests fail when OutOfSync fires without waiting', async () => {
    const broken = join(dir, 'broken');
    await rm(broken, { recursive: true, force: true });
    await mkdir(broken, { recursive: true });
    const text = yaml.dump(rule.spec).replace('for: 15m', 'for: 1m');
    await writeFile(join(broken, 'rules.yaml'), text);
    await copyFile(join(TESTS, 'apps.yaml'), join(broken, 'apps.yaml'));
    const { code, output } = await promtool(['test', 'rules', 'apps.yaml'], broken);
    assert.notEqual(code, 0);
    assert.match(output, /alertname: TrueupAppOutOfSync, time: 14m/);
  });
});
