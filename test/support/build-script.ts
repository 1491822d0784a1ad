/**
 * Runs one of the test-tool build scripts (control plane, Helm, …): each builds into
 * ~/.cache/trueup on a machine's first use, prints progress on stderr and the directories it
 * built into on stdout, one per line, the last line last.
 */
import { spawn } from 'node:child_process';

/** Resolves with the script's stdout lines; `log` gets its progress lines as they come. */
export function runBuildScript(
  script: string,
  args: readonly string[],
  log: (line: string) => void = () => {},
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      const text = d.toString();
      stderrTail = (stderrTail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) log(line);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(stdout.trim().split('\n'));
      else reject(new Error(`${script} failed (exit ${code}):\n${stderrTail}`));
    });
  });
}
