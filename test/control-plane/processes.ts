/**
 * Child processes of the local control plane: started with their output in log files, killed
 * on stop, and killed on the way out if the test process dies without stopping them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

const live = new Set<ChildProcess>();
const dirsToRemove = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const dir of dirsToRemove) rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * Removes `dir` when this process exits, unless `forget` is called first (after a clean stop).
 * With the children unreferenced (below), a test file that never calls stop() still ends, and
 * nothing of its control plane outlives it.
 */
export function removeOnExit(dir: string): { forget(): void } {
  installExitHook();
  dirsToRemove.add(dir);
  return { forget: () => dirsToRemove.delete(dir) };
}

export interface ManagedProcess {
  name: string;
  logPath: string;
  child: ChildProcess;
  /** Resolves when the process has exited (after stop() or on its own). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): Promise<string>;
}

export function startProcess(name: string, binary: string, args: string[], logDir: string): ManagedProcess {
  installExitHook();
  const logPath = join(logDir, `${name}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  live.add(child);
  // The control plane must not keep its owner alive: the exit hook ends it with the process.
  child.unref();
  (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
    child.on('error', (err) => {
      log.write(`spawn error: ${err.message}\n`);
      live.delete(child);
      resolve(null);
    });
  });
  const logTail = async (lines = 15) => {
    const text = await readFile(logPath, 'utf8').catch(() => '');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => log.end(resolve));
  };
  return { name, logPath, child, exited, stop, logTail };
}

/** A TCP port on loopback that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `probe` until it returns true. Fails early if `proc` exits, and after `timeoutMs`, with
 * the tail of the process log in the message.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  proc: ManagedProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${proc.name} exited before ${what}:\n${await proc.logTail()}`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name}: ${what} not reached in ${timeoutMs} ms:\n${await proc.logTail()}`);
}
