/**
 * `npm run demo` keeps working: the script runs through once (`--once`) with its own control
 * plane, Git server and in-process controller, and reports each step's outcome.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');

describe('npm run demo', () => {
  it('converges the examples to Synced and Healthy, reverts a kubectl scale, applies a pushed commit, and exits cleanly', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts'), '--once'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGINT'), 300_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(timer);
    assert.equal(code, 0, output);
    // The Helm example app joins when the Helm engine is built (npm test builds it).
    const helm = !/the Helm engine is not built/.test(output);
    const apps = [
      'root',
      'web-api-dev',
      'web-api-prod',
      'team-config-payments',
      'team-config-search',
      'secrets-demo',
      ...(helm ? ['web-chart-prod'] : []),
    ];
    const all = `all ${apps.length} Applications`;
    assert.match(output, new RegExp(`${all} Synced and Healthy in`));
    // The last table before that line: every Application Synced and Healthy, autoscalers included.
    const finalTable = output.slice(0, output.indexOf(all)).split('—').pop() ?? '';
    for (const app of apps) assert.match(finalTable, new RegExp(`${app}\\s+Synced\\s+Healthy`), finalTable);
    assert.match(output, /Secret secrets-demo\/db-credentials decrypted from Git: keys password, username/);
    assert.match(output, /reverted to 3 by trueup \(selfHeal\)/);
    assert.match(output, /trueup_drift_corrections_total\{namespace="trueup-system",name="web-api-prod"\} 1/);
    assert.match(output, /POST \/webhook -> 200 .*trueup-system\/web-api-prod/);
    assert.match(output, /applied [0-9a-f]{7}: web-api-prod runs 4 replicas/);
    assert.match(output, /export KUBECONFIG=/);
    assert.match(output, /web UI: +http:\/\/127\.0\.0\.1:\d+ /);
  });
});
