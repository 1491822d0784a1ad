/** Runs the real, installed kubectl against a test kubeconfig (tests only: playing a human). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function kubectl(
  kubeconfigPath: string,
  args: readonly string[],
  input?: string,
): Promise<{ stdout: string; stderr: string }> {
  const child = run('kubectl', ['--kubeconfig', kubeconfigPath, ...args], { maxBuffer: 64 << 20 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return child;
}
