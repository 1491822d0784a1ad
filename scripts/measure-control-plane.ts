/**
 * Measures the local control plane: time to /readyz (cached binaries), time until the simulated
 * workloads are ready, and the resident memory of each process. Usage: npx tsx scripts/measure-control-plane.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startControlPlane } from '../test/control-plane/control-plane.js';

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

for (const workloads of [false, true]) {
  const lines: string[] = [];
  const t0 = Date.now();
  const cp = await startControlPlane({ workloads, log: (l) => lines.push(`${Date.now() - t0} ${l}`) });
  const total = Date.now() - t0;
  // Let the controllers settle before reading memory.
  await new Promise((r) => setTimeout(r, 5000));
  const pids = execFileSync('pgrep', ['-f', cp.dir]).toString().trim().split('\n').map(Number);
  const rows = pids.map((pid) => {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]?.split('/').pop() ?? '?';
    return { cmd, rss: rssMiB(pid) };
  });
  process.stdout.write(`\nworkloads=${workloads}: ready in ${total} ms\n${lines.join('\n')}\n`);
  for (const r of rows) process.stdout.write(`  ${r.cmd.padEnd(26)} ${r.rss} MiB\n`);
  process.stdout.write(`  total                      ${rows.reduce((a, r) => a + r.rss, 0)} MiB\n`);
  await cp.stop();
}
